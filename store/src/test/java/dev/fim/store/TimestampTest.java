package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Timestamps#format}'s fast path writes exactly what Instant.toString writes. */
class TimestampTest {
  private static String expected(long ns) {
    return Instant.ofEpochSecond(
            Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))
        .toString();
  }

  @Test
  void sameAsInstantToStringAtBoundariesAndRandomTimes() {
    long[] edges = {
      0,
      1,
      999,
      1_000,
      1_000_000,
      1_000_000_000L,
      1_999_999_999L,
      -1,
      -1_000_000_000L,
      Long.MIN_VALUE,
      Long.MAX_VALUE,
      951_782_400_000_000_000L /* 2000-02-29 */,
      Long.MAX_VALUE / 1000 * 1000
    };
    for (long ns : edges) {
      assertEquals(expected(ns), Timestamps.format(ns), "ns " + ns);
    }
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      long ns = r.nextLong();
      long ms = ns / 1_000_000 * 1_000_000;
      long us = ns / 1_000 * 1_000;
      for (long t : new long[] {ns, ms, us, ns / 1_000_000_000 * 1_000_000_000}) {
        assertEquals(expected(t), Timestamps.format(t), "ns " + t);
      }
    }
  }
}
