package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Audit events as the kernel logs them (record text in auditd's log form, the same fields as on
 * netlink) → the change fim indexes: names resolved against CWD unless a directory fd was used,
 * exact bytes of hex-encoded names, PROCTITLE split at NULs and dropped when it is the stale copy
 * from before an exec.
 */
class ChangeDecoderTest {
  static final Interpreter NAMES =
      new Interpreter(
          AccountSource.of(
              "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/sh\n",
              "root:x:0:\n"));
  static final String SERIAL = "audit(1700000000.250:100): ";

  final ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);

  static List<AuditRecord> event(String... lines) {
    List<AuditRecord> out = new ArrayList<>();
    RecordParser p = new RecordParser();
    for (String l : lines) {
      out.add(p.parseLogLine(l.getBytes(StandardCharsets.ISO_8859_1)));
    }
    return out;
  }

  static String syscall(
      int nr, String a0, String a2, int pid, String comm, String exe, String key) {
    return "type=SYSCALL msg="
        + SERIAL
        + "arch=c000003e syscall="
        + nr
        + " success=yes exit=0 a0="
        + a0
        + " a1=7ffd a2="
        + a2
        + " a3=0 items=4 ppid=1 pid="
        + pid
        + " auid=1001 uid=1001 gid=0 euid=0"
        + " suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm=\""
        + comm
        + "\" exe=\""
        + exe
        + "\" key="
        + key;
  }

  static String path(int item, String name, long inode, String nametype) {
    return "type=PATH msg="
        + SERIAL
        + "item="
        + item
        + " name="
        + name
        + " inode="
        + inode
        + " dev=fe:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype="
        + nametype
        + " cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0";
  }

  static final String CWD = "type=CWD msg=" + SERIAL + "cwd=\"/var/tmp/t\"";

  /** mv a b: renameat2(AT_FDCWD, "a", AT_FDCWD, "b"). */
  static List<AuditRecord> mv(String a0, String a2) {
    return event(
        syscall(316, a0, a2, 42, "mv", "/usr/bin/mv", "\"fim\""),
        CWD,
        path(0, "\"/var/tmp/t/\"", 10, "PARENT"),
        path(1, "\"/var/tmp/t/\"", 10, "PARENT"),
        path(2, "\"a\"", 11, "DELETE"),
        path(3, "\"b\"", 11, "CREATE"),
        "type=PROCTITLE msg=" + SERIAL + "proctitle=6D7600610062");
  }

  @Test
  void aRenameNamesTheProcessAndBothNamesResolvedAgainstCwd() {
    AuditedChange c = decoder.decode(mv("ffffff9c", "ffffff9c"), 5L);
    assertNotNull(c);
    assertEquals(100, c.serial());
    assertEquals(1_700_000_000_250_000_000L, c.timeNs());
    assertEquals(5L, c.receivedNs());
    assertEquals("renameat2", c.syscall());
    assertTrue(c.success());
    assertEquals(1001, c.uid(), "the real uid");
    Actor a = c.actor();
    assertEquals(
        new Actor(
            1001L,
            "alice",
            0L,
            "root",
            42,
            1,
            "/usr/bin/mv",
            "mv",
            List.of("mv", "a", "b"),
            7L,
            "pts/0"),
        a);
    assertEquals(4, c.items().size());
    PathItem from = c.items().get(2);
    PathItem to = c.items().get(3);
    assertEquals(PathBytes.ofUtf8("a"), from.name());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t/a"), from.path());
    assertEquals(NameType.DELETE, from.nameType());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t/b"), to.path());
    assertEquals(NameType.CREATE, to.nameType());
    assertEquals(11, to.inode());
    assertEquals(0xfe, to.devMajor());
    assertEquals(1, to.devMinor());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t"), c.items().get(0).path(), "trailing slash folded");
  }

  /**
   * renameat2(3, "a", 3, "b"): the names are relative to fd 3, whose path the record does not give.
   */
  @Test
  void namesRelativeToADirectoryFdAreNotGuessedFromCwd() {
    AuditedChange c = decoder.decode(mv("3", "3"), 0);
    assertNull(c.items().get(3).path());
    assertEquals(PathBytes.ofUtf8("b"), c.items().get(3).name());
    assertEquals(11, c.items().get(3).inode(), "the inode still joins");
    assertNull(
        decoder.decode(mv("ffffff9c", "4"), 0).items().get(2).path(), "one real fd is enough");
    assertNotNull(
        decoder.decode(mv("ffffffffffffff9c", "ffffff9c"), 0).items().get(2).path(),
        "AT_FDCWD sign-extended");
  }

  @Test
  void hexEncodedNamesKeepTheirExactBytesAndNullNamesStayNull() {
    AuditedChange c =
        decoder.decode(
            event(
                syscall(257, "ffffff9c", "241", 7, "python3", "/usr/bin/python3.11", "\"fim\""),
                CWD,
                path(0, "6D792066696C65E9", 12, "CREATE"),
                path(1, "(null)", 13, "NORMAL")),
            0);
    byte[] expected = "/var/tmp/t/my file?".getBytes(StandardCharsets.US_ASCII);
    expected[expected.length - 1] = (byte) 0xe9; // the byte itself, not a replacement character
    assertArrayEquals(expected, c.items().get(0).path().toBytes());
    assertFalse(c.items().get(0).path().isUtf8());
    assertNull(c.items().get(1).name());
    assertNull(c.items().get(1).path());
    assertEquals(13, c.items().get(1).inode());
    assertNull(c.actor().args(), "no PROCTITLE record");
  }

  /**
   * The kernel writes its own "no value" bare ({@code name=(null)}) and quotes what a user chose: a
   * file or a command named {@code (null)} is a name (else renaming a file so would hide the
   * change's path from its audit event, and a process calling itself so would hide its comm).
   */
  @Test
  void aFileOrCommandNamedNullInQuotesIsANameNotNone() {
    AuditedChange c =
        decoder.decode(
            event(
                syscall(257, "ffffff9c", "241", 8, "(null)", "/usr/bin/python3.11", "\"fim\""),
                CWD,
                path(0, "\"/var/tmp/t/\"", 10, "PARENT"),
                path(1, "\"(null)\"", 14, "CREATE"),
                path(2, "(null)", 15, "NORMAL")),
            0);
    assertEquals("(null)", c.items().get(1).name().display());
    assertEquals("/var/tmp/t/(null)", c.items().get(1).path().display());
    assertNull(c.items().get(2).name(), "the bare word is the kernel's none");
    assertEquals("(null)", c.actor().name());
  }

  /**
   * An absolute name that folding leaves as it is is held once, as the item's name and its path
   * (the index holds up to 65,536 changes); a name that folds to other bytes keeps both.
   */
  @Test
  void anAbsoluteNameThatNeedsNoFoldingIsHeldOnceAsNameAndPath() {
    AuditedChange c =
        decoder.decode(
            event(
                syscall(257, "ffffff9c", "241", 7, "python3", "/usr/bin/python3.11", "\"fim\""),
                CWD,
                path(0, "\"/var/tmp/t/\"", 10, "PARENT"),
                path(1, "\"/var/tmp/t/f\"", 12, "NORMAL"),
                path(2, "\"/var/tmp/t//./g\"", 13, "CREATE")),
            0);
    PathItem f = c.items().get(1);
    assertEquals(PathBytes.ofUtf8("/var/tmp/t/f"), f.path());
    assertSame(f.name(), f.path());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t/"), c.items().get(0).name());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t"), c.items().get(0).path());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t//./g"), c.items().get(2).name());
    assertEquals(PathBytes.ofUtf8("/var/tmp/t/g"), c.items().get(2).path());
  }

  @ParameterizedTest(name = "key={0} → {1}")
  @CsvSource({
    "'\"fim\"', true",
    "66696D016F74686572, true", // "fim\x01other": two keys on one rule
    "'\"fimx\"', false",
    "'(null)', false",
  })
  void onlyEventsWithFimsKeyAreChanges(String key, boolean fims) {
    AuditedChange c =
        decoder.decode(
            event(
                syscall(257, "ffffff9c", "241", 7, "sh", "/usr/bin/dash", key),
                CWD,
                path(0, "\"f\"", 12, "NORMAL")),
            0);
    assertEquals(fims, c != null);
  }

  @Test
  void eventsWithoutASyscallRecordAreNotChanges() {
    assertNull(
        decoder.decode(
            event(
                "type=CONFIG_CHANGE msg="
                    + SERIAL
                    + "auid=4294967295 ses=4294967295 op=add_rule key=\"fim\" list=4 res=1"),
            0));
    assertTrue(
        decoder.isRuleAdd(
            event(
                "type=CONFIG_CHANGE msg="
                    + SERIAL
                    + "auid=4294967295 ses=4294967295 op=add_rule key=\"fim\" list=4 res=1")));
    assertFalse(
        decoder.isRuleAdd(
            event(
                "type=CONFIG_CHANGE msg="
                    + SERIAL
                    + "auid=4294967295 ses=4294967295 op=remove_rule key=\"fim\" list=4 res=1")));
  }

  @Test
  void aFailedSyscallKeepsItsErrno() {
    String line =
        syscall(257, "ffffff9c", "241", 7, "sh", "/usr/bin/dash", "\"fim\"")
            .replace("success=yes exit=0", "success=no exit=-13");
    AuditedChange c = decoder.decode(event(line, CWD, path(0, "\"f\"", 0, "NORMAL")), 0);
    assertFalse(c.success());
    assertEquals(-13, c.exit());
  }

  @Test
  void unsetLoginUidHasNoName() {
    String line =
        syscall(257, "ffffff9c", "241", 7, "cron", "/usr/sbin/cron", "\"fim\"")
            .replace("auid=1001", "auid=4294967295")
            .replace("ses=7", "ses=4294967295")
            .replace("pts0", "(none)");
    Actor a = decoder.decode(event(line, CWD, path(0, "\"f\"", 5, "NORMAL")), 0).actor();
    assertEquals(Actor.UNSET_ID, a.auid());
    assertNull(a.auidName());
    assertEquals(Actor.UNSET_ID, a.sessionId());
    assertNull(a.tty());
  }

  /**
   * bash logs an event (its PROCTITLE is cached), then execs sh, which writes: the kernel logs
   * bash's PROCTITLE under sh's exe. The args are unknown, for that event and the next of the same
   * task; a new PROCTITLE on that pid (a new process) is believed again.
   */
  @Test
  void theProctitleCachedBeforeAnExecIsNotBelieved() {
    String bashTitle = "type=PROCTITLE msg=" + SERIAL + "proctitle=62617368002D630078";
    assertNull(
        decoder.decode(
            event(syscall(1, "1", "5", 9, "bash", "/usr/bin/bash", "(null)"), bashTitle), 0),
        "not fim's key, but its PROCTITLE is remembered");
    for (int i = 0; i < 2; i++) {
      Actor sh =
          decoder
              .decode(
                  event(
                      syscall(257, "ffffff9c", "441", 9, "sh", "/usr/bin/dash", "\"fim\""),
                      CWD,
                      path(0, "\"f\"", 5, "NORMAL"),
                      bashTitle),
                  0)
              .actor();
      assertEquals("/usr/bin/dash", sh.executable());
      assertNull(sh.args(), "bash's args are not sh's");
    }
    Actor fresh =
        decoder
            .decode(
                event(
                    syscall(257, "ffffff9c", "441", 9, "sh", "/usr/bin/dash", "\"fim\""),
                    CWD,
                    path(0, "\"f\"", 5, "NORMAL"),
                    "type=PROCTITLE msg=" + SERIAL + "proctitle=7368002D630078"),
                0)
            .actor();
    assertEquals(List.of("sh", "-c", "x"), fresh.args());
  }

  @Test
  void consecutiveEventsOfOneProcessShareOneActor() {
    Actor first = decoder.decode(mv("ffffff9c", "ffffff9c"), 0).actor();
    Actor second = decoder.decode(mv("ffffff9c", "ffffff9c"), 0).actor();
    assertSame(first, second);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "/, /",
    "/a/./b//c/../d, /a/b/d",
    "/.., /",
    "/a/b/, /a/b",
    "//x, /x",
    "/a/..., /a/...",
    "/a/b/../../../c, /c",
    "/a/../b/./../c/d/.., /c",
    "/., /",
    "/a/b/c/../../../, /",
    "/aa/b/../cc/./d, /aa/cc/d",
  })
  void foldsDotsAndSlashes(String in, String out) {
    assertEquals(PathBytes.ofUtf8(out), ChangeDecoder.fold(in.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "pts0, pts/0",
    "pts12, pts/12",
    "tty1, tty1",
    "(none), ",
  })
  void ttyAsPsNamesIt(String in, String out) {
    assertEquals(out, ChangeDecoder.tty(in));
  }

  @Test
  void argsSplitAtNulsKeepEmptyArguments() {
    assertEquals(
        List.of("a", "", "b"), ChangeDecoder.args("a\0\0b".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("a"), ChangeDecoder.args("a".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(), ChangeDecoder.args(new byte[0]));
  }
}
