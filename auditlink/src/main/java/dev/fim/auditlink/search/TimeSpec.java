package dev.fim.auditlink.search;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the times of {@code --start}/{@code --end} ({@code -ts}/{@code -te}), DESIGN.md's
 * "ISO-8601 and relative forms":
 *
 * <ul>
 *   <li>ISO-8601: {@code 2026-11-25T10:00:00Z}, with an offset, or without one (then in {@code
 *       zone}); a date alone is its midnight in {@code zone};
 *   <li>relative, always into the past: {@code -24h}, {@code 24h}, {@code 7d}, {@code 90m}, {@code
 *       30s}, {@code 2w};
 *   <li>ausearch's words: {@code now}, {@code recent} (10 minutes ago), {@code today}, {@code
 *       yesterday} (midnights in {@code zone}).
 * </ul>
 *
 * The clock and zone are passed in so that tests are fixed. Stateless.
 */
public final class TimeSpec {
  private TimeSpec() {}

  private static final Pattern RELATIVE = Pattern.compile("-?(\\d{1,9})([smhdw])");

  /**
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Instant parse(String text, Instant now, ZoneId zone) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "now":
        return now;
      case "recent":
        return now.minus(Duration.ofMinutes(10));
      case "today":
        return LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
      case "yesterday":
        return LocalDate.ofInstant(now, zone).minusDays(1).atStartOfDay(zone).toInstant();
      default:
        break;
    }
    Matcher m = RELATIVE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration unit =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
          };
      return now.minus(unit.multipliedBy(n));
    }
    String iso = text.trim();
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeException ignored) {
      // not with an offset; try the forms below
    }
    try {
      return ZonedDateTime.parse(iso).toInstant();
    } catch (DateTimeException ignored) {
      // not with a zone id
    }
    try {
      return LocalDateTime.parse(iso).atZone(zone).toInstant();
    } catch (DateTimeException ignored) {
      // not a local date-time
    }
    try {
      return LocalDate.parse(iso).atStartOfDay(zone).toInstant();
    } catch (DateTimeException ignored) {
      // not a date
    }
    throw new IllegalArgumentException(
        "time '"
            + text
            + "' is not understood: give ISO-8601 (2026-11-25T10:00:00Z,"
            + " 2026-11-25T10:00, 2026-11-25), a relative time (-24h, 7d, 30m, 2w) or now/recent/today/yesterday");
  }
}
