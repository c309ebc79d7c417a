package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditListener;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.engine.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beside a running auditd, fim reads the multicast copy of the records and attributes as well: a
 * write by a login-uid-1001 child is found with its exe and pid. auditd stays the audit pid
 * throughout; afterwards the host's audit state and rules are as before.
 */
@Tag("kernel")
class AuditAttributorBesideAuditdKernelTest {
  @TempDir Path scratch; // auditd's config and log

  @Test
  void attributesFromTheMulticastGroupWhileAuditdIsTheAuditPid() throws Exception {
    assumeTrue(
        Commands.isRoot(), "needs CAP_AUDIT_CONTROL and CAP_AUDIT_READ (run the tests as root)");
    Path tree = Files.createTempDirectory(Path.of("/var/tmp"), "fim-attr-").toRealPath();
    try (AuditClient client = AuditClient.open()) {
      AuditStatus host = client.status();
      assumeTrue(
          !host.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
      List<String> hostRules = AuditAttributorKernelTest.ruleTexts(client);
      try (TestAuditd auditd = TestAuditd.start(scratch, client)) {
        try (AuditAttributor a =
            AuditAttributor.start(
                List.of(AuditAttributorKernelTest.pathOf(tree)),
                AuditAttributorKernelTest.settings())) {
          assertEquals(AuditListener.Mode.MULTICAST, a.mode());
          assertEquals(auditd.pid(), client.status().pid(), "auditd stays the audit pid");
          LoginChild child = LoginChild.run(tree, "sh", "-c", "echo x >> f");
          Path f = tree.resolve("f");
          AuditedChange e =
              a.await(
                      ChangeQuery.of(
                          AuditAttributorKernelTest.pathOf(f),
                          AuditAttributorKernelTest.inode(f),
                          child.commandPid,
                          child.startedNs,
                          TimeUnit.SECONDS.toNanos(5)),
                      AuditAttributorKernelTest.WAIT)
                  .get(AuditAttributorKernelTest.WAIT.toSeconds() + 10, TimeUnit.SECONDS);
          assertNotNull(e, () -> "no event beside auditd: " + a.counters());
          assertEquals(LoginChild.LOGIN_UID, e.actor().auid());
          assertEquals(Path.of("/bin/sh").toRealPath().toString(), e.actor().executable());
          assertEquals(List.of("sh", "-c", "echo x >> f"), e.actor().args());
          System.out.printf(
              "beside auditd: indexed %.1f ms after the audit time; %s%n",
              (e.receivedNs() - e.timeNs()) / 1e6, a.counters());
        }
        assertEquals(
            auditd.pid(), client.status().pid(), "auditd is still the audit pid after close");
      }
      AuditStatus now = client.status();
      assertEquals(host.enabled(), now.enabled(), "enabled restored");
      assertEquals(host.pid(), now.pid(), "audit pid as before");
      assertEquals(host.backlogLimit(), now.backlogLimit(), "backlog limit restored");
      assertEquals(
          hostRules, AuditAttributorKernelTest.ruleTexts(client), "the host's rules are as before");
    } finally {
      Files.deleteIfExists(tree.resolve("f"));
      Files.deleteIfExists(tree);
    }
  }
}
