package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the reader of {@code fim report --verify FILE} (issue 12). The file is outside
 * input: a copy that went through other hands. Its parameter line parses or is rejected with {@link
 * IllegalArgumentException} (the command's usage error, exit 2), and over a real database with
 * history, a report file verifies if and only if it is byte for byte what fim wrote: any edit,
 * insertion, deletion, truncation or appended byte gives FILE_MODIFIED, DATA_DIFFERS or the
 * damaged-parameter-line error, never VERIFIED, and never another exception.
 *
 * <p>The reports are made in {@link #history()} from {@link SyntheticHistory} (fixed seed), so the
 * fuzz input describes an edit of one of them rather than holding a copy that a change of the
 * report layout would outdate.
 */
class ReportVerifierFuzzTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_764_000_000L * S; // 2025-11-24T16:00:00Z
  private static final List<ReportFormat> FORMATS =
      List.of(ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.HTML);
  private static Path dir;
  private static Store store;
  private static byte[][] reports;

  /**
   * The reader under test is the report's; the evidence chain is verified elsewhere
   * (EvidenceChainCommandsTest).
   */
  private static final dev.fim.store.EvidenceChain.Verification VERIFIED =
      new dev.fim.store.EvidenceChain.Verification(true, null, null);

  @BeforeAll
  static void history() throws Exception {
    dir = Files.createTempDirectory("fim-fuzz-report");
    store = Store.open(dir.resolve("db"), Store.OpenMode.CREATE);
    SyntheticHistory.fill(store, 40, 12, T0, 3600 * S);
    reports = new byte[FORMATS.size()][];
    for (int i = 0; i < FORMATS.size(); i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ComplianceReport.write(
          store,
          new ReportParameters(T0, T0 + 3600 * S, T0 + 7200 * S, "web1", 2, FORMATS.get(i)),
          VERIFIED,
          out,
          dir);
      reports[i] = out.toByteArray();
    }
  }

  @AfterAll
  static void close() throws IOException {
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void parameterLineParsesOrIsRejected(byte[] head) {
    ReportParameters.Stated stated;
    try {
      stated = ReportParameters.find(new String(head, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException documented) {
      return;
    }
    if (stated != null) {
      // What a report states, fim reads back the same: its own line of these parameters parses to
      // them.
      assertEquals(stated, ReportParameters.find(stated.parameters().line(stated.sha256())));
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void verifiesOnlyTheReportItself(FuzzedDataProvider data) throws Exception {
    byte[] original = reports[data.consumeInt(0, reports.length - 1)];
    byte[] copy = edit(original, data);
    Path file = dir.resolve("copy");
    Files.write(file, copy);
    ReportVerifier.Outcome o;
    try {
      o = ReportVerifier.verify(store, file, dir, VERIFIED);
    } catch (IllegalArgumentException documented) {
      assertNotEquals(
          0, Arrays.compare(original, copy), "the original report was rejected: " + documented);
      return;
    }
    if (Arrays.equals(original, copy)) {
      assertEquals(ReportVerifier.Verdict.VERIFIED, o.verdict(), o.message());
    } else {
      assertNotEquals(ReportVerifier.Verdict.VERIFIED, o.verdict(), o.message());
    }
    assertTrue(o.message().startsWith(file.toString()), o.message());
  }

  /**
   * One edit of {@code original}, as the fuzz input says: replace, insert, delete, truncate, append
   * or none.
   */
  static byte[] edit(byte[] original, FuzzedDataProvider data) {
    int op = data.consumeInt(0, 5);
    int at = data.consumeInt(0, original.length);
    int n = data.consumeInt(0, 16);
    byte[] bytes = data.consumeRemainingAsBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (op) {
      case 0 -> { // overwrite from `at`
        out.write(original, 0, at);
        out.writeBytes(bytes);
        int rest = Math.min(original.length, at + bytes.length);
        out.write(original, rest, original.length - rest);
      }
      case 1 -> { // insert at `at`
        out.write(original, 0, at);
        out.writeBytes(bytes);
        out.write(original, at, original.length - at);
      }
      case 2 -> { // delete n bytes at `at`
        out.write(original, 0, at);
        int rest = Math.min(original.length, at + n);
        out.write(original, rest, original.length - rest);
      }
      case 3 -> out.write(original, 0, at); // truncate
      case 4 -> { // append
        out.writeBytes(original);
        out.writeBytes(bytes);
      }
      default -> out.writeBytes(original);
    }
    return out.toByteArray();
  }
}
