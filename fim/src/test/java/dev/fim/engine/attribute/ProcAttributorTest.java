package dev.fim.engine.attribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The unset-login context {@link ProcAttributor} reads: the systemd unit in a cgroup text, the
 * parent chain.
 */
class ProcAttributorTest {
  @Test
  void theUnitIsTheInnermostUnitOfTheUnifiedLineElseOfTheSystemdLine() {
    assertEquals("cron.service", ProcAttributor.systemdUnit("0::/system.slice/cron.service\n"));
    assertEquals(
        "session-3.scope",
        ProcAttributor.systemdUnit("0::/user.slice/user-1000.slice/session-3.scope"));
    // a user service inside the user manager: the user named it, so it is shown under the unit
    // systemd made; a user's own "cron.service" cannot pass for the system's
    assertEquals(
        "user@1000.service/app.service",
        ProcAttributor.systemdUnit(
            "0::/user.slice/user-1000.slice/user@1000.service/app.slice/app.service"));
    assertEquals(
        "user@1000.service/cron.service",
        ProcAttributor.systemdUnit(
            "0::/user.slice/user-1000.slice/user@1000.service/cron.service\n"));
    assertEquals(
        "user@1000.service/init.scope",
        ProcAttributor.systemdUnit("0::/user.slice/user-1000.slice/user@1000.service/init.scope"));
    // a container runtime's delegated subtree
    assertEquals(
        "docker.service/cron.service",
        ProcAttributor.systemdUnit("0::/system.slice/docker.service/x/cron.service\n"));
    // hybrid hierarchy (as on this host): the unified line first, then the named systemd one
    assertEquals(
        "cron.service",
        ProcAttributor.systemdUnit(
            "9:name=systemd:/system.slice/cron.service\n4:memory:/x\n0::/system.slice/cron.service\n"));
    assertEquals(
        "ssh.service",
        ProcAttributor.systemdUnit("9:name=systemd:/system.slice/ssh.service\n0::/\n"));
    // no systemd: a container runtime's path, the root, nothing
    assertNull(ProcAttributor.systemdUnit("0::/docker/3f2a\n"));
    assertNull(ProcAttributor.systemdUnit("0::/\n"));
    assertNull(ProcAttributor.systemdUnit(""));
    assertNull(ProcAttributor.systemdUnit(null));
    assertNull(
        ProcAttributor.systemdUnit("0::/.service\n"), "a name that is only a suffix is no unit");
  }

  /**
   * This test's own JVM, read as a writer: its login uid decides whether the context is read
   * (unset: a unit, if any, and a chain that starts with the JVM's parent and ends at a login uid,
   * pid 1, or the bound).
   */
  @Test
  void theParentChainOfARealProcessEndsAtALoginUidPidOneOrTheBound() throws Exception {
    ProcAttributor proc = new ProcAttributor();
    long self = ProcessHandle.current().pid();
    Actor a = proc.lookup((int) self);
    assertNotNull(a);
    if (!a.loginUnknown()) {
      assertNull(a.parents(), "a set login uid needs no context: " + a);
      return;
    }
    assertNotNull(a.parents(), a::toString);
    assertTrue(
        !a.parents().isEmpty() && a.parents().size() <= ProcAttributor.MAX_PARENTS, a::toString);
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    assertEquals(parent, a.parents().get(0).pid());
    assertEquals(
        Files.readSymbolicLink(Path.of("/proc/" + parent + "/exe")).toString(),
        a.parents().get(0).executable());
    Actor.Parent last = a.parents().get(a.parents().size() - 1);
    assertTrue(
        last.pid() == 1
            || (last.auid() != null && last.auid() != Actor.UNSET_ID)
            || a.parents().size() == ProcAttributor.MAX_PARENTS,
        a::toString);
  }
}
