package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.cli.EvidenceChainCommandsTest.Attacker;
import dev.fim.cli.report.SyntheticHistory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fim report} verifies the evidence while it reads the period's events: a change made behind
 * fim's back is caught whether the record lies in the middle of the period (tagged by the report's
 * render threads) or outside it (tagged by the thread that verifies the rest), in every format, and
 * a CSV is still not written; {@code --verify} of the report written before gives the same verdict.
 * 3,000 events over 30 days ({@link SyntheticHistory}); the report covers the last 10 days.
 */
class ReportEvidencePeriodTest {
  @TempDir Path tmp;
  private Path db;
  private List<byte[]> keys;

  @BeforeEach
  void history() throws Exception {
    db = tmp.resolve("db");
    clean = tmp.resolve("clean.html");
    SyntheticHistory.main(new String[] {db.toString(), "3000", "7"});
    try (Attacker a = Attacker.open(db)) {
      keys = a.keys("events");
    }
    assertReport(0, "verified: every event");
    Files.copy(tmp.resolve("report.html"), clean);
    Fim.Run v = Fim.run("report", "--db", db.toString(), "--verify", clean.toString());
    assertEquals(0, v.exit(), v.toString());
  }

  /** The report written before the change behind fim's back. */
  private Path clean;

  /**
   * {@code --verify} of the report written before the change verifies the evidence while it makes
   * the report again: the same verdict, exit 19.
   */
  private void assertVerifyRefused(String says) throws Exception {
    Fim.Run v = Fim.run("report", "--db", db.toString(), "--verify", clean.toString());
    assertEquals(ExitCodes.SEAL, v.exit(), v.toString());
    assertTrue(
        v.err()
                .contains(
                    "NOT verified: the database's evidence does not verify, so it confirms"
                        + " nothing: ")
            && v.err().contains(says),
        v.toString());
  }

  /** The key of the event nearest {@code daysAgo} days before now. */
  private byte[] eventAt(long daysAgo) {
    long t = System.currentTimeMillis() * 1_000_000L - TimeUnit.DAYS.toNanos(daysAgo);
    byte[] best = keys.get(0);
    for (byte[] k : keys) {
      if (ByteBuffer.wrap(k, 0, 8).getLong() <= t) {
        best = k;
      }
    }
    return best;
  }

  private void assertReport(int exit, String says) throws Exception {
    for (String f : List.of("text", "json", "html", "csv")) {
      Path out = tmp.resolve("report." + f);
      Files.deleteIfExists(out);
      Fim.Run r =
          Fim.run(
              "report",
              "--db",
              db.toString(),
              "--since",
              "10d",
              "--format",
              f,
              "--output",
              out.toString());
      assertEquals(exit, r.exit(), f + ": " + r);
      if (exit != 0 && f.equals("csv")) {
        assertFalse(Files.exists(out), "no CSV from unverified evidence");
        assertTrue(r.err().contains(says) && r.err().contains("no CSV report"), r.toString());
        continue;
      }
      String text = Files.readString(out);
      assertTrue(text.contains(says) || f.equals("csv") || f.equals("json"), f + ":\n" + says);
      if (exit != 0) {
        assertTrue(text.contains("NOT VERIFIED") || text.contains("\"verified\":false"), f);
        assertTrue(r.err().contains(says), r.toString());
      }
    }
  }

  /** The key of the approval nearest {@code daysAgo} days before now. */
  private byte[] approvalAt(long daysAgo) throws Exception {
    List<byte[]> approvals;
    try (Attacker a = Attacker.open(db)) {
      approvals = a.keys("approvals");
    }
    long t = System.currentTimeMillis() * 1_000_000L - TimeUnit.DAYS.toNanos(daysAgo);
    byte[] best = approvals.get(0);
    for (byte[] k : approvals) {
      if (ByteBuffer.wrap(k, 0, 8).getLong() <= t) {
        best = k;
      }
    }
    return best;
  }

