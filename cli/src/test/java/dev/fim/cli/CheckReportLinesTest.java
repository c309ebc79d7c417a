package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckReportLines} against the {@code String.format(Locale.ROOT, …)} calls it replaces in a
 * check's and update's report, for edge values and random ones.
 */
class CheckReportLinesTest {
  private static final long[] COUNTS = {
    0, 1, 2, 9, 10, 999, 1000, 1001, 99999, 100000, 1234567, Integer.MAX_VALUE, Long.MAX_VALUE
  };

  private static final double[] SECONDS = {
    0,
    0.04,
    0.05,
    0.0500001,
    0.05499,
    0.15,
    0.25,
    0.35,
    0.95,
    0.96,
    1,
    1.05,
    9.95,
    59.99,
    123.45,
    86400.05,
    1e7 + 0.05
  };

  @Test
  void theHeaderIsFormatsHeader() {
    Random r = new Random(18);
    for (double s : SECONDS) {
      header(s);
    }
    for (int i = 0; i < 10_000; i++) {
      header(r.nextInt(4) == 0 ? r.nextDouble() * 1e4 : r.nextInt(1_000_000) / 1e6 * r.nextInt(90));
      header(r.nextLong() / 1e9);
    }
  }

  private static void header(double s) {
    assertEquals(
        String.format(
            Locale.ROOT,
            "fim %s of %s at %s (%.1f s)%n",
            "check",
            java.nio.file.Path.of("/var/lib/fim"),
            "2026-12-07T15:00:00.123456789Z",
            s),
        CheckReportLines.header(
            "check", java.nio.file.Path.of("/var/lib/fim"), "2026-12-07T15:00:00.123456789Z", s),
        Double.toString(s));
  }

  @Test
  void theCountsAreFormatsCounts() {
    Random r = new Random(14);
    for (long a : COUNTS) {
      for (long b : COUNTS) {
        counts(a, b, b, a, a + b < 0 ? a : a + b);
      }
    }
    for (int i = 0; i < 10_000; i++) {
      long a = r.nextInt(2_000_000);
      long b = r.nextLong() & Long.MAX_VALUE;
      counts(a, b, r.nextInt(50), r.nextInt(), a + r.nextInt(1000));
    }
  }

  private static void counts(long a, long b, long c, long d, long entries) {
    assertEquals(
        String.format(
            Locale.ROOT,
            "Scanned: %,d files, %,d directories, %s hashed%s%n",
            a,
            b,
            "1.5 MiB",
            " under /etc"),
        CheckReportLines.scanned(a, b, "1.5 MiB", " under /etc"));
    assertEquals(
        String.format(
            Locale.ROOT, "Scanned: %,d files, %,d directories, %s hashed%s%n", b, a, "5 B", ""),
        CheckReportLines.scanned(b, a, "5 B", ""));
    assertEquals(
        String.format(
            Locale.ROOT, "Summary: %d added, %d removed, %d changed, %d problems%n", a, b, c, d),
        CheckReportLines.summary(a, b, c, d));
    assertEquals(
        String.format(
            Locale.ROOT,
            "fim %s: %d added, %d removed, %d changed, %d problems (%,d entries scanned)",
            "update",
            d,
            c,
            b,
            a,
            entries),
        CheckReportLines.summaryLine("update", d, c, b, a, entries));
    for (long n : new long[] {a, c, 1, 0}) {
      assertEquals(
          String.format(
              Locale.ROOT,
              "fim: %d entr%s could not be checked (exit bit 8); see Problems in the report",
              n,
              n == 1 ? "y" : "ies"),
          CheckReportLines.unchecked(n));
    }
  }
}
