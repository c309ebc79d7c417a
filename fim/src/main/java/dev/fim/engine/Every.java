package dev.fim.engine;

/**
 * Says when a periodic job is due, on a {@link Ticker}: the comparator loop asks between batches
 * instead of running timers of its own (its jobs must run on its thread: they write through its
 * recorder).
 */
final class Every {
  private final long periodNs;
  private final Ticker ticker;
  private long last;

  /** A job due every {@code periodNs}, first one period from now. */
  Every(long periodNs, Ticker ticker) {
    if (periodNs <= 0) {
      throw new IllegalArgumentException("period must be positive: " + periodNs);
    }
    this.periodNs = periodNs;
    this.ticker = ticker;
    this.last = ticker.read();
  }

  /**
   * True once a period has passed since the last time this returned true (or since creation); then
   * restarts.
   */
  boolean due() {
    long now = ticker.read();
    if (now - last >= periodNs) { // difference, not comparison: nanoTime may wrap
      last = now;
      return true;
    }
    return false;
  }

  long periodNs() {
    return periodNs;
  }
}
