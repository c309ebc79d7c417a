package dev.fim.engine;

/**
 * A watcher's counters for the shutdown line and tests (exact once {@link Watcher#await()}
 * returned).
 */
public record WatchStats(
    long notices,
    long compared,
    long recorded,
    long transients,
    long folded,
    long rescans,
    long overflows,
    long audited,
    long auditPassed,
    long auditBounded) {
  /** Changes that fell back from audit to {@code /proc} or none. */
  public long auditFallbacks() {
    return auditPassed + auditBounded;
  }
}
