package dev.fim.engine;

import dev.fim.engine.coalesce.Coalescer;
import dev.fim.engine.compare.ChangeComparator;
import dev.fim.engine.correlate.AuditAttributor;
import dev.fim.engine.correlate.AuditSource;
import dev.fim.engine.correlate.Correlator;
import dev.fim.engine.record.Recorder;
import dev.fim.store.Attribution;

/**
 * Reads the pipeline's counters, from any thread and without stopping it (so they may be a few
 * events apart from each other): the status snapshot (SIGUSR1, the periodic status line, the status
 * file) and the shutdown line's {@link WatchStats}.
 */
final class WatchCounters {
  private final String backend;
  private final int trees;
  private final Coalescer coalescer;
  private final ChangeComparator comparator;
  private final Correlator correlator;
  private final Recorder recorder;
  private final CompareLoop loop;
  private final AuditAttributor audit; // null without audit, as the two below
  private final AuditSource auditSource;
  private final AuditWatchdog watchdog;
  private final Ticker ticker;

  WatchCounters(
      String backend,
      int trees,
      Coalescer coalescer,
      ChangeComparator comparator,
      Correlator correlator,
      Recorder recorder,
      CompareLoop loop,
      AuditAttributor audit,
      AuditSource auditSource,
      AuditWatchdog watchdog,
      Ticker ticker) {
    this.backend = backend;
    this.trees = trees;
    this.coalescer = coalescer;
    this.comparator = comparator;
    this.correlator = correlator;
    this.recorder = recorder;
    this.loop = loop;
    this.audit = audit;
    this.auditSource = auditSource;
    this.watchdog = watchdog;
    this.ticker = ticker;
  }

  /** Progress probes issued and come back so far ({@code [0, 0]} without audit). */
  long[] auditProbes() {
    return audit == null ? new long[2] : audit.probes();
  }

  /** See {@link Watcher#status}. */
  WatchStatus status(long sinceNs, long reloads, WatchStatus earlier) {
    long[] c = coalescer.counters();
    ProcessHandle self = ProcessHandle.current();
    boolean e = earlier != null;
    return new WatchStatus(
        self.pid(),
        StatusFile.startTicks(self.pid()),
        Coalescer.wallClockNs(),
        ticker.read() - sinceNs,
        backend,
        trees,
        (e ? earlier.notices() : 0) + c[0],
        (e ? earlier.recorded() : 0) + recorder.recorded(),
        (e ? earlier.overflows() : 0) + loop.overflows(),
        (e ? earlier.auditLost() : 0) + (watchdog == null ? 0 : watchdog.lostSoFar()),
        coalescer.pendingCount(),
        (e ? earlier.byAudit() : 0) + correlator.count(Attribution.AUDIT),
        (e ? earlier.byProc() : 0) + correlator.count(Attribution.PROC),
        (e ? earlier.byNone() : 0) + correlator.count(Attribution.NONE),
        reloads,
        (e ? earlier.temporaries() : 0) + comparator.transients(),
        (e ? earlier.folded() : 0) + comparator.folded(),
        (e ? earlier.auditPassed() : 0) + passed(),
        (e ? earlier.auditBounded() : 0) + bounded(),
        (e ? earlier.probes() : 0) + auditProbes()[0]);
  }

  WatchStats stats() {
    return new WatchStats(
        coalescer.counters()[0],
        comparator.compared(),
        recorder.recorded(),
        comparator.transients(),
        comparator.folded(),
        loop.rescans(),
        loop.overflows(),
        correlator.count(Attribution.AUDIT),
        passed(),
        bounded());
  }

  private long passed() {
    return auditSource == null ? 0 : auditSource.passedFallbacks();
  }

  private long bounded() {
    return auditSource == null ? 0 : auditSource.boundFallbacks();
  }
}
