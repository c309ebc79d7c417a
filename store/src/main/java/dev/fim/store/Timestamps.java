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
    long sec = Math.floorDiv(ns, 1_000_000_000L);
    int nano = (int) Math.floorMod(ns, 1_000_000_000L);
    if (sec < 0 || sec >= MAX_FAST_SECONDS) {
      return Instant.ofEpochSecond(sec, nano).toString();
    }
    // Instant.toString's exact form, without its formatter (a report writes three per event, a
    // million events).
    java.time.LocalDate d = java.time.LocalDate.ofEpochDay(sec / 86_400);
    int s = (int) (sec % 86_400);
    char[] c = new char[30];
    int i = 0;
    i = digits(c, i, d.getYear(), 4);
    c[i++] = '-';
    i = digits(c, i, d.getMonthValue(), 2);
    c[i++] = '-';
    i = digits(c, i, d.getDayOfMonth(), 2);
    c[i++] = 'T';
    i = digits(c, i, s / 3600, 2);
    c[i++] = ':';
    i = digits(c, i, s / 60 % 60, 2);
    c[i++] = ':';
    i = digits(c, i, s % 60, 2);
    if (nano != 0) {
      c[i++] = '.';
      if (nano % 1_000_000 == 0) {
        i = digits(c, i, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        i = digits(c, i, nano / 1000, 6);
      } else {
        i = digits(c, i, nano, 9);
      }
    }
    c[i++] = 'Z';
    return new String(c, 0, i);
  }

  /** 10000-01-01T00:00:00Z: from there Instant.toString writes a sign and more year digits. */
  private static final long MAX_FAST_SECONDS = 253_402_300_800L;

  private static int digits(char[] c, int at, int value, int width) {
    for (int k = width - 1; k >= 0; k--) {
      c[at + k] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
