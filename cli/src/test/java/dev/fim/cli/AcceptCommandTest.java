package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.Action;
import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fim accept end to end: real trees, a real store, check before and after. */
class AcceptCommandTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;

  @BeforeEach
  void tree() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    tree = t.tree();
    db = t.db();
    key = t.key();
    conf = t.conf();
    Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
  }

  Fim.Run fim(String... args) {
    return Fim.on(db, key, conf, args);
  }

  private List<ChangeEvent> events() throws Exception {
    List<ChangeEvent> out = new ArrayList<>();
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      new EventLog(s).forEach(Long.MIN_VALUE, Long.MAX_VALUE, out::add);
    }
    return out;
  }

  private Approval approvalOf(ChangeEvent e) throws Exception {
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      return new Approvals(s).get(e.timeNs(), e.sequence());
    }
  }

  private void append(String file, String text) throws Exception {
    Files.writeString(
        tree.resolve(file),
        text,
        StandardOpenOption.APPEND); // in place: the directory is unchanged
  }

  @Test
  void acceptApprovesTheRecordedChangeWithWhoWhenAndNoteAndTheNextCheckIsClean() throws Exception {
    assertEquals(0, fim("init").exit());
    append("etc/hosts", "10.0.0.9 backup\n");
    append("etc/passwd", "alice:x:1001:1001::/home/alice:/bin/sh\n");
    assertEquals(ExitCodes.CHANGED, fim("check").exit());

    long before = System.currentTimeMillis() * 1_000_000L;
    Fim.Run accept =
        fim("accept", tree.resolve("etc/hosts").toString(), "--note", "CHG-1234 backup server");
    assertEquals(0, accept.exit(), accept.toString());
    // Two: check's record and accept's own (the baseline takes the change in, as update records
    // it).
    assertTrue(
        accept.out().contains("fim accept: 2 changes approved for " + tree.resolve("etc/hosts")),
        accept.toString());
    assertTrue(
        accept.out().contains("0 added, 0 removed, 1 changed since the previous baseline"),
        accept.toString());

    List<ChangeEvent> events = events();
    ChangeEvent hosts =
        events.stream().filter(e -> e.path().display().endsWith("/etc/hosts")).findFirst().get();
    assertEquals("check", hosts.origin().label());
    ChangeEvent passwd =
        events.stream().filter(e -> e.path().display().endsWith("/etc/passwd")).findFirst().get();
    Approval a = approvalOf(hosts);
    assertNotNull(a, "the hosts change is approved");
    assertEquals("CHG-1234 backup server", a.note());
    assertEquals(new com.sun.security.auth.module.UnixSystem().getUid(), a.uid());
    assertTrue(a.acceptedNs() >= before, "accepted now");
    for (ChangeEvent e : events) {
      if (approvalOf(e) != null) {
        assertTrue(
            approvalOf(e).acceptedNs() >= e.timeNs(),
            "an approval is never older than its change: " + e);
      }
    }
    assertNull(approvalOf(passwd), "a path not accepted stays unapproved");

    Fim.Run check = fim("check");
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check.out().contains("etc/passwd") && !check.out().contains("etc/hosts"),
        "the accepted path is the baseline now; the other is still reported:\n" + check);

    Fim.Run again = fim("accept", tree.resolve("etc/hosts").toString(), "--note", "again");
    assertEquals(ExitCodes.NONE_FOUND, again.exit(), again.toString());
    assertTrue(again.err().contains("nothing to accept"), again.toString());
    assertEquals(
        "CHG-1234 backup server", approvalOf(hosts).note(), "an approval is never rewritten");
  }

  @Test
  void aDirectoryCoversEverythingBelowItAndAChangeNoCheckSawIsRecordedAndApproved()
      throws Exception {
    assertEquals(0, fim("init").exit());
    append("etc/ssh/sshd_config", "PasswordAuthentication no\n");
    assertEquals(ExitCodes.CHANGED, fim("check").exit()); // recorded by check
    Files.writeString(
        tree.resolve("etc/ssh/moduli"), "new\n"); // not seen by any check before the accept

    Fim.Run accept = fim("accept", tree.resolve("etc/ssh").toString(), "-m", "OPS-7");
    assertEquals(0, accept.exit(), accept.toString());
    // check recorded sshd_config; accept's own scan records what differs from the baseline (moduli
    // added, the directory's mtime, sshd_config again): all approved, nothing of etc/ssh left
    // unapproved.
    List<ChangeEvent> ssh =
        events().stream().filter(e -> e.path().display().contains("/etc/ssh")).toList();
    assertTrue(
        ssh.stream()
            .anyMatch(
                e ->
                    e.origin().label().equals("accept")
                        && e.action() == Action.CREATED
                        && e.path().display().endsWith("/moduli")),
        ssh.toString());
    for (ChangeEvent e : ssh) {
      assertNotNull(approvalOf(e), "approved: " + e);
      assertEquals("OPS-7", approvalOf(e).note());
    }
    Fim.Run check = fim("check", tree.resolve("etc/ssh").toString());
    assertEquals(0, check.exit(), check.toString());
  }

  @Test
  void aWatchOnlyDatabaseGetsApprovalsAloneAndOverflowsAreNotApprovable() throws Exception {
    List<ChangeEvent> stored;
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      stored =
          new EventLog(s)
              .append(
                  List.of(
                      new ChangeEvent(
                          1_000,
                          0,
                          Action.UPDATED,
                          PathBytes.ofUtf8("/srv/app/conf"),
                          null,
                          null,
                          null,
                          List.of(),
                          Origin.WATCH,
                          Attribution.NONE,
                          "test"),
                      new ChangeEvent(
                          2_000,
                          0,
                          Action.OVERFLOW,
                          PathBytes.ofUtf8("/srv/app"),
                          null,
                          null,
                          null,
                          List.of(),
                          Origin.WATCH,
                          Attribution.NONE,
                          "events were lost",
                          "queue overflow; /srv/app rescanned")));
    }
    Fim.Run accept = fim("accept", "/srv/app", "--note", "deploy 42");
    assertEquals(0, accept.exit(), accept.toString());
    assertTrue(
        accept.out().contains("1 change approved") && accept.out().contains("holds no baseline"),
        accept.toString());
    assertNotNull(approvalOf(stored.get(0)));
    assertNull(approvalOf(stored.get(1)), "an overflow is not a change to approve");
  }

  @Test
  void noteIsRequiredAndNotBlank() {
    Fim.Run missing = fim("accept", "/x");
    assertEquals(ExitCodes.USAGE, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("--note"), missing.toString());
    Fim.Run blank = fim("accept", "/x", "--note", "  ");
    assertEquals(ExitCodes.USAGE, blank.exit(), blank.toString());
    assertTrue(blank.err().contains("--note is empty"), blank.toString());
  }

  /**
   * The approver is the login user (auid), which survives sudo: set it as a login would, in a child
   * as root.
   */
  @Test
  void theApproverIsTheLoginUserFromLoginuid() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs root to set /proc/self/loginuid in the child");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new EventLog(s)
          .append(
              List.of(
                  new ChangeEvent(
                      1_000,
                      0,
                      Action.UPDATED,
                      PathBytes.ofUtf8("/srv/x"),
                      null,
                      null,
                      null,
                      List.of(),
                      Origin.WATCH,
                      Attribution.NONE,
                      "test")));
    }
    Fim.Run r =
        Fim.process(
            Map.of(),
            "echo 1001 > /proc/self/loginuid &&",
            b("accept"),
            b("--db"),
            b(db.toString()),
            b("/srv/x"),
            b("--note"),
            b("CHG-9"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("by auid 1001 as root") || r.out().contains("(auid 1001) as root"),
        r.toString());
    ChangeEvent e = events().get(0);
    assertEquals(1001, approvalOf(e).auid());
    assertEquals(0, approvalOf(e).uid());
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Where {@code check --audit-log} starts looking ({@code baseline_scan_start}): a scoped accept
   * re-baselines only its paths, so the start of the others' older baseline is kept; a full update
   * moves it.
   */
  @Test
  void aScopedAcceptKeepsTheOlderAuditLogStartAndAFullUpdateMovesIt() throws Exception {
    assertEquals(0, fim("init").exit());
    String initStart = scanStart();
    assertNotNull(initStart);
    append("etc/hosts", "10.0.0.9 backup\n");
    assertEquals(0, fim("accept", tree.resolve("etc/hosts").toString(), "--note", "CHG-1").exit());
    assertEquals(initStart, scanStart(), "the other paths' baseline is still the init's");
    append("etc/passwd", "bin:x:2:2::/:/bin/sh\n");
    assertEquals(ExitCodes.CHANGED, fim("update").exit());
    assertTrue(
        Long.parseLong(scanStart()) > Long.parseLong(initStart),
        "a full update starts a new baseline");
  }

  private String scanStart() throws Exception {
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      return s.getMetaString("baseline_scan_start");
    }
  }
}
