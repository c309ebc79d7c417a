package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RootNumbers} against the {@code String.format(Locale.ROOT, …)} it replaces. */
class RootNumbersTest {
  @Test
  void groupedIsFormatsGroupedInteger() {
    long[] edges = {
      0,
      1,
      9,
      10,
      99,
      100,
      999,
      1000,
      1001,
      9999,
      10000,
      99999,
      100000,
      999999,
      1000000,
      1234567,
      20006,
      100000000,
      Integer.MAX_VALUE,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      -1,
      -999,
      -1000,
      -123456
    };
    for (long v : edges) {
      assertEquals(String.format(Locale.ROOT, "%,d", v), RootNumbers.grouped(v), "" + v);
    }
    Random random = new Random(18);
    for (int i = 0; i < 20_000; i++) {
      long v = random.nextLong() >> random.nextInt(64);
      assertEquals(String.format(Locale.ROOT, "%,d", v), RootNumbers.grouped(v), "" + v);
    }
  }

  @Test
  void oneDecimalIsFormatsOneDecimal() {
    double[] edges = {
      0.0,
      -0.0,
      0.05,
      0.15,
      0.25,
      0.35,
      0.45,
      0.95,
      1.05,
      2.45,
      2.55,
      9.95,
      99.95,
      0.04999,
      -0.04,
      -1.25,
      1e-5,
      1e-3,
      0.1 + 0.2,
      1e7,
      1.25e10,
      123456.75,
      669.4,
      1023.95,
      1e300,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    for (double v : edges) {
      assertEquals(String.format(Locale.ROOT, "%.1f", v), RootNumbers.oneDecimal(v), "" + v);
    }
    Random random = new Random(18);
    for (int i = 0; i < 20_000; i++) {
      double v =
          switch (i % 4) {
            case 0 -> random.nextDouble() * 100; // durations
            case 1 -> random.nextInt(100_000) / 100.0 + 0.05; // ties after division
            case 2 -> random.nextLong(1L << 50) / 1024.0 / 1024.0; // sizes in MiB
            default -> Double.longBitsToDouble(random.nextLong()); // anything
          };
      assertEquals(String.format(Locale.ROOT, "%.1f", v), RootNumbers.oneDecimal(v), "" + v);
    }
  }
}
