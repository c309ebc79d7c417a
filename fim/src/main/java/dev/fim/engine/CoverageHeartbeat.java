package dev.fim.engine;

import dev.fim.engine.coalesce.Coalescer;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves the end of the watch's coverage interval forward every period on a thread of its own,
 * whatever the comparator is busy with (a long scan), so a watch killed with SIGKILL is covered up
 * to its last beat in {@code fim report}. Never while the database is lent.
 */
final class CoverageHeartbeat implements AutoCloseable {
  /**
   * How often a running watch moves the end of its coverage interval forward (what a SIGKILL can
   * cost).
   */
  static final long PERIOD_NS = TimeUnit.SECONDS.toNanos(10);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fim-heartbeat");
            t.setDaemon(true);
            return t;
          });
  private final WatchCoverage.Run coverage;
  private final DatabaseLender lender;
  private final Consumer<String> status;

  CoverageHeartbeat(WatchCoverage.Run coverage, DatabaseLender lender, Consumer<String> status) {
    this.coverage = coverage;
    this.lender = lender;
    this.status = status;
  }

  void start() {
    timer.scheduleAtFixedRate(this::beat, PERIOD_NS, PERIOD_NS, TimeUnit.NANOSECONDS);
  }

  /** One beat: the run is still watching (also while the comparator scans). */
  void beat() {
    try {
      lender.whileHeld(() -> coverage.heartbeat(Coalescer.wallClockNs()));
    } catch (StoreException | RuntimeException e) {
      status.accept("cannot record the watch's coverage heartbeat: " + e.getMessage());
    }
  }

  /**
   * Stops the beats; one running now finishes (the lender's guard) before the caller's store work.
   */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
