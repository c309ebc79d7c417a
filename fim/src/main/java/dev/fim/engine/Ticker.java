package dev.fim.engine;

/**
 * A source of monotonic time in nanoseconds, as Caffeine's {@code Ticker}: the engine's periodic
 * work reads the time through one, so a test can move time by hand instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin, never going back (like {@link System#nanoTime()}). */
  long read();

  /** The JVM's monotonic clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
