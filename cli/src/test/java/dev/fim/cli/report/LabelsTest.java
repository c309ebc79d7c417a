package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Labels#prefix}: the group a path's change is totalled under; {@link Labels#user} of a
 * daemon.
 */
class LabelsTest {
  @ParameterizedTest(name = "{0} at depth {1} -> {2}")
  @CsvSource({
    "/etc/hosts, 2, /etc",
    "/etc/ssh/sshd_config, 2, /etc/ssh",
    "/usr/lib/x86_64-linux-gnu/libc.so.6, 2, /usr/lib",
    "/usr/lib/x86_64-linux-gnu/libc.so.6, 3, /usr/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu/libc.so.6, 1, /usr",
    "/vmlinuz, 2, /",
    "/, 2, /",
    "/etc, 1, /"
  })
  void prefix(String path, int depth, String expected) {
    assertEquals(expected, Labels.prefix(PathBytes.ofUtf8(path), depth));
  }

  private static ChangeEvent by(Actor a) {
    return new ChangeEvent(
        0,
        1,
        Action.UPDATED,
        PathBytes.ofUtf8("/etc/x"),
        null,
        null,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.AUDIT,
        null,
        null,
        a);
  }

  /**
   * A daemon (login uid unset) is totalled by its systemd unit when known, so "by user" says which
   * (issue 15 #5).
   */
  @Test
  void aDaemonIsTotalledByItsUnitWhenKnown() {
    Actor dpkg =
        new Actor(
            Actor.UNSET_ID, null, 0L, "root", 78, 60, "/usr/bin/dpkg", "dpkg", null, null, null);
    assertEquals("(auid unset)", Labels.user(by(dpkg)));
    assertEquals(
        "(auid unset) via apt-daily-upgrade.service",
        Labels.user(
            by(
                dpkg.withContext(
                    "apt-daily-upgrade.service",
                    List.of(new Actor.Parent(60, "/usr/bin/python3.11", Actor.UNSET_ID))))));
    assertEquals(
        "(auid unset)",
        Labels.user(by(dpkg.withContext(null, List.of()))),
        "a chain alone: no unit");
  }
}
