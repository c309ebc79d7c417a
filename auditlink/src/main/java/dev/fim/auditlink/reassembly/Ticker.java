package dev.fim.auditlink.reassembly;

/**
 * A nanosecond clock for timeouts (Caffeine's {@code Ticker}): only differences between two reads
 * mean anything. Tests pass a fake and move it forward instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
  long read();

  /** {@link System#nanoTime()}: monotonic, for production. */
  static Ticker system() {
    return System::nanoTime;
  }
}
