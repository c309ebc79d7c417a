package dev.fim.cli.report;

/**
 * Changes per time bucket over a report's period, for the HTML chart: at most {@link #MAX_BUCKETS}
 * buckets of a round size (1 min … 1 week, or whole weeks beyond). Not thread-safe.
 */
final class Timeline {
  static final int MAX_BUCKETS = 60;
  private static final long MIN = 60_000_000_000L;
  private static final long[] SIZES = {
    MIN,
    5 * MIN,
    15 * MIN,
    30 * MIN,
    60 * MIN,
    3 * 60 * MIN,
    6 * 60 * MIN,
    12 * 60 * MIN,
    24 * 60 * MIN,
    7 * 24 * 60 * MIN
  };

  final long fromNs;
  final long bucketNs;
  final long[] approved;
  final long[] unapproved;
  final long[] overflows;

  Timeline(long fromNs, long untilNs) {
    this.fromNs = fromNs;
    long span = untilNs - fromNs;
    long size = 0;
    for (long s : SIZES) {
      if (span / s < MAX_BUCKETS || s == SIZES[SIZES.length - 1]) {
        size = s;
        if (span / s < MAX_BUCKETS) {
          break;
        }
      }
    }
    if (span / size >= MAX_BUCKETS) {
      size = (span / MAX_BUCKETS / SIZES[SIZES.length - 1] + 1) * SIZES[SIZES.length - 1];
    }
    this.bucketNs = size;
    int n = (int) Math.max(1, (span + size - 1) / size);
    approved = new long[n];
    unapproved = new long[n];
    overflows = new long[n];
  }

  int buckets() {
    return approved.length;
  }

  private int bucket(long ns) {
    return (int) Math.min(approved.length - 1, Math.max(0, (ns - fromNs) / bucketNs));
  }

  void change(long ns, boolean isApproved) {
    if (isApproved) {
      approved[bucket(ns)]++;
    } else {
      unapproved[bucket(ns)]++;
    }
  }

  void overflow(long ns) {
    overflows[bucket(ns)]++;
  }

  /** Adds the counts of {@code other}, a timeline of the same period (same buckets). */
  void merge(Timeline other) {
    for (int i = 0; i < approved.length; i++) {
      approved[i] += other.approved[i];
      unapproved[i] += other.unapproved[i];
      overflows[i] += other.overflows[i];
    }
  }
}
