package dev.fim.auditlink.search;

/**
 * Phase times of a search on stderr, for profiling by hand: {@code -Dfim.search.debug=true}, e.g.
 * {@code FIM_JAVA_OPTS="-Xmx256m -Dfim.search.debug=true -Dfim.search.t0=$(date +%s%3N)" bin/fim
 * audit search …}. Off by default, when a mark costs a field read and its varargs array. Marks come
 * from the searching thread only.
 */
public final class SearchTrace {
  public static final boolean ON = Boolean.getBoolean("fim.search.debug");

  /**
   * Where times count from: {@code -Dfim.search.t0=EPOCH_MS} (e.g. {@code $(date +%s%3N)} just
   * before the launch, to include start-up), else the first mark. Not JMX's uptime, which loads
   * ~0.1 s of classes, nor /proc's start time, which is only as exact as the boot time.
   */
  private static long start = Long.getLong("fim.search.t0", 0L);

  private SearchTrace() {}

  /** The time marks count from (epoch ms; set by the first mark when not given). */
  public static long start() {
    if (start == 0) start = System.currentTimeMillis();
    return start;
  }

  /** Prints the uptime and {@code String.format(what, args)} (formatted only when on). */
  public static void mark(String what, Object... args) {
    if (ON) {
      if (start == 0) start = System.currentTimeMillis();
      System.err.printf(
          "[%5d ms] %s%n", System.currentTimeMillis() - start, String.format(what, args));
    }
  }
}
