package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.baseline.ChangeAttributor.Who;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --audit-log} matching on a real audit.log: {@code src/test/resources/auditlog/edits.log},
 * written by a real auditd (ENRICHED format) while a login-uid-1001 bash edited a tree with vim,
 * sed -i, rm, mv, chmod, a failed write (setpriv to uid 1001, EACCES), a read (cat; the rule was
 * perm=rwa), an absolute redirect, mkdir and touch sub/f, most names relative to the CWD. {@code
 * capture.sh} beside it regenerates it (and says how). Each row: a changed path, and the audit
 * event and program that must be credited with it, or {@code none}.
 */
class AuditLogAttributorTest {
  static final String T = "/var/tmp/fim-al-capture/tree/etc";

  /** capture.sh's baseline_ms and edits_done_ms of the committed log. */
  static final long BASELINE_MS = 1795647491533L;

  static final long EDITS_DONE_MS = 1795647491666L;
  static final AccountSource ACCOUNTS =
      AccountSource.of(
          "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/sh\n",
          "root:x:0:\n");

  @TempDir Path tmp;

  static Path log() throws Exception {
    Path p = Path.of(AuditLogAttributorTest.class.getResource("/auditlog/edits.log").toURI());
    assertTrue(Files.isRegularFile(p), "missing test log " + p);
    return p;
  }

  static final List<String> CHANGED =
      List.of(
          "hosts",
          "sshd_config",
          "motd",
          "old.conf",
          "new.conf",
          "secret",
          "locked",
          "readme",
          "abs",
          "sub",
          "sub/f",
          "late",
          "");

  static Set<PathBytes> changed() {
    Set<PathBytes> s = new LinkedHashSet<>();
    for (String c : CHANGED) {
      s.add(PathBytes.ofUtf8(c.isEmpty() ? T : T + "/" + c));
    }
    return s;
  }

  static Map<PathBytes, Who> attribute(Path log, long fromMs, long untilMs) {
    return new AuditLogAttributor(log, ACCOUNTS)
        .attribute(changed(), fromMs * 1_000_000L, untilMs * 1_000_000L);
  }

