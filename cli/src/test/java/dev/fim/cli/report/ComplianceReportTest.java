package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.WatchCoverage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ComplianceReport} and {@link ReportVerifier} over a real store with hand-made history. */
class ComplianceReportTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_764_000_000L * S; // 2025-11-24T16:00:00Z

  /** A path with HTML, a newline and a byte that is not UTF-8. */
  static final byte[] HOSTILE =
      "/srv/<script>alert(1)</script>,\"q\"\u00e9\n\u0000".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  /**
   * These stores are written without an evidence chain (this test is about the report's rendering
   * and digest); the chain's own tests are EvidenceChainTest and EvidenceChainCommandsTest.
   */
  private static final dev.fim.store.EvidenceChain.Verification UNSEALED =
      new dev.fim.store.EvidenceChain.Verification(true, null, null);

  Store store;
  List<ChangeEvent> stored;

  @BeforeEach
  void history() throws Exception {
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    byte[] hostile = HOSTILE.clone();
    hostile[hostile.length - 1] = (byte) 0xff;
    Actor alice =
        new Actor(
            1001L,
            "alice",
            0L,
            "root",
            4242,
            4000,
            "/usr/bin/vim.basic",
            "vim",
            List.of("vim", "/etc/hosts"),
            3L,
            "pts/0");
    Actor daemon =
        new Actor(
            Actor.UNSET_ID, null, 0L, "root", 77, 1, "/usr/bin/dpkg", "dpkg", null, null, null);
    stored =
        new EventLog(store)
            .append(
                List.of(
                    new ChangeEvent(
                        T0 - 10 * S,
                        0,
                        Action.CREATED,
                        PathBytes.ofUtf8("/etc/before"),
                        null,
                        null,
                        null,
                        List.of(),
                        Origin.WATCH,
                        Attribution.AUDIT,
                        null,
                        null,
                        alice), // before the period
                    new ChangeEvent(
                        T0 + 10 * S,
                        0,
                        Action.UPDATED,
                        PathBytes.ofUtf8("/etc/hosts"),
                        null,
                        null,
                        null,
                        List.of(new AttributeChange("content", "xxh3_128:aa", "xxh3_128:bb")),
                        Origin.WATCH,
                        Attribution.AUDIT,
                        null,
                        null,
                        alice,
                        // two writers (issue 15): cp made it, alice's vim wrote it last
                        List.of(
                            new dev.fim.store.Writer(
                                10, "/usr/bin/cp", "cp", 1001L, 0L, "openat", 70L, T0 + 9 * S),
                            new dev.fim.store.Writer(
                                4242,
                                "/usr/bin/vim.basic",
                                "vim",
                                1001L,
                                0L,
                                "rename",
                                71L,
                                T0 + 10 * S)),
                        null),
                    new ChangeEvent(
                        T0 + 20 * S,
                        0,
                        Action.CREATED,
                        PathBytes.of(hostile),
                        null,
                        null,
                        null,
                        List.of(),
                        Origin.WATCH,
                        Attribution.AUDIT,
                        null,
                        null,
                        daemon),
                    new ChangeEvent(
                        T0 + 30 * S,
                        0,
                        Action.OVERFLOW,
                        PathBytes.ofUtf8("/usr"),
                        null,
                        null,
                        null,
                        List.of(),
                        Origin.WATCH,
                        Attribution.NONE,
                        "audit records were lost",
                        "audit lost 7 record(s); /usr rescanned"),
                    new ChangeEvent(
                        T0 + 40 * S,
                        0,
                        Action.ATTRIBUTES_MODIFIED,
                        PathBytes.ofUtf8("/usr/bin/su"),
                        null,
                        null,
                        null,
                        List.of(new AttributeChange("permissions", "4755", "0755")),
                        Origin.CHECK,
                        Attribution.NONE,
                        "check compares states"),
                    new ChangeEvent(
                        T0 + 3600 * S,
                        0,
                        Action.DELETED,
                        PathBytes.ofUtf8("/etc/after"),
                        null,
                        null,
                        null,
                        List.of(),
                        Origin.CHECK,
                        Attribution.NONE,
                        "x"))); // after the period
    new Approvals(store)
        .approve(
            List.of(stored.get(1)),
            new Approval(T0 + 50 * S, 1001, "alice", 0, "root", "CHG-1234 <b>bold</b>"));
    new Approvals(store)
        .approve(
            List.of(stored.get(4)),
            new Approval(
                T0 + 200 * S,
                1002,
                "bob",
                0,
                "root",
                "late")); // after the report's time: not part of the report
    WatchCoverage.Run run =
        WatchCoverage.begin(
            store,
            T0 - 100 * S,
            "web1",
            "fanotify",
            dev.fim.store.Attribution.AUDIT,
            List.of(PathBytes.ofUtf8("/etc"), PathBytes.ofUtf8("/usr")));
    run.end(T0 + 25 * S);
  }

  @AfterEach
  void close() {
    store.close();
  }

  ReportParameters params(ReportFormat f) {
    return new ReportParameters(T0, T0 + 100 * S, T0 + 100 * S, "host1", 2, f);
  }

  String report(ReportParameters p) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ComplianceReport.write(store, p, UNSEALED, out, tmp);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyFormatStatesTheSameDigestOfTheSameData() throws Exception {
    Set<String> digests = new HashSet<>();
    for (ReportFormat f : ReportFormat.values()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      digests.add(ComplianceReport.write(store, params(f), UNSEALED, out, tmp).sha256());
    }
    assertEquals(1, digests.size(), digests.toString());
    try (var files = Files.list(tmp)) {
      assertEquals(
          List.of("db"),
          files.map(x -> x.getFileName().toString()).toList(),
          "the body spill is deleted");
    }
  }

  @Test
  void textHasThePeriodTotalsCoverageLossAndEachChangeWithItsApprovalState() throws Exception {
    String t = report(params(ReportFormat.TEXT));
    assertTrue(t.contains("Period:      2025-11-24T16:00:00Z to 2025-11-24T16:01:40Z (1m 40s)"), t);
    assertTrue(t.contains("Changes:     3 (1 approved, 2 UNAPPROVED)"), t);
    assertTrue(t.contains("by user:   (auid unset) 1, alice (auid 1001) 1, unattributed 1"), t);
    // The hostile name holds a '/' ("</script>"): its first two components end inside it.
    assertTrue(t.contains("by path:   /etc 1, /srv/<script>alert(1)< 1, /usr/bin 1"), t);
    assertTrue(
        t.contains(
            "Loss:        1 overflow events (audit records were lost 1); 7 audit records lost"),
        t);
    assertTrue(t.contains("Coverage:    fim watch ran 25s of 1m 40s (25.0 %), 1 gap"), t);
    assertTrue(t.contains("gap   2025-11-24T16:00:25Z to 2025-11-24T16:01:40Z"), t);
    assertTrue(t.contains("approved   2025-11-24T16:00:10Z updated /etc/hosts"), t);
    assertTrue(t.contains("vim[4242] /usr/bin/vim.basic (also: cp[10] openat)"), t);
    assertTrue(
        t.contains(
            "accepted 2025-11-24T16:00:50Z by alice (auid 1001) as root: CHG-1234 <b>bold</b>"),
        t);
    assertTrue(
        t.contains("UNAPPROVED 2025-11-24T16:00:40Z attributes_modified /usr/bin/su"),
        "an approval dated after the report's time does not count:\n" + t);
    assertTrue(
        t.contains("overflow   2025-11-24T16:00:30Z overflow /usr  audit lost 7 record(s)"), t);
    assertFalse(t.contains("/etc/before") || t.contains("/etc/after"), "outside the period: " + t);
    assertTrue(
        t.contains(
            "UNAPPROVED 2025-11-24T16:00:20Z created /srv/<script>alert(1)</script>,\"q\"é\\n\\xff"),
        "a hostile path is one line, its bytes escaped:\n" + t);
  }

  /**
   * A watch run's host name and backend come, in a fleet report, from a record anyone with write
   * access to the cluster can forge: with a newline they must not start a line of their own (a
   * forged "Coverage:" line claiming a host was watched).
   */
  @Test
  void aWatchRunsHostAndBackendStayOnTheirLine() throws Exception {
    WatchCoverage.begin(
            store,
            T0 + 30 * S,
            "web2\nCoverage:    forged: fim watch ran 1m 40s of 1m 40s (100.0 %), 0 gaps",
            "inotify\rx",
            dev.fim.store.Attribution.NONE,
            List.of(PathBytes.ofUtf8("/srv")))
        .end(T0 + 40 * S);
    String t = report(params(ReportFormat.TEXT));
    assertFalse(t.contains("\nCoverage:    forged"), t);
    assertTrue(t.contains(", web2\\x0aCoverage:    forged: fim watch ran "), t);
    assertTrue(t.contains(", inotify\\x0dx, attribution none: /srv"), t);
    assertTrue(t.contains("\nHosts:       web1, web2\\x0aCoverage:    forged"), t);
  }

  @Test
  void jsonIsOneDocumentWithSummaryChangesAndApprovals() throws Exception {
    String j = report(params(ReportFormat.JSON));
    var p = new com.fasterxml.jackson.core.JsonFactory().createParser(j);
    while (p.nextToken() != null) {
      // parses to the end: one well-formed document
    }
    long changes =
        j.lines().filter(l -> l.startsWith("{\"event\":") || l.startsWith(",{\"event\":")).count();
    assertEquals(4, changes, "three changes and one overflow:\n" + j);
    assertTrue(j.contains("\"totals\":{\"changes\":3,\"approved\":1,\"unapproved\":2"), j);
    assertTrue(
        j.contains(
            "\"approval\":{\"accepted_at\":\"2025-11-24T16:00:50Z\",\"user\":{\"id\":\"0\",\"name\":\"root\","
                + "\"audit\":{\"id\":\"1001\",\"name\":\"alice\"}},\"note\":\"CHG-1234 <b>bold</b>\"}"),
        j);
    assertTrue(j.contains("\"path_hex\":\"" + hexOfHostile() + "\""), "the exact bytes: " + j);
    assertTrue(j.contains("\"audit_records_lost\":7"), j);
    assertTrue(
        j.contains(
            "\"writers\":[{\"pid\":10,\"executable\":\"/usr/bin/cp\",\"name\":\"cp\",\"auid\":\"1001\","
                + "\"uid\":\"0\",\"syscall\":\"openat\",\"serial\":70,\"time\":\"2025-11-24T16:00:09Z\"},"),
        "every writer of a change: " + j);
  }

  @Test
  void csvIsRfc4180WithAHeaderAndOneRowPerEvent() throws Exception {
    String c = report(params(ReportFormat.CSV));
    String[] rows = c.split("\r\n");
    assertEquals(String.join(",", CsvReport.HEADER), rows[0]);
    assertEquals(5, rows.length, c);
    assertTrue(
        c.contains(",\"/srv/<script>alert(1)</script>,\"\"q\"\"é\\n\\xff\","),
        "quoted, quotes doubled: " + c);
    assertTrue(
        rows[1].endsWith(
            ",approved,2025-11-24T16:00:50Z,alice (auid 1001) as root,CHG-1234 <b>bold</b>,verified"),
        rows[1]);
    assertTrue(rows[4].contains(",unapproved,"), rows[4]);
    assertTrue(
        rows[1].contains(
            ",audit,,cp[10] /usr/bin/cp auid 1001 uid 0 openat at 2025-11-24T16:00:09Z; vim[4242]"
                + " /usr/bin/vim.basic auid 1001 uid 0 rename at 2025-11-24T16:00:10Z,watch,"),
        "the writers column: " + rows[1]);
  }

  @Test
  void htmlIsSelfContainedEscapedAndMarksUnapprovedRows() throws Exception {
    String h = report(params(ReportFormat.HTML));
    assertTrue(h.startsWith("<!DOCTYPE html>"));
    assertFalse(h.contains("<script"), "no script, and the hostile path is escaped");
    assertFalse(h.matches("(?s).*(src|href)=.*"), "no external resource");
    assertTrue(h.contains("/srv/&lt;script&gt;alert(1)&lt;/script&gt;,&quot;q&quot;é\\n\\xff"), h);
    assertTrue(h.contains("CHG-1234 &lt;b&gt;bold&lt;/b&gt;"), h);
    assertTrue(h.contains("vim[4242] /usr/bin/vim.basic (also: cp[10] openat)"), h);
    assertEquals(2, h.split("<tr class=\"unapproved\">", -1).length - 1, "two unapproved rows");
    assertTrue(h.contains("<svg id=\"timeline\""), h);
    assertTrue(
        h.contains("fill=\"#e6e6e6\"><title>not watched 2025-11-24T16:00:25Z"),
        "the gap is shaded: " + h);
  }

  @Test
  void anEmptyPeriodSaysSo() throws Exception {
    ReportParameters p =
        new ReportParameters(
            T0 + 1000 * S, T0 + 2000 * S, T0 + 2000 * S, "h", 2, ReportFormat.TEXT);
    String t = report(p);
    assertTrue(
        t.contains("Changes:     0 (0 approved, 0 UNAPPROVED)")
            && t.contains("No changes recorded in the period."),
        t);
    assertTrue(
        report(
                new ReportParameters(
                    p.fromNs(), p.untilNs(), p.generatedNs(), "h", 2, ReportFormat.HTML))
            .contains("No changes recorded in the period."));
  }

  @Test
  void parametersRefuseAnEmptyPeriodAndAFutureUntil() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReportParameters(5, 5, 9, "h", 2, ReportFormat.TEXT));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReportParameters(1, 10, 9, "h", 2, ReportFormat.TEXT));
  }

  private static final String VERSION = "0.1.0-SNAPSHOT+394a37e9d125";

  @Test
  void aReportStatesItsAgentAndVerifiesWhileOneWithTheAgentEditedDoesNot() throws Exception {
    for (ReportFormat f : List.of(ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.HTML)) {
      Path file = tmp.resolve("agent." + f.label());
      String original = report(params(f).withAgent("fim/" + VERSION));
      Files.writeString(file, original);
      ReportParameters.Stated stated = ReportParameters.find(original, f == ReportFormat.JSON);
      assertEquals("fim/" + VERSION, stated.parameters().agent(), f.label());
      assertTrue(original.contains(" agent=fim/" + VERSION + " sha256="), f.label());
      if (f != ReportFormat.JSON) {
        assertTrue(original.contains(" by fim " + VERSION), original);
      }
      ReportVerifier.Outcome ok = ReportVerifier.verify(store, file, tmp, UNSEALED);
      assertEquals(ReportVerifier.Verdict.VERIFIED, ok.verdict(), ok.message());
      // the same data stated by another fim has another digest: the agent is covered by it
      assertFalse(
          stated.sha256().equals(ReportParameters.find(report(params(f)), false).sha256()),
          f.label());

      // every mention of the version edited consistently (line, JSON agent, "by fim ..."):
      // the re-rendered file is alike, only the digest can tell
      Files.writeString(file, original.replace(VERSION, "9.9.9+forged"));
      ReportVerifier.Outcome forged = ReportVerifier.verify(store, file, tmp, UNSEALED);
      assertEquals(ReportVerifier.Verdict.DATA_DIFFERS, forged.verdict(), forged.message());

      // the agent= statement removed: no longer the report fim wrote
      Files.writeString(file, original.replace(" agent=fim/" + VERSION, ""));
      ReportVerifier.Outcome removed = ReportVerifier.verify(store, file, tmp, UNSEALED);
      assertFalse(removed.verdict() == ReportVerifier.Verdict.VERIFIED, removed.message());
    }
  }

  /**
   * --verify checks the evidence with the events it reads to make the report again (one read, not
   * one for the evidence first): its check is asked for the period the file states, gets every
   * event of that period, and its verdict is the one the outcome states.
   */
  @Test
  void verifyChecksTheEvidenceWithTheEventsItReadsAgain() throws Exception {
    for (ReportFormat f : List.of(ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.HTML)) {
      Path file = tmp.resolve("checked." + f.label());
      Files.writeString(file, report(params(f)));
      List<Long> periods = new java.util.ArrayList<>();
      List<byte[]> tagged = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      ReportVerifier.Outcome ok =
          ReportVerifier.verify(
              store,
              file,
              tmp,
              fromNs -> {
                periods.add(fromNs);
                return recording(tagged, UNSEALED);
              });
      assertEquals(ReportVerifier.Verdict.VERIFIED, ok.verdict(), ok.message());
      assertEquals(List.of(T0), periods, f.label());
      List<Long> times = new java.util.ArrayList<>();
      for (byte[] k : tagged) {
        times.add(java.nio.ByteBuffer.wrap(k, 0, 8).getLong());
      }
      java.util.Collections.sort(times);
      assertEquals(List.of(T0 + 10 * S, T0 + 20 * S, T0 + 30 * S, T0 + 40 * S), times, f.label());

      // the verdict made while reading is the one stated, whatever the bytes
      ReportVerifier.Outcome forged =
          ReportVerifier.verify(
              store,
              file,
              tmp,
              fromNs ->
                  recording(
                      new java.util.ArrayList<>(),
                      new dev.fim.store.EvidenceChain.Verification(
                          false, null, "an event was forged")));
      assertEquals(
          ReportVerifier.Verdict.EVIDENCE_NOT_VERIFIED, forged.verdict(), forged.message());
      assertTrue(
          forged.message().endsWith("confirms nothing: an event was forged"), forged.message());
    }
  }

  /** A check that notes the keys it is given and ends with {@code verdict}. */
  private static EvidenceCheck recording(
      List<byte[]> keys, dev.fim.store.EvidenceChain.Verification verdict) {
    return new EvidenceCheck() {
      @Override
      public dev.fim.store.EvidenceChain.Verification known() {
        return null;
      }

      @Override
      public void event(byte[] key, byte[] stored) {
        keys.add(key.clone());
      }

      @Override
      public void approval(byte[] key, byte[] stored) {}

      @Override
      public dev.fim.store.EvidenceChain.Verification finish(ReportSource.Stopped stopped) {
        return verdict;
      }
    };
  }

  @Test
  void aReportWithoutAnAgentRendersAndVerifiesAsBefore() throws Exception {
    for (ReportFormat f : List.of(ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.HTML)) {
      String r = report(params(f));
      assertFalse(r.contains("agent"), f.label() + ": " + r);
      assertEquals(null, ReportParameters.find(r, f == ReportFormat.JSON).parameters().agent());
      Path file = tmp.resolve("old." + f.label());
      Files.writeString(file, r);
      assertEquals(
          ReportVerifier.Verdict.VERIFIED,
          ReportVerifier.verify(store, file, tmp, UNSEALED).verdict(),
          f.label());
    }
    assertTrue(report(params(ReportFormat.TEXT)).contains(" on host1\n"));
    assertTrue(report(params(ReportFormat.HTML)).contains(" on host1 by fim. Times are UTC."));
  }

  @Test
  void jsonCarriesTheEcsAgent() throws Exception {
    String j = report(params(ReportFormat.JSON).withAgent("fim/" + VERSION));
    var p = new com.fasterxml.jackson.core.JsonFactory().createParser(j);
    int depth = 0;
    String agent = null;
    for (var t = p.nextToken(); t != null; t = p.nextToken()) { // one well-formed document
      if (t.isStructStart()) {
        depth++;
      } else if (t.isStructEnd()) {
        depth--;
      } else if (depth == 1
          && t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
          && p.getCurrentName().equals("agent")) {
        int from = (int) p.getTokenLocation().getCharOffset();
        p.nextToken();
        p.skipChildren();
        agent = j.substring(from, (int) p.getTokenLocation().getCharOffset() + 1);
      }
    }
    assertEquals("\"agent\":{\"type\":\"fim\",\"version\":\"" + VERSION + "\"}", agent, j);
    assertTrue(j.contains(" agent=fim/" + VERSION + " sha256="), j);
    // this build's own agent= value is one the line carries and the parser takes back
    String mine = ReportParameters.thisAgent();
    assertTrue(mine.startsWith("fim/"), mine);
    assertEquals(
        mine,
        ReportParameters.find(report(params(ReportFormat.TEXT).withAgent(mine)))
            .parameters()
            .agent());
    assertThrows(
        IllegalArgumentException.class, () -> params(ReportFormat.TEXT).withAgent("fim 1.0"));
  }

  @Test
  void aCopyVerifiesAndAModifiedCopyOrChangedDataDoesNot() throws Exception {
    for (ReportFormat f : List.of(ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.HTML)) {
      Path file = tmp.resolve("r." + f.label());
      Files.writeString(file, report(params(f)));
      assertEquals(
          ReportVerifier.Verdict.VERIFIED,
          ReportVerifier.verify(store, file, tmp, UNSEALED).verdict(),
          f.label());

      String original = Files.readString(file);
      Files.writeString(file, original.replace("CHG-1234", "CHG-9999"));
      ReportVerifier.Outcome o = ReportVerifier.verify(store, file, tmp, UNSEALED);
      assertEquals(ReportVerifier.Verdict.FILE_MODIFIED, o.verdict(), o.message());
      assertTrue(o.message().contains("from line"), o.message());

      Files.writeString(file, original + "\n");
      assertEquals(
          ReportVerifier.Verdict.FILE_MODIFIED,
          ReportVerifier.verify(store, file, tmp, UNSEALED).verdict(),
          "appended");

      String sha = ReportParameters.find(original).sha256();
      Files.writeString(file, original.replace(sha, "0".repeat(64)));
      assertEquals(
          ReportVerifier.Verdict.DATA_DIFFERS,
          ReportVerifier.verify(store, file, tmp, UNSEALED).verdict(),
          "an edited digest");
      Files.writeString(file, original);
    }
    // The database changes: an event recorded for the period afterwards.
    new EventLog(store)
        .append(
            List.of(
                new ChangeEvent(
                    T0 + 60 * S,
                    0,
                    Action.DELETED,
                    PathBytes.ofUtf8("/etc/x"),
                    null,
                    null,
                    null,
                    List.of(),
                    Origin.CHECK,
                    Attribution.NONE,
                    "x")));
    ReportVerifier.Outcome o = ReportVerifier.verify(store, tmp.resolve("r.html"), tmp, UNSEALED);
    assertEquals(ReportVerifier.Verdict.DATA_DIFFERS, o.verdict(), o.message());
    Files.writeString(tmp.resolve("r.csv"), report(params(ReportFormat.CSV)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReportVerifier.verify(store, tmp.resolve("r.csv"), tmp, UNSEALED));
  }

  private static String hexOfHostile() {
    byte[] b = HOSTILE.clone();
    b[b.length - 1] = (byte) 0xff;
    return PathBytes.of(b).hex();
  }

  /**
   * The stated digest is SHA-256 over the stored records of the period's events in order (each with
   * its approval's when one counts), then the summary line (ReportDigest's definition), recomputed
   * here from the store over several render batches (rows are rendered on several threads and must
   * come back in order); the JSON report's rows are in sequence order and the text report of the
   * same data states the same digest.
   */
  @Test
  void theDigestIsTheSha256OfTheStoredRecordsInOrderAcrossRenderBatches() throws Exception {
    try (Store big = Store.open(tmp.resolve("big"), Store.OpenMode.CREATE)) {
      SyntheticHistory.fill(big, 5_000, 7, T0, 1000 * S);
      long until = T0 + 1000 * S;
      ReportParameters p = new ReportParameters(T0, until, until, "h", 2, ReportFormat.JSON);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String stated = ComplianceReport.write(big, p, UNSEALED, out, tmp).sha256();
      String doc = out.toString(StandardCharsets.UTF_8);
      int end = doc.indexOf("],\n\"summary\":");
      String summary = doc.substring(end + 13, doc.indexOf(",\n\"digest\":"));
      String[] rows = doc.substring(doc.indexOf("{\"changes\":[\n") + 13, end).split(",\n");
      assertEquals(5_000, rows.length);
      long previous = Long.MIN_VALUE;
      for (String row : rows) {
        long seq = Long.parseLong(row.replaceAll("(?s).*?\"sequence\":(\\d+).*", "$1"));
        assertTrue(seq > previous, "rows in order: " + seq + " after " + previous);
        previous = seq;
      }
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      try (dev.fim.store.Approvals.Cursor approvals = new dev.fim.store.Approvals(big).cursor(T0)) {
        new EventLog(big)
            .forEachStored(
                T0,
                until,
                (e, stored) -> {
                  try {
                    Approval a = approvals.of(e);
                    sha.update(java.nio.ByteBuffer.allocate(4).putInt(stored.length).array());
                    sha.update(stored);
                    if (a != null && a.acceptedNs() <= until) {
                      byte[] sa = approvals.lastStored();
                      sha.update((byte) 1);
                      sha.update(java.nio.ByteBuffer.allocate(4).putInt(sa.length).array());
                      sha.update(sa);
                    } else {
                      sha.update((byte) 0);
                    }
                  } catch (dev.fim.store.StoreException ex) {
                    throw new IllegalStateException(ex);
                  }
                });
      }
      sha.update((summary + "\n").getBytes(StandardCharsets.UTF_8));
      assertEquals(java.util.HexFormat.of().formatHex(sha.digest()), stated);
      ReportParameters text = new ReportParameters(T0, until, until, "h", 2, ReportFormat.TEXT);
      assertEquals(
          stated,
          ComplianceReport.write(big, text, UNSEALED, new ByteArrayOutputStream(), tmp).sha256());
    }
  }

  /**
   * The totals are made on the render threads, one part per batch of 1,024 events, and merged in
   * order: over 5,000 events (five batches) the JSON summary is that of one sequential pass adding
   * each event with its approval as of the report's time.
   */
  @Test
  void totalsMadeBatchByBatchAreThoseOfOneSequentialPass() throws Exception {
    try (Store big = Store.open(tmp.resolve("big"), Store.OpenMode.CREATE)) {
      SyntheticHistory.fill(big, 5_000, 11, T0, 1000 * S);
      long until = T0 + 1000 * S;
      long generated = until + 7200 * S; // SyntheticHistory approves an hour after each batch
      ReportParameters p = new ReportParameters(T0, until, generated, "h", 2, ReportFormat.JSON);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ComplianceReport.write(big, p, UNSEALED, out, tmp);
      String doc = out.toString(StandardCharsets.UTF_8);
      String stated =
          doc.substring(doc.indexOf("],\n\"summary\":") + 13, doc.indexOf(",\n\"digest\":"));
      Summary expected =
          new Summary(
              p, Coverage.of(dev.fim.store.WatchCoverage.overlapping(big, T0, until), p), UNSEALED);
      try (dev.fim.store.Approvals.Cursor approvals = new dev.fim.store.Approvals(big).cursor(T0)) {
        new EventLog(big)
            .forEach(
                T0,
                until,
                e -> {
                  try {
                    Approval a = approvals.of(e);
                    expected.add(e, a != null && a.acceptedNs() <= generated ? a : null);
                  } catch (dev.fim.store.StoreException ex) {
                    throw new IllegalStateException(ex);
                  }
                });
      }
      java.io.StringWriter json = new java.io.StringWriter();
      try (com.fasterxml.jackson.core.JsonGenerator g =
          new com.fasterxml.jackson.core.JsonFactory().createGenerator(json)) {
        ReportJson.summary(g, expected);
      }
      assertTrue(
          expected.changes > 4_000 && expected.approved > 2_000 && expected.byPrefix().size() > 5,
          json.toString());
      assertEquals(json.toString(), stated);
    }
  }

  /**
   * A report's rows are rendered batch by batch on several threads, each batch into its own array:
   * over 5,000 events (five batches) with a path outside Latin-1 in the second batch and the
   * hostile path in the fourth, the rows of every format are those of each event rendered on its
   * own, in order, with nothing of another batch in them.
   */
  @Test
  void rowsRenderedBatchByBatchAreEachEventsOwn() throws Exception {
    try (Store big = Store.open(tmp.resolve("reused"), Store.OpenMode.CREATE)) {
      SyntheticHistory.fill(big, 5_000, 13, T0, 1000 * S);
      byte[] hostile = HOSTILE.clone();
      hostile[hostile.length - 1] = (byte) 0xff; // not UTF-8 (a path holds no NUL)
      EventLog log = new EventLog(big);
      log.append(
          List.of(
              event(T0 + 300 * S, PathBytes.ofUtf8("/etc/\u65e5\u672c/\u00e9t\u00e9 \"q\"")),
              event(T0 + 700 * S, PathBytes.of(hostile))));
      long until = T0 + 1000 * S;
      java.util.List<ChangeEvent> events = new java.util.ArrayList<>();
      java.util.List<Approval> approvals = new java.util.ArrayList<>();
      try (Approvals.Cursor cursor = new Approvals(big).cursor(T0)) {
        log.forEach(
            T0,
            until,
            e -> {
              try {
                Approval a = cursor.of(e);
                events.add(e);
                approvals.add(a != null && a.acceptedNs() <= until ? a : null);
              } catch (dev.fim.store.StoreException ex) {
                throw new IllegalStateException(ex);
              }
            });
      }
      assertEquals(5_002, events.size());
      for (ReportFormat f : ReportFormat.values()) {
        ReportParameters p = new ReportParameters(T0, until, until, "h", 2, f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ComplianceReport.write(big, p, UNSEALED, out, tmp);
        String doc = out.toString(StandardCharsets.UTF_8);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
          rows.append(ownRow(f, events.get(i), approvals.get(i), i == 0));
        }
        assertTrue(doc.contains(rows), f + ": the rows are each event's own, in order");
        assertTrue(doc.contains("\u65e5\u672c"), f + ": the path outside Latin-1 is in it");
      }
    }
  }

  private static ChangeEvent event(long timeNs, PathBytes path) {
    return new ChangeEvent(
        timeNs,
        0,
        Action.UPDATED,
        path,
        null,
        null,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.NONE,
        null,
        null,
        null);
  }

  /**
   * A report of fewer events than a batch (1,024) is rendered and digested on the calling thread,
   * its rows kept in memory until the head is written; one of a batch or more goes to the render
   * and digest threads, its rows spilled to a file from the second batch on. Around that edge
   * (1,023, 1,024 and 1,025 events) every format's rows are each event's own, in order; the report
   * written to a stream, to a writer and to a report file (with and without its page-cache advice)
   * is the same; the digest is the same in every format; and no spill is left behind.
   */
  @Test
  void reportsAroundOneBatchAreTheSameOnWhicheverThreadTheyAreRendered() throws Exception {
    for (int n : new int[] {1_023, 1_024, 1_025}) {
      Path dir = Files.createDirectory(tmp.resolve("edge" + n));
      try (Store s = Store.open(dir.resolve("db"), Store.OpenMode.CREATE)) {
        SyntheticHistory.fill(s, n, 17, T0, 1000 * S);
        long until = T0 + 1000 * S;
        assertEquals(n, new EventLog(s).countUpTo(T0, until, Integer.MAX_VALUE));
        assertEquals(1_000, new EventLog(s).countUpTo(T0, until, 1_000));
        assertEquals(
            n < 1_024,
            ComplianceReport.small(
                s, new ReportParameters(T0, until, until, "h", 2, ReportFormat.TEXT)),
            n + " events");
        Set<String> digests = new HashSet<>();
        for (ReportFormat f : ReportFormat.values()) {
          ReportParameters p = new ReportParameters(T0, until, until, "h", 2, f);
          ByteArrayOutputStream stream = new ByteArrayOutputStream();
          digests.add(ComplianceReport.write(s, p, UNSEALED, stream, dir).sha256());
          String doc = stream.toString(StandardCharsets.UTF_8);
          java.io.StringWriter chars = new java.io.StringWriter();
          ComplianceReport.write(s, p, UNSEALED, chars, dir);
          assertEquals(doc, chars.toString(), n + " events, " + f + ": to a writer");
          for (boolean advise : new boolean[] {true, false}) {
            Path file;
            try (ReportFile out = ReportFile.createTemp(dir, ".r.", ".tmp", 1 << 16, advise)) {
              ComplianceReport.write(s, p, UNSEALED, out, dir);
              file = out.path();
            }
            assertEquals(
                doc,
                Files.readString(file, StandardCharsets.UTF_8),
                n + " events, " + f + ": to a file, advised " + advise);
            Files.delete(file);
          }
          assertTrue(
              doc.contains(eachEventsOwnRows(s, until, f)),
              n + " events, " + f + ": the rows are each event's own, in order");
        }
        assertEquals(1, digests.size(), digests.toString());
        try (var files = Files.list(dir)) {
          assertEquals(
              List.of("db"),
              files.map(x -> x.getFileName().toString()).toList(),
              n + " events: no spill left");
        }
      }
    }
  }

  /** The rows of each event of {@code [T0, until)} rendered on its own in {@code f}, in order. */
  private static String eachEventsOwnRows(Store s, long until, ReportFormat f) throws Exception {
    StringBuilder rows = new StringBuilder();
    boolean[] first = {true};
    try (Approvals.Cursor cursor = new Approvals(s).cursor(T0)) {
      new EventLog(s)
          .forEach(
              T0,
              until,
              e -> {
                try {
                  Approval a = cursor.of(e);
                  Approval counted = a != null && a.acceptedNs() <= until ? a : null;
                  rows.append(ownRow(f, e, counted, first[0]));
                  first[0] = false;
                } catch (Exception ex) {
                  throw new IllegalStateException(ex);
                }
              });
    }
    return rows.toString();
  }

  /** The rows of one event rendered on its own in {@code f} ({@code first}: the report's first). */
  private static String ownRow(ReportFormat f, ChangeEvent e, Approval counted, boolean first)
      throws Exception {
    if (f == ReportFormat.JSON) {
      dev.fim.engine.output.JsonBytes one =
          JsonReport.rows(
              java.util.Collections.singletonList(null),
              List.of(e),
              java.util.Collections.singletonList(counted),
              first,
              16);
      return new String(one.array(), 0, one.length(), StandardCharsets.UTF_8);
    }
    CharsWriter one = new CharsWriter(16);
    ReportWriter w =
        switch (f) {
          case TEXT -> new TextReport();
          case CSV -> new CsvReport(true);
          case HTML -> new HtmlReport();
          case JSON -> throw new AssertionError();
        };
    w.change(one, e, counted);
    return new String(one.utf8(), StandardCharsets.UTF_8);
  }
}
