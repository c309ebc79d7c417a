package dev.fim.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * {@code String.format(Locale.ROOT, …)}'s {@code %,d} and {@code %.1f}, written out. The first
 * {@code Formatter} call with a locale other than {@code Locale.US} sets up the JDK's locale
 * providers for its {@code DecimalFormatSymbols} (CLDR's metadata, resource bundles): ~25 ms of the
 * main thread, serial, at the end of every {@code fim init} for its one summary line (issue 18,
 * session 12). The text is the same ({@code RootNumbersTest} compares both over many values).
 */
final class RootNumbers {
  private RootNumbers() {}

  /** {@code %,d} of {@link Locale#ROOT}: digits grouped by three with commas. */
  static String grouped(long v) {
    String digits = Long.toString(v);
    int start = v < 0 ? 1 : 0;
    int n = digits.length() - start;
    StringBuilder b = new StringBuilder(digits.length() + n / 3).append(digits, 0, start);
    for (int i = 0; i < n; i++) {
      if (i > 0 && (n - i) % 3 == 0) {
        b.append(',');
      }
      b.append(digits.charAt(start + i));
    }
    return b.toString();
  }

  /**
   * {@code %.1f} of {@link Locale#ROOT}: the shortest decimal that reads back as {@code v} (what
   * {@code Double.toString} gives), rounded half up to one decimal, as {@code Formatter} rounds it.
   */
  static String oneDecimal(double v) {
    if (!Double.isFinite(v)) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    String s =
        new BigDecimal(Double.toString(Math.abs(v)))
            .setScale(1, RoundingMode.HALF_UP)
            .toPlainString();
    return (Double.doubleToRawLongBits(v) < 0 ? "-" : "") + s;
  }
}
