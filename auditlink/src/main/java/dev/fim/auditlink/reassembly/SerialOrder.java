package dev.fim.auditlink.reassembly;

/**
 * Order and distance of 32-bit audit serials, which wrap from 4294967295 to 0. Two serials further
 * apart than {@link #MAX_SORT_RANGE} are taken to straddle the wrap, so the larger one sorts first
 * (go-libaudit reassembler.go, {@code maxSortRange}).
 */
final class SerialOrder {
  private SerialOrder() {}

  static final long MASK = 0xffff_ffffL;
  static final long MAX_SORT_RANGE = (1L << 24) - 1;

  static int compare(long a, long b) {
    if (a == b) return 0;
    long diff = Math.abs(a - b);
    if (diff > MAX_SORT_RANGE) {
      return a > b ? -1 : 1;
    }
    return a < b ? -1 : 1;
  }

  /** Serials strictly between {@code last} and {@code next} going forward, modulo 2^32. */
  static long gap(long last, long next) {
    return (next - last - 1) & MASK;
  }

  /** Whether {@code serial} comes after {@code last} (within half the serial space). */
  static boolean isAfter(long serial, long last) {
    long d = (serial - last) & MASK;
    return d != 0 && d < (1L << 31);
  }
}
