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

  /**
   * The bytes the event JSON copies into its output are format's characters; before 1970 (which
   * format leaves to Instant) nothing is written and -1 returned.
   */
  @Test
  void formatAsciiWritesFormatsCharactersOrNothing() {
    SplittableRandom r = new SplittableRandom(11);
    byte[] b = new byte[Timestamps.MAX_ASCII_LENGTH + 3];
    for (int i = 0; i < 100_000; i++) {
      long ns = r.nextLong();
      for (long t :
          new long[] {ns, ns / 1_000_000 * 1_000_000, ns / 1_000 * 1_000, 0, Long.MAX_VALUE}) {
        java.util.Arrays.fill(b, (byte) '#');
        int end = Timestamps.formatAscii(t, b, 3);
        if (t < 0) {
          assertEquals(-1, end, "ns " + t);
          assertEquals(
              "#".repeat(b.length), new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        } else {
          assertEquals(
              "###" + expected(t),
              new String(b, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1),
              "ns " + t);
        }
      }
    }
  }
}