  @ParameterizedTest(name = "{0} ← {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // path (under T) | serial | syscall | comm | exe           | why
        "hosts       | 4034626 | setxattr  | vim   | /usr/bin/vim.basic | vim's last write: setxattr after the rename dance",
        "sshd_config | 4034634 | rename    | sed   | /usr/bin/sed       | sed -i renames its temporary over the name",
        "motd        | 4034635 | unlinkat  | rm    | /usr/bin/rm        | deleted: the DELETE item",
        "old.conf    | 4034636 | renameat2 | mv    | /usr/bin/mv        | moved away: matched by the old name",
        "new.conf    | 4034636 | renameat2 | mv    | /usr/bin/mv        | moved here: the new name",
        "secret      | 4034637 | fchmodat  | chmod | /usr/bin/chmod     | attributes",
        "abs         | 4034640 | openat    | bash  | /usr/bin/bash      | absolute name, O_WRONLY|O_CREAT|O_TRUNC",
        "sub         | 4034642 | openat    | touch | /usr/bin/touch     | relative PARENT 'sub/' of a CREATE, resolved with CWD",
        "sub/f       | 4034642 | openat    | touch | /usr/bin/touch     | relative 'sub/f'",
        "''          | 4034641 | mkdir     | mkdir | /usr/bin/mkdir     | the directory: last PARENT of an entry created in it",
      })
  void creditsTheMostRecentWriter(
      String path, long serial, String syscall, String comm, String exe, String why)
      throws Exception {
    Map<PathBytes, Who> who = attribute(log(), BASELINE_MS, EDITS_DONE_MS);
    Who w = who.get(PathBytes.ofUtf8(path.isEmpty() ? T : T + "/" + path));
    assertNotNull(w, path);
    assertEquals(Attribution.AUDIT_LOG, w.attribution(), why + ": " + w);
    assertTrue(w.reason().startsWith("audit event " + serial + " at "), why + ": " + w.reason());
    assertTrue(w.reason().endsWith(": " + syscall), why + ": " + w.reason());
    Actor a = w.actor();
    assertEquals(1001L, a.auid(), "login uid");
    assertEquals("alice", a.auidName(), "the log says unknown(1001): the host's passwd names it");
    assertEquals(0L, a.uid());
    assertEquals("root", a.uidName(), "from the enriched EUID=\"root\"");
    assertEquals(comm, a.name());
    assertEquals(exe, a.executable());
    assertEquals(429L, a.sessionId());
    assertNotNull(a.pid());
    assertNotNull(a.ppid());
    if (comm.equals("touch")) {
      // bash -c execs its last command: touch kept bash's pid, and the kernel kept bash's
      // PROCTITLE, which
      // the decoder recognises as stale (it saw it under /usr/bin/bash) and leaves unknown.
      assertNull(a.args(), "stale PROCTITLE dropped");
    } else {
      assertNotNull(a.args(), "PROCTITLE");
      assertEquals(comm, a.args().get(0));
    }
  }

  @Test
  void aFailedWriteIsNotCreditedButNamed() throws Exception {
    Who w = attribute(log(), BASELINE_MS, EDITS_DONE_MS).get(PathBytes.ofUtf8(T + "/locked"));
    assertEquals(Attribution.NONE, w.attribution());
    assertNull(w.actor());
    assertTrue(w.reason().contains("only a failed attempt: audit event 4034638 at "), w.reason());
    assertTrue(
        w.reason().contains("openat failed (exit -13) by auid 1001 (sh, /usr/bin/dash)"),
        w.reason());
  }

  @Test
  void readsAndUnloggedChangesAreNotWriters() throws Exception {
    Map<PathBytes, Who> who = attribute(log(), BASELINE_MS, EDITS_DONE_MS);
    for (String p : List.of("readme", "late")) {
      Who w = who.get(PathBytes.ofUtf8(T + "/" + p));
      assertEquals(Attribution.NONE, w.attribution(), p);
      assertTrue(
          w.reason().startsWith("no write to this path in the audit log (1 file, records "),
          w.reason());
    }
  }

  @Test
  void onlyEventsInsideTheIntervalCount() throws Exception {
    // Until 1795647491.570: vim's events (.563) are in, sed's (.575) and later are not.
    Map<PathBytes, Who> who = attribute(log(), BASELINE_MS, 1795647491570L);
    assertEquals(Attribution.AUDIT_LOG, who.get(PathBytes.ofUtf8(T + "/hosts")).attribution());
    assertEquals(Attribution.NONE, who.get(PathBytes.ofUtf8(T + "/sshd_config")).attribution());
    // From after the edits: nothing.
    who = attribute(log(), EDITS_DONE_MS, EDITS_DONE_MS + 1000);
    assertTrue(
        who.values().stream().allMatch(w -> w.attribution() == Attribution.NONE), who.toString());
  }

  @Test
  void rotationsAreReadAsOneLog() throws Exception {
    List<String> lines = Files.readAllLines(log(), StandardCharsets.ISO_8859_1);
    // Cut inside vim's burst: the older half in audit.log.1, the rest in audit.log.
    int cut = lines.size() / 2;
    Path dir = Files.createDirectory(tmp.resolve("audit"));
    Files.write(dir.resolve("audit.log.1"), lines.subList(0, cut), StandardCharsets.ISO_8859_1);
    Files.write(
        dir.resolve("audit.log"), lines.subList(cut, lines.size()), StandardCharsets.ISO_8859_1);
    AuditLogAttributor a = new AuditLogAttributor(dir.resolve("audit.log"), ACCOUNTS);
    Map<PathBytes, Who> split =
        a.attribute(changed(), BASELINE_MS * 1_000_000L, EDITS_DONE_MS * 1_000_000L);
    Map<PathBytes, Who> whole = attribute(log(), BASELINE_MS, EDITS_DONE_MS);
    for (PathBytes p : changed()) {
      Who w = whole.get(p);
      if (w.actor() != null) {
        assertEquals(w, split.get(p), p.display());
      } else {
        assertEquals(
            w.reason().replace("(1 file,", "(2 files,"), split.get(p).reason(), p.display());
      }
    }
    assertEquals(
        List.of(dir.resolve("audit.log.1"), dir.resolve("audit.log")),
        a.summary().files().stream().map(f -> f.file()).toList());
    assertEquals(10, a.summary().attributed());
    assertEquals(List.of(), a.summary().warnings());
  }

  @Test
  void aLogThatStartsAfterTheBaselineIsAWarning() throws Exception {
    AuditLogAttributor a = new AuditLogAttributor(log(), ACCOUNTS);
    a.attribute(changed(), (BASELINE_MS - 86_400_000L) * 1_000_000L, EDITS_DONE_MS * 1_000_000L);
    assertEquals(1, a.summary().warnings().size(), a.summary().warnings().toString());
    assertTrue(
        a.summary().warnings().get(0).contains("is after the baseline")
            && a.summary().warnings().get(0).contains("rotated away"),
        a.summary().warnings().get(0));
    Who late =
        a.attribute(changed(), (BASELINE_MS - 86_400_000L) * 1_000_000L, EDITS_DONE_MS * 1_000_000L)
            .get(PathBytes.ofUtf8(T + "/late"));
    assertTrue(late.reason().contains("the log starts after the baseline"), late.reason());
  }

  @Test
  void aMissingLogLeavesEveryChangeUnattributedAndSaysWhy() {
    Path missing = tmp.resolve("nope/audit.log");
    AuditLogAttributor a = new AuditLogAttributor(missing, ACCOUNTS);
    Map<PathBytes, Who> who = a.attribute(changed(), 0, EDITS_DONE_MS * 1_000_000L);
    String why = "audit log " + missing + " does not exist (nor any rotation audit.log.N)";
    assertTrue(
        who.values().stream()
            .allMatch(w -> w.attribution() == Attribution.NONE && w.reason().equals(why)),
        who.toString());
    assertEquals(List.of(why + "; no change is attributed"), a.summary().warnings());
  }

  @Test
  void anUnreadableLogLeavesEveryChangeUnattributedAndSaysWhy() {
    // /proc/self/mem is a regular file whose read at offset 0 fails with EIO, for root too (a
    // mode-000 file
    // would not stop root).
    Path mem = Path.of("/proc/self/mem");
    AuditLogAttributor a = new AuditLogAttributor(mem, ACCOUNTS);
    Map<PathBytes, Who> who = a.attribute(changed(), 0, EDITS_DONE_MS * 1_000_000L);
    Who w = who.get(PathBytes.ofUtf8(T + "/hosts"));
    assertEquals(Attribution.NONE, w.attribution());
    assertTrue(w.reason().startsWith("audit log unreadable (/proc/self/mem: "), w.reason());
    assertEquals(1, a.summary().warnings().size());
    assertTrue(
        a.summary().warnings().get(0).startsWith("cannot read /proc/self/mem: "),
        a.summary().warnings().toString());
  }

  @Test
  void pathsNotNamedByAnyEventAreNotCandidates() throws Exception {
    AuditLogAttributor a = new AuditLogAttributor(log(), ACCOUNTS);
    Map<PathBytes, Who> who =
        a.attribute(
            Set.of(PathBytes.ofUtf8("/nowhere/else")),
            BASELINE_MS * 1_000_000L,
            EDITS_DONE_MS * 1_000_000L);
    assertEquals(Attribution.NONE, who.get(PathBytes.ofUtf8("/nowhere/else")).attribution());
    // No PATH line names it or its last component; only sed's two events with the relative name
    // "./" (the CWD, unknown before the event is parsed) are candidates, and the exact test drops
    // them.
    assertEquals(2, a.summary().candidates());
  }
}
