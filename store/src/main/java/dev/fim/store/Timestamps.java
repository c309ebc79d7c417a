package dev.fim.store;

import java.time.Instant;

/**
 * How fim writes an instant everywhere (event JSON, attribute values in the store, reports, text
 * lines): RFC 3339 UTC with nanoseconds, exactly as {@link Instant#toString()} writes it.
 */
public final class Timestamps {
  private Timestamps() {}

  /** RFC 3339 UTC with nanoseconds ({@code 2026-11-25T10:00:00.123456789Z}). */
  public static String format(long ns) {
    byte[] b = new byte[MAX_ASCII_LENGTH];
    int n = formatAscii(ns, b, 0);
    if (n < 0) {
      return Instant.ofEpochSecond(
              Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))
          .toString();
    }
    return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The most bytes {@link #formatAscii} writes. */
  public static final int MAX_ASCII_LENGTH = 30;

  /**
   * {@link #format}'s characters as ASCII bytes into {@code out} from {@code at}: only digits and
   * {@code - : T . Z}, never a character JSON or CSV escapes. Returns the index after the last
   * byte, or -1 (nothing written) for an instant before 1970 or from the year 10000 on, which
   * {@link #format} writes with {@link Instant#toString()}. Lets the event JSON copy a timestamp
   * into its output without a String per timestamp (three per event, a million events in a report).
   */
  public static int formatAscii(long ns, byte[] out, int at) {
    long sec = Math.floorDiv(ns, 1_000_000_000L);
    int nano = (int) Math.floorMod(ns, 1_000_000_000L);
    if (sec < 0 || sec >= MAX_FAST_SECONDS) {
      return -1;
    }
    // Instant.toString's exact form, without its formatter.
    java.time.LocalDate d = java.time.LocalDate.ofEpochDay(sec / 86_400);
    int s = (int) (sec % 86_400);
    int i = at;
    i = digits(out, i, d.getYear(), 4);
    out[i++] = '-';
    i = digits(out, i, d.getMonthValue(), 2);
    out[i++] = '-';
    i = digits(out, i, d.getDayOfMonth(), 2);
    out[i++] = 'T';
    i = digits(out, i, s / 3600, 2);
    out[i++] = ':';
    i = digits(out, i, s / 60 % 60, 2);
    out[i++] = ':';
    i = digits(out, i, s % 60, 2);
    if (nano != 0) {
      out[i++] = '.';
      if (nano % 1_000_000 == 0) {
        i = digits(out, i, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        i = digits(out, i, nano / 1000, 6);
      } else {
        i = digits(out, i, nano, 9);
      }
    }
    out[i++] = 'Z';
    return i;
  }

  /** 10000-01-01T00:00:00Z: from there Instant.toString writes a sign and more year digits. */
  private static final long MAX_FAST_SECONDS = 253_402_300_800L;

  private static int digits(byte[] c, int at, int value, int width) {
    for (int k = width - 1; k >= 0; k--) {
      c[at + k] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