  private void edit(byte[] key) throws Exception {
    try (Attacker a = Attacker.open(db)) {
      byte[] v = a.get("events", key);
      // One letter of its path in upper case: still an event fim can decode and render, about
      // another file.
      int i = 0;
      while (!(v[i] == '/' && v[i + 1] >= 'a' && v[i + 1] <= 'z')) {
        i++;
      }
      v[i + 1] -= 'a' - 'A';
      a.put("events", key, v);
    }
  }

  @Test
  void anEventEditedInTheMiddleOfThePeriodIsCaught() throws Exception {
    edit(eventAt(5));
    assertReport(ExitCodes.SEAL, "the events were edited, replaced or reordered outside fim");
    assertVerifyRefused("the events were edited, replaced or reordered outside fim");
  }

  @Test
  void anEventEditedBeforeThePeriodIsCaught() throws Exception {
    edit(eventAt(20));
    assertReport(ExitCodes.SEAL, "the events were edited, replaced or reordered outside fim");
    assertVerifyRefused("the events were edited, replaced or reordered outside fim");
  }

  @Test
  void twoEventsSwappedInThePeriodAreCaught() throws Exception {
    byte[] k1 = eventAt(5);
    byte[] k2 = keys.get(keys.indexOf(k1) + 1);
    try (Attacker a = Attacker.open(db)) {
      byte[] v1 = a.get("events", k1);
      a.put("events", k1, a.get("events", k2));
      a.put("events", k2, v1);
    }
    assertReport(ExitCodes.SEAL, "the events were edited, replaced or reordered outside fim");
    assertVerifyRefused("the events were edited, replaced or reordered outside fim");
  }

  @Test
  void anEventDeletedInThePeriodOrBeforeItIsCaught() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      a.delete("events", eventAt(5));
    }
    assertReport(ExitCodes.SEAL, "1 of the 3000 sealed events are missing");
    assertVerifyRefused("1 of the 3000 sealed events are missing");
    try (Attacker a = Attacker.open(db)) {
      a.delete("events", eventAt(25));
    }
    assertReport(ExitCodes.SEAL, "2 of the 3000 sealed events are missing");
    assertVerifyRefused("2 of the 3000 sealed events are missing");
  }

  /**
   * The report's read tags the period's approvals (those its cursor steps past), the verifying
   * thread those before it: an approval edited in either is caught.
   */
  @Test
  void anApprovalEditedInThePeriodOrBeforeItIsCaught() throws Exception {
    for (long daysAgo : new long[] {5, 20}) {
      byte[] k = approvalAt(daysAgo);
      byte[] was;
      try (Attacker a = Attacker.open(db)) {
        was = a.get("approvals", k);
        byte[] v = was.clone();
        v[v.length - 1] ^= 1; // the note's last character
        a.put("approvals", k, v);
      }
      assertReport(ExitCodes.SEAL, "the approvals were edited, replaced or reordered outside fim");
      assertVerifyRefused("the approvals were edited, replaced or reordered outside fim");
      try (Attacker a = Attacker.open(db)) {
        a.put("approvals", k, was);
      }
    }
  }

  /**
   * An approval added without an event in the middle of the period (its cursor steps past it
   * unmatched) is caught, as is one deleted there.
   */
  @Test
  void anApprovalWithoutItsEventAddedOrOneDeletedInThePeriodIsCaught() throws Exception {
    byte[] k = approvalAt(5);
    byte[] orphan =
        ByteBuffer.allocate(16)
            .putLong(ByteBuffer.wrap(k, 0, 8).getLong() + 1)
            .putLong(999_999)
            .array();
    try (Attacker a = Attacker.open(db)) {
      a.put("approvals", orphan, a.get("approvals", k));
    }
    assertReport(ExitCodes.SEAL, "1 approvals are not sealed");
    assertVerifyRefused("1 approvals are not sealed");
    try (Attacker a = Attacker.open(db)) {
      a.delete("approvals", orphan);
      a.delete("approvals", k);
    }
    assertReport(ExitCodes.SEAL, "sealed approvals are missing");
    assertVerifyRefused("sealed approvals are missing");
  }
}
