package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written timestamp forms against the DateTimeFormatter patterns SearchText used before.
 */
class AusearchTimeTest {
  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
  private static final DateTimeFormatter RECORD =
      DateTimeFormatter.ofPattern("MM/dd/yy HH:mm:ss.SSS", Locale.ROOT);

  @Test
  void knownInstant() {
    AusearchTime t = new AusearchTime(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder();
    t.appendCtime(1492037291L, sb);
    sb.append(" | ");
    t.appendRecordTime(1492037291L, sb);
    AusearchTime.appendMillis(36, sb);
    assertEquals("Wed Apr 12 22:48:11 2017 | 04/12/17 22:48:11.036", sb.toString());
  }

  @Test
  void singleDigitDayIsSpacePadded() {
    StringBuilder sb = new StringBuilder();
    new AusearchTime(ZoneOffset.UTC)
        .appendCtime(Instant.parse("2026-03-01T01:02:03Z").getEpochSecond(), sb);
    assertEquals("Sun Mar  1 01:02:03 2026", sb.toString());
  }

  /**
   * Random instants 1970–2200 in zones with DST, odd offsets and none, repeated seconds included.
   */
  @Test
  void sameAsDateTimeFormatter() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (String id :
        new String[] {
          "UTC",
          "Europe/Berlin",
          "America/New_York",
          "Asia/Kolkata",
          "Australia/Lord_Howe",
          "Pacific/Chatham",
          "-03:30"
        }) {
      ZoneId zone = ZoneId.of(id);
      AusearchTime t = new AusearchTime(zone);
      long millis = 0;
      for (int i = 0; i < 4_000; i++) {
        if (i % 3 != 0) {
          millis = rnd.nextLong(0, 7258118400000L); // up to 2200-01-01
        } // else: the same second again (the cache), maybe other millis
        millis = millis / 1000 * 1000 + rnd.nextInt(1000);
        Instant at = Instant.ofEpochMilli(millis);
        StringBuilder sb = new StringBuilder();
        t.appendCtime(at.getEpochSecond(), sb);
        sb.append('|');
        t.appendRecordTime(at.getEpochSecond(), sb);
        AusearchTime.appendMillis((int) (millis % 1000), sb);
        assertEquals(
            CTIME.format(at.atZone(zone)) + "|" + RECORD.format(at.atZone(zone)),
            sb.toString(),
            id + " " + at);
      }
    }
  }

  @Test
  void aroundDstChanges() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    AusearchTime t = new AusearchTime(berlin);
    long start = Instant.parse("2026-03-29T00:30:00Z").getEpochSecond();
    for (long s = start; s < start + 7200; s += 13) {
      StringBuilder sb = new StringBuilder();
      t.appendRecordTime(s, sb);
      assertEquals(
          RECORD.format(Instant.ofEpochSecond(s).atZone(berlin)).substring(0, 17), sb.toString());
    }
  }

  @Test
  void isoUtcIsTheFormattersText() {
    DateTimeFormatter iso =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    long[] edges = {
      0L,
      -1L,
      951782400L /* 2000-02-29 */,
      253402300799L /* 9999-12-31T23:59:59 */,
      -62167219200L /* 0000-01-01 */,
      -62167219201L,
      253402300800L,
      4102444800L
    };
    for (long s : edges) {
      for (int nanos : new int[] {0, 999_999_999, 1_000_000, 999_999}) {
        Instant t = Instant.ofEpochSecond(s, nanos);
        assertEquals(iso.format(t), AusearchTime.isoUtc(t), t.toString());
      }
    }
    for (int i = 0; i < 200_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              rnd.nextLong(-70_000_000_000L, 260_000_000_000L), rnd.nextInt(1_000_000_000));
      assertEquals(iso.format(t), AusearchTime.isoUtc(t), t.toString());
    }
  }
}
