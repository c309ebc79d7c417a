package dev.fim.auditlink.search;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TimeZone;

/**
 * The zone a search shows and reads local times in: {@link ZoneId#systemDefault()}, except that a
 * default zone that is UTC by its tz database name ({@code Etc/UTC}, {@code UTC}, {@code Etc/GMT}
 * and their links: offset 0 at every instant, no transitions) is {@link ZoneOffset#UTC}. The same
 * offsets either way, so the same output; but a region zone's rules come from java.time's rules
 * provider, whose start looks for other providers as a service (opening every jar on the class path
 * and reading tzdb.dat a second time): ~20 ms of a one-shot search's start-up on the main thread,
 * on the most common server setting (issue 18, session 12). Any other zone is the JDK's.
 */
public final class LocalZone {
  /**
   * The tz database's names of UTC: Etc/UTC and Etc/GMT (both {@code 0 - UTC/GMT}, no rules) and
   * every link to them that the JDK names as such (it reads "GMT+0" and "GMT-0" as custom offsets,
   * "GMT+00:00"). {@code LocalZoneTest} checks each against the JDK's own rules.
   */
  static final Set<String> UTC_NAMES =
      Set.of(
          "UTC",
          "UCT",
          "Universal",
          "Zulu",
          "Etc/UTC",
          "Etc/UCT",
          "Etc/Universal",
          "Etc/Zulu",
          "GMT",
          "GMT0",
          "Greenwich",
          "Etc/GMT",
          "Etc/GMT0",
          "Etc/GMT+0",
          "Etc/GMT-0",
          "Etc/Greenwich");

  private LocalZone() {}

  /** The default zone ({@link TimeZone#getDefault()}), as described above. */
  public static ZoneId systemDefault() {
    TimeZone tz = TimeZone.getDefault();
    return UTC_NAMES.contains(tz.getID()) ? ZoneOffset.UTC : tz.toZoneId();
  }
}
