package dev.fim.engine.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventTextTest {
  private static final long T = 1_764_064_800_123_456_000L; // 2025-11-25T10:00:00.123456Z

  @Test
  void lineHasTimeActionPathAndEachChange() {
    ChangeEvent e =
        new ChangeEvent(
            T,
            1,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            Records.file(2, 0644, Records.xxh(2)),
            Records.file(1, 0644, Records.xxh(1)),
            List.of(
                new AttributeChange("content", "a", "b"), new AttributeChange("inode", "1", "2")),
            Origin.CHECK,
            Attribution.NONE,
            "fim check compares states");
    assertEquals(
        "2025-11-25T10:00:00.123456Z updated /etc/hosts  content: a -> b, inode: 1 -> 2",
        EventText.line(e));
    assertEquals(
        "2025-11-25T10:00:00.123456Z updated /etc/hosts  content: a -> b, inode: 1 -> 2"
            + "  by unknown (fim check compares states)",
        EventText.lineWithWho(e));
  }

  @Test
  void moveShowsBothNamesAndOddBytesEscaped() {
    ChangeEvent e =
        new ChangeEvent(
            T,
            1,
            Action.MOVED,
            PathBytes.of(new byte[] {'/', 'b', (byte) 0xff}),
            PathBytes.ofUtf8("/a\nb"),
            null,
            null,
            List.of(),
            Origin.WATCH,
            Attribution.NONE,
            null);
    assertEquals(
        "2025-11-25T10:00:00.123456Z moved /a\\nb -> /b\\xff  by unknown",
        EventText.lineWithWho(e));
  }

  static Stream<Arguments> actors() {
    return Stream.of(
        Arguments.of(
            "sudo: login user and effective user differ",
            new Actor(
                1001L,
                "alice",
                0L,
                "root",
                4242,
                1,
                "/usr/bin/vim.basic",
                "vim",
                List.of("vim"),
                3L,
                "pts/0"),
            "by alice (auid 1001) as root, vim[4242] /usr/bin/vim.basic"),
        Arguments.of(
            "the same user is named once",
            new Actor(
                1001L,
                "alice",
                1001L,
                "alice",
                7,
                null,
                "/usr/bin/touch",
                "touch",
                null,
                null,
                null),
            "by alice (auid 1001), touch[7] /usr/bin/touch"),
        Arguments.of(
            "no names in the password database",
            new Actor(1005L, null, 1006L, null, 7, null, null, "sh", null, null, null),
            "by auid 1005 as uid 1006, sh[7]"),
        Arguments.of(
            "daemon: auid unset",
            new Actor(
                Actor.UNSET_ID,
                null,
                0L,
                "root",
                812,
                1,
                "/usr/sbin/cron",
                "cron",
                null,
                null,
                null),
            "by (auid unset) as root, cron[812] /usr/sbin/cron"),
        Arguments.of(
            "daemon: its unit and parents up to the one with a login uid",
            new Actor(
                Actor.UNSET_ID,
                null,
                0L,
                "root",
                812,
                640,
                "/usr/bin/dash",
                "sh",
                null,
                null,
                null,
                "cron.service",
                List.of(
                    new Actor.Parent(640, "/usr/sbin/cron", Actor.UNSET_ID),
                    new Actor.Parent(300, null, null),
                    new Actor.Parent(1, "/usr/lib/systemd/systemd", 1000L))),
            "by (auid unset) as root, sh[812] /usr/bin/dash via cron.service, from /usr/sbin/cron[640] <- pid 300"
                + " <- /usr/lib/systemd/systemd[1] (auid 1000)"),
        Arguments.of(
            "a unit, and no parent left to name",
            new Actor(
                Actor.UNSET_ID,
                null,
                0L,
                "root",
                9,
                null,
                null,
                null,
                null,
                null,
                null,
                "session-3.scope",
                List.of()),
            "by (auid unset) as root, pid 9 via session-3.scope"),
        Arguments.of(
            "no login uid known, effective user only",
            new Actor(null, null, 0L, "root", 55, null, "/usr/bin/rm", "rm", null, null, null),
            "by root (uid 0), rm[55] /usr/bin/rm"),
        Arguments.of(
            "process without a name",
            new Actor(null, null, null, null, 9, null, "/usr/bin/x", null, null, null, null),
            "by pid 9 /usr/bin/x"),
        Arguments.of(
            "an actor that says nothing",
            new Actor(null, null, null, null, null, null, null, null, null, null, null),
            "by unknown (the source named no user or process)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("actors")
  void whoNamesLoginUserEffectiveUserAndProcess(String name, Actor actor, String expected) {
    ChangeEvent e =
        new ChangeEvent(
            T,
            1,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            null,
            null,
            List.of(),
            Origin.WATCH,
            Attribution.PROC,
            null,
            null,
            actor);
    assertEquals(expected, EventText.who(e));
    // A report appends the line and who into one builder holding the rows before it: the same text.
    String before = "UNAPPROVED 2025-11-25T10:00:00Z updated /etc/passwd  by x\n";
    assertEquals(
        before + EventText.line(e) + "  " + expected,
        EventText.appendLineWithWho(new StringBuilder(before), e).toString());
    assertEquals(EventText.line(e) + "  " + expected, EventText.lineWithWho(e));
  }

  /**
   * A packaged file: the owner for anyone's change, "verified" for dpkg's matching write, and a
   * loud NOT VERIFIED with the reason for dpkg's write that is not the package's; the JSON carries
   * ECS package.* and fim.package_verified only when it was checked.
   */
  @Test
  void packageNoteMakesAnUnverifiedPackageWriteStandOut() {
    ChangeEvent e =
        new ChangeEvent(
            1_000_000_000L,
            1,
            dev.fim.store.Action.UPDATED,
            dev.fim.store.PathBytes.ofUtf8("/usr/bin/tool"),
            null,
            Records.file(2, 0755, Records.xxh(2)),
            Records.file(1, 0755, Records.xxh(1)),
            java.util.List.of(),
            dev.fim.store.Origin.WATCH,
            dev.fim.store.Attribution.PROC,
            null);
    assertEquals(
        "package tool 1.0",
        EventText.packageNote(new dev.fim.store.PackageOrigin("tool", "1.0", null, null)));
    assertTrue(
        EventText.line(e.withPackage(new dev.fim.store.PackageOrigin("tool", "1.0", true, null)))
            .endsWith("  package tool 1.0 verified"));
    ChangeEvent bad = e.withPackage(new dev.fim.store.PackageOrigin("tool", null, false, "why"));
    assertTrue(
        EventText.line(bad).endsWith("  NOT VERIFIED against tool (why)"), EventText.line(bad));
    String json = EventJson.toJson(bad);
    assertTrue(json.contains("\"package\":{\"name\":\"tool\"}"), json);
    assertTrue(json.contains("\"package_verified\":false,\"package_reason\":\"why\""), json);
    String owned =
        EventJson.toJson(e.withPackage(new dev.fim.store.PackageOrigin("tool", "1.0", null, null)));
    assertTrue(owned.contains("\"package\":{\"name\":\"tool\",\"version\":\"1.0\"}"), owned);
    assertTrue(!owned.contains("package_verified"), owned);
    assertTrue(!EventJson.toJson(e).contains("package"), "no package, no field");
  }

  /**
   * The other writers of a change follow its actor, oldest first, with what differs from the actor
   * (another login or user) and their syscall; the actor itself (the last writer) is not repeated.
   */
  @Test
  void whoNamesTheOtherWritersAfterTheActor() {
    Actor chmod =
        new Actor(1001L, null, 0L, "root", 12, 1, "/usr/bin/chmod", "chmod", null, null, null);
    ChangeEvent e =
        new ChangeEvent(
                T,
                1,
                Action.CREATED,
                PathBytes.ofUtf8("/usr/bin/x"),
                null,
                Records.file(2, 04755, Records.xxh(2)),
                null,
                List.of(),
                Origin.WATCH,
                Attribution.AUDIT,
                null,
                null,
                chmod)
            .withWriters(
                List.of(
                    new dev.fim.store.Writer(10, "/usr/bin/cp", "cp", 1001L, 0L, "openat", 77L, T),
                    new dev.fim.store.Writer(
                        11, "/usr/bin/dash", "sh", 1001L, 65534L, "openat", 78L, T),
                    new dev.fim.store.Writer(
                        12, "/usr/bin/chmod", "chmod", 1001L, 0L, "fchmodat", 79L, T)));
    assertEquals(
        "by auid 1001 as root, chmod[12] /usr/bin/chmod (also: cp[10] openat, sh[11] uid 65534"
            + " openat)",
        EventText.who(e));
  }
}
