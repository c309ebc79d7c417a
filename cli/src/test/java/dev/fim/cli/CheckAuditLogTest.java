package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI side of {@code --audit-log} without root: a log written by the test in auditd's line
 * format, with the times of now (the real-auditd version is {@link CheckAuditLogKernelTest}), read
 * by {@code check} and {@code update}; a missing log; a check without changes does not read the
 * log.
 */
class CheckAuditLogTest {
  @TempDir Path tmp;
  Path tree;
  String db;
  String key;

  @BeforeEach
  void baseline() throws Exception {
    tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n");
    Files.writeString(tree.resolve("gone"), "x\n");
    db = tmp.resolve("db").toString();
    key = tmp.resolve("seal.key").toString();
    Fim.Run init = Fim.run("init", "--db", db, "--key", key, tree.toString());
    assertEquals(0, init.exit(), init.toString());
  }

  /** An openat(O_WRONLY|O_CREAT|O_TRUNC) of {@code name} by vim as auid 1001, at {@code millis}. */
  static String write(long millis, long serial, String cwd, String name) {
    String h =
        "msg=audit("
            + millis / 1000
            + "."
            + String.format("%03d", millis % 1000)
            + ":"
            + serial
            + "): ";
    return "type=SYSCALL "
        + h
        + "arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc1b2a3f10 a2=241"
        + " a3=1b6 items=2 ppid=4100 pid=4242 auid=1001 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
        + " tty=pts0 ses=7 comm=\"vim\" exe=\"/usr/bin/vim.basic\" key=\"fim\"\n"
        + "type=CWD "
        + h
        + "cwd=\""
        + cwd
        + "\"\n"
        + "type=PATH "
        + h
        + "item=0 name=\""
        + name
        + "\" inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00"
        + " nametype=NORMAL\n"
        + "type=PROCTITLE "
        + h
        + "proctitle=76696D00686F737473\n";
  }

  static String unlink(long millis, long serial, String parent, String name) {
    String h =
        "msg=audit("
            + millis / 1000
            + "."
            + String.format("%03d", millis % 1000)
            + ":"
            + serial
            + "): ";
    return "type=SYSCALL "
        + h
        + "arch=c000003e syscall=87 success=yes exit=0 a0=55a97b72d500 a1=0 a2=0 a3=0"
        + " items=2 ppid=1 pid=77 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
        + " tty=(none) ses=4294967295 comm=\"logrotate\" exe=\"/usr/sbin/logrotate\" key=(null)\n"
        + "type=CWD "
        + h
        + "cwd=\"/\"\n"
        + "type=PATH "
        + h
        + "item=0 name=\""
        + parent
        + "/\" inode=2 dev=fe:00 mode=040755 nametype=PARENT\n"
        + "type=PATH "
        + h
        + "item=1 name=\""
        + parent
        + "/"
        + name
        + "\" inode=3 dev=fe:00 mode=0100644 nametype=DELETE\n";
  }

  @Test
  void updateAttributesThenACheckWithoutChangesDoesNotReadTheLog() throws Exception {
    long t = System.currentTimeMillis();
    Files.writeString(
        tree.resolve("hosts"), "10.0.0.1 evil\n", java.nio.file.StandardOpenOption.APPEND);
    Files.delete(tree.resolve("gone"));
    Path log = tmp.resolve("audit.log");
    Files.writeString(
        log,
        write(t, 10, tree.toString(), "hosts") + unlink(t + 1, 11, tree.toString(), "gone"),
        StandardCharsets.UTF_8);

    Fim.Run update =
        Fim.run(
            "update",
            "--db",
            db,
            "--key",
            key,
            "--format",
            "json",
            "--audit-log",
            log.toString(),
            tree.toString());
    assertEquals(ExitCodes.REMOVED | ExitCodes.CHANGED, update.exit(), update.toString());
    Map<String, Map<String, Object>> e = CheckAuditLogKernelTest.entries(update.out());
    Map<String, Object> hosts = e.get(tree.resolve("hosts").toString());
    assertEquals("audit-log", hosts.get("fim.attribution"), hosts.toString());
    assertEquals("1001", hosts.get("user.audit.id"));
    assertEquals("/usr/bin/vim.basic", hosts.get("process.executable"));
    assertEquals(
        "audit event 10 at " + java.time.Instant.ofEpochMilli(t) + ": openat",
        hosts.get("fim.attribution_reason"));
    Map<String, Object> gone = e.get(tree.resolve("gone").toString());
    assertEquals("/usr/sbin/logrotate", gone.get("process.executable"), gone.toString());
    assertEquals("4294967295", gone.get("user.audit.id"));
    Map<String, Object> dir = e.get(tree.toString());
    assertEquals(
        "/usr/sbin/logrotate",
        dir.get("process.executable"),
        "the directory lost an entry: " + dir);

    // The new baseline is the current state: nothing to attribute, the log is not read.
    Fim.Run check =
        Fim.run("check", "--db", db, "--key", key, "--audit-log", log.toString(), tree.toString());
    assertEquals(0, check.exit(), check.toString());
    assertTrue(
        check
            .out()
            .contains("Attribution: audit log " + log + " not read (no change to attribute)"),
        check.out());
    assertEquals("", check.err());
  }

  @Test
  void eventsBeforeTheBaselineDoNotCountAndTheLogsLateStartIsNot() throws Exception {
    long t = System.currentTimeMillis();
    Files.writeString(tree.resolve("hosts"), "changed\n");
    Path log = tmp.resolve("audit.log");
    // One write a minute before the baseline (it made the baseline's content, not this change).
    Files.writeString(log, write(t - 60_000, 5, tree.toString(), "hosts"), StandardCharsets.UTF_8);
    Fim.Run check =
        Fim.run("check", "--db", db, "--key", key, "--audit-log", log.toString(), tree.toString());
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check
            .out()
            .contains(
                "  f "
                    + tree.resolve("hosts")
                    + "\n      by unknown (no write to this path in the"
                    + " audit log (1 file, records "),
        check.out());
    assertEquals("", check.err(), "the log reaches back before the baseline: no warning");
  }

  @Test
  void aMissingLogIsAWarningAndTheCheckStillReports() {
    Path missing = tmp.resolve("no/audit.log");
    Fim.Run check =
        Fim.run(
            "check", "--db", db, "--key", key, "--audit-log", missing.toString(), tree.toString());
    assertTrue(check.out().contains("Summary: 0 added, 0 removed, 0 changed"), check.out());
    assertEquals(0, check.exit(), "no change: the log is not needed");
    assertEquals(
        List.of(
            "fim: warning: --audit-log: audit log "
                + missing
                + " does not exist (nor any rotation"
                + " audit.log.N) (not needed now: no change to attribute)"),
        check.err().lines().toList(),
        "but a wrong path is said at once");
    assertTrue(tree.resolve("gone").toFile().delete());
    check =
        Fim.run(
            "check", "--db", db, "--key", key, "--audit-log", missing.toString(), tree.toString());
    assertEquals(ExitCodes.REMOVED | ExitCodes.CHANGED, check.exit(), check.toString());
    assertEquals(
        List.of(
            "fim: warning: --audit-log: audit log "
                + missing
                + " does not exist (nor any rotation"
                + " audit.log.N); no change is attributed"),
        check.err().lines().toList());
    assertTrue(
        check.out().contains("Warning: audit log " + missing + " does not exist"), check.out());
  }
}
