package dev.fim.auditlink.search;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * The two timestamp forms of {@code ausearch -i} output, written straight into a {@link
 * StringBuilder}: the event's {@code ctime} ({@code Wed Apr 12 22:48:11 2017}) and a record's
 * {@code %x %T} in the C locale ({@code 04/12/17 22:48:11}, millis appended by the caller). The
 * same text as {@code DateTimeFormatter} patterns {@code EEE MMM ppd HH:mm:ss yyyy} and {@code
 * MM/dd/yy HH:mm:ss} in {@code Locale.ROOT} (tested against them), without their cost on a cold JVM
 * (~0.2 s of class loading and interpreted formatting for a one-shot search): the local date-time
 * of one epoch second is computed once and reused while the second stays the same, which it does
 * for all records of an event. Years 0–9999 only (ausearch's range too); not thread-safe.
 */
final class AusearchTime {
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private final ZoneRules rules;
  private long second = Long.MIN_VALUE;
  private int year;
  private int month;
  private int day;
  private int dayOfWeek;
  private int secondOfDay;

  AusearchTime(ZoneId zone) {
    this.rules = zone.getRules();
  }

  /** {@code Wed Apr 12 22:48:11 2017} for the epoch second. */
  void appendCtime(long epochSecond, StringBuilder sb) {
    at(epochSecond);
    sb.append(DAYS[dayOfWeek]).append(' ').append(MONTHS[month - 1]).append(' ');
    if (day < 10) sb.append(' ');
    sb.append(day).append(' ');
    appendTime(sb);
    sb.append(' ').append(year);
  }

  /** {@code 04/12/17 22:48:11} for the epoch second. */
  void appendRecordTime(long epochSecond, StringBuilder sb) {
    at(epochSecond);
    two(month, sb);
    sb.append('/');
    two(day, sb);
    sb.append('/');
    two(Math.floorMod(year, 100), sb);
    sb.append(' ');
    appendTime(sb);
  }

  /** {@code .123} for the millisecond part. */
  static void appendMillis(int millis, StringBuilder sb) {
    sb.append('.')
        .append((char) ('0' + millis / 100))
        .append((char) ('0' + millis / 10 % 10))
        .append((char) ('0' + millis % 10));
  }

  private void appendTime(StringBuilder sb) {
    two(secondOfDay / 3600, sb);
    sb.append(':');
    two(secondOfDay / 60 % 60, sb);
    sb.append(':');
    two(secondOfDay % 60, sb);
  }

  private static void two(int v, StringBuilder sb) {
    sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private void at(long epochSecond) {
    if (epochSecond == second) {
      return;
    }
    int offset =
        rules.isFixedOffset()
            ? rules.getOffset(java.time.Instant.EPOCH).getTotalSeconds()
            : rules.getOffset(java.time.Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
    long local = epochSecond + offset;
    long epochDay = Math.floorDiv(local, 86400);
    LocalDate d = LocalDate.ofEpochDay(epochDay);
    year = d.getYear();
    month = d.getMonthValue();
    day = d.getDayOfMonth();
    dayOfWeek = (int) Math.floorMod(epochDay + 3, 7); // 1970-01-01 was a Thursday (index 3)
    secondOfDay = (int) Math.floorMod(local, 86400);
    second = epochSecond;
  }

  /**
   * {@code 2017-04-12T22:48:11.036Z}: what {@code DateTimeFormatter} pattern {@code
   * uuuu-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC gives (milliseconds truncated), for the JSON output's
   * {@code time}, without the formatter's cold-start cost. Outside years 0–9999 the formatter
   * itself writes it.
   */
  static String isoUtc(java.time.Instant t) {
    long sec = t.getEpochSecond();
    LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(sec, 86400));
    int y = d.getYear();
    if (y < 0 || y > 9999) {
      return IsoFormatter.UTC.format(t);
    }
    int sod = (int) Math.floorMod(sec, 86400);
    StringBuilder sb = new StringBuilder(24);
    two(y / 100, sb);
    two(y % 100, sb);
    sb.append('-');
    two(d.getMonthValue(), sb);
    sb.append('-');
    two(d.getDayOfMonth(), sb);
    sb.append('T');
    two(sod / 3600, sb);
    sb.append(':');
    two(sod / 60 % 60, sb);
    sb.append(':');
    two(sod % 60, sb);
    appendMillis(t.getNano() / 1_000_000, sb);
    return sb.append('Z').toString();
  }

  /** Only for years {@link #isoUtc} does not write itself. */
  private static final class IsoFormatter {
    static final java.time.format.DateTimeFormatter UTC =
        java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
  }
}
