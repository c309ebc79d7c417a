package dev.fim.engine.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.PathBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which names the comparator holds for a late rename: the temporaries the tools really write (seen
 * with strace: dpkg, sed, shadow-utils' commonio, Python's tempfile, Ansible), and names that only
 * resemble them.
 */
class TemporaryNamesTest {
  private static PathBytes p(String s) {
    return PathBytes.ofUtf8("/etc/" + s);
  }

  @Test
  void theToolsTemporariesAreHeld() {
    for (String n :
        List.of(
            "hosts.dpkg-new",
            "hosts.dpkg-tmp",
            "bash;5f3a9c1d",
            "passwd+",
            "shadow+",
            "passwd.lock",
            "motd~",
            ".#motd",
            ".#motdAb12Cd",
            ".ansible_tmpk2j3h4hosts",
            "tmpa1b_9zqx",
            "sedzSmsJ7",
            "x.tmp",
            ".goutputstream-ABC123")) {
      assertTrue(TemporaryNames.looksTemporary(p(n)), n);
    }
  }

  @Test
  void namesThatOnlyResembleThemAreNot() {
    for (String n :
        List.of(
            "hosts",
            "passwd-",
            "libfoo.so.1",
            "bash;5F3A9C1D", // rpm writes lowercase hex
            "bash;5f3a9c1", // seven digits
            ";5f3a9c1d0",
            "tmpa1b2c3d", // seven
            "tmpA1B2C3D4", // tempfile names are lowercase
            "sedzSmsJ", // five
            "sedzSmsJ7x",
            "+",
            "~",
            ".lock",
            ".tmp",
            "dpkg-new",
            "motd.swp")) {
      assertFalse(TemporaryNames.looksTemporary(p(n)), n);
    }
  }

  @Test
  void onlyTheLastComponentCounts() {
    assertFalse(TemporaryNames.looksTemporary(PathBytes.ofUtf8("/srv/x.dpkg-new/hosts")));
    assertTrue(TemporaryNames.looksTemporary(PathBytes.ofUtf8("/srv/x.dpkg-new/hosts~")));
  }

  @Test
  void theBaseIsTheNameTheTemporaryStandsIn() {
    assertEquals(p("hosts"), TemporaryNames.base(p("hosts.dpkg-tmp")));
    assertEquals(p("hosts"), TemporaryNames.base(p("hosts.dpkg-new")));
    assertEquals(p("passwd"), TemporaryNames.base(p("passwd+")));
    assertEquals(p("bash"), TemporaryNames.base(p("bash;5f3a9c1d")));
    assertEquals(p("motd"), TemporaryNames.base(p("motd~")));
    assertNull(TemporaryNames.base(p("tmpa1b_9zqx")));
    assertNull(TemporaryNames.base(p("passwd.lock")));
  }

  @Test
  void locks() {
    assertTrue(TemporaryNames.isLock(p("passwd.lock")));
    assertFalse(TemporaryNames.isLock(p(".lock")));
    assertFalse(TemporaryNames.isLock(p("passwd+")));
  }
}
