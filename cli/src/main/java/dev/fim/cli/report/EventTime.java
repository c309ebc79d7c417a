package dev.fim.cli.report;

import java.time.Duration;
import java.time.Instant;

/**
 * The events' clock (ns since the epoch) ⇄ RFC 3339 UTC, as the event JSON writes it. Stateless.
 */
final class EventTime {
  private EventTime() {}

  static String of(long ns) {
    return dev.fim.store.Timestamps.format(ns);
  }

  static long parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("a time is missing");
    }
    return ns(Instant.parse(s));
  }

  /** Saturated beyond what a long holds (years ±292). */
  static long ns(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** {@code 3d 4h}, {@code 2h 05m}, {@code 59s}: a duration for people. */
  static String duration(long ns) {
    Duration d = Duration.ofNanos(Math.max(ns, 0));
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + String.format("%02dm", d.toMinutesPart());
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + String.format("%02ds", d.toSecondsPart());
    }
    return d.toSeconds() + "s";
  }
}
