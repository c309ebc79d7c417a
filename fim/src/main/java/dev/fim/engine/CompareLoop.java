package dev.fim.engine;

import dev.fim.engine.coalesce.Coalescer;
import dev.fim.engine.coalesce.Rescan;
import dev.fim.engine.compare.ChangeComparator;
import dev.fim.engine.record.Recorder;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import dev.fim.store.StoreException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The comparator's thread, turn by turn: takes a ripe batch from the {@link Coalescer}, runs its
 * rescans (the start-up recording or reconcile first, then overflow rescans) and compares its
 * notices ({@link ChangeComparator}, which names the writers and records the events). Between
 * batches it runs the jobs that must write through the same {@link Recorder}, each when {@link
 * Every} says it is due on the injected {@link Ticker}: the audit rule and loss checks ({@link
 * AuditWatchdog}), lending the database ({@link DatabaseLender}) and the notices other threads hand
 * in.
 *
 * <p>A stop ({@link #stop()}) ends the loop once the coalescer has handed over everything it holds;
 * a scan under way is interrupted (the next start scans again).
 */
final class CompareLoop {
  /** How often the audit loss counters are read (one netlink round trip). */
  static final long AUDIT_LOSS_CHECK_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

  /** How often the comparator looks for a request to lend the database (a file's existence). */
  static final long LOAN_CHECK_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);

  /** Notices per comparator batch. */
  static final int BATCH = 512;

  private final Coalescer coalescer;
  private final ChangeComparator comparator;
  private final Recorder recorder;
  private final AuditWatchdog watchdog; // null without audit
  private final DatabaseLender lender;
  private final Ticker ticker;
  private final long ruleCheckNs;
  private final Consumer<String> status;
  private final boolean seedOnly;
  private final List<PathBytes> seedFirst;
  private final Consumer<Throwable> onFailure;
  private final Thread thread;

  /**
   * Completed on this loop's thread when the first scan is done (the start-up recording or
   * reconcile, after the trees a reload added were recorded): from then on a change is reported,
   * not folded into the recorded state. Never completed when the loop stops before.
   */
  private final CompletableFuture<Void> upToDate = new CompletableFuture<>();

  /**
   * Notices other threads hand in for the record (a refused reload, from the SIGHUP thread):
   * recorded at the next turn, as audit loss is, so the database and every output carry them.
   */
  private final ConcurrentLinkedQueue<ChangeEvent> handedIn = new ConcurrentLinkedQueue<>();

  /**
   * Makes "is it scanning?" and the interrupt of {@link #stop} one step, so no interrupt lands
   * after a scan.
   */
  private final Object scanGuard = new Object();

  /** True while a scan runs (start-up recording, reconcile, rescan): a stop interrupts it. */
  private volatile boolean scanning;

  private volatile boolean stopping;

  /**
   * Turns of the loop (and polls while the database is lent): with the scans' own progress, what
   * {@link #progress()} counts. Written by this loop's thread only.
   */
  private volatile long turns;

  private volatile long rescans;
  private volatile long overflows;

  /**
   * @param seedOnly the store held no state: the first scan records the trees without events
   * @param seedFirst trees a reload added that the store has no state of: recorded first, without
   *     events, as the first start records trees without a baseline (else every file in them would
   *     be "created")
   * @param onFailure told of anything the loop throws (the loop has ended then)
   */
  CompareLoop(
      Coalescer coalescer,
      ChangeComparator comparator,
      Recorder recorder,
      AuditWatchdog watchdog,
      DatabaseLender lender,
      Ticker ticker,
      long ruleCheckNs,
      Consumer<String> status,
      boolean seedOnly,
      List<PathBytes> seedFirst,
      Consumer<Throwable> onFailure) {
    this.coalescer = coalescer;
    this.comparator = comparator;
    this.recorder = recorder;
    this.watchdog = watchdog;
    this.lender = lender;
    this.ticker = ticker;
    this.ruleCheckNs = ruleCheckNs;
    this.status = status;
    this.seedOnly = seedOnly;
    this.seedFirst = List.copyOf(seedFirst);
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "fim-compare");
  }

  void start() {
    thread.start();
  }

  /** Waits for the loop's end (interrupts of the caller are kept for it). */
  void join() {
    Threads.joinQuietly(thread);
  }

  /** See the field; dependent actions run on the loop's thread, so they must be short. */
  CompletionStage<Void> upToDate() {
    return upToDate;
  }

  /** True while a scan runs (for tests that stop the watcher mid-scan). */
  boolean scanning() {
    return scanning;
  }

  long rescans() {
    return rescans;
  }

  long overflows() {
    return overflows;
  }

  /** Turns so far plus the scans' progress: moves while the loop works (see Watcher#progress). */
  long progress() {
    return turns + comparator.scanProgress();
  }

  /** Hands {@code e} in for the record at the next turn (any thread). */
  void handIn(ChangeEvent e) {
    handedIn.add(e);
  }

  /**
   * Asks the loop to end once the coalescer is drained; interrupts a scan under way (a scan of a
   * big tree takes seconds to minutes: SIGTERM must not wait for it). Any thread.
   */
  void stop() {
    stopping = true;
    synchronized (scanGuard) {
      if (scanning) {
        thread.interrupt();
      }
    }
  }

  private void run() {
    try {
      loop();
    } catch (Throwable t) {
      onFailure.accept(t);
    } finally {
      try {
        if (lender.held()) {
          recorder.close();
        }
      } catch (Throwable t) {
        onFailure.accept(t);
      }
      comparator.close();
    }
  }

  private void loop() throws Exception {
    boolean first = true;
    Every ruleCheck = new Every(ruleCheckNs, ticker);
    Every lossCheck = new Every(AUDIT_LOSS_CHECK_NS, ticker);
    Every loanCheck = new Every(LOAN_CHECK_NS, ticker);
    if (!seedFirst.isEmpty() && !seedAdded()) {
      return;
    }
    while (true) {
      Coalescer.Batch b = coalescer.take(BATCH, Math.min(AUDIT_LOSS_CHECK_NS, ruleCheckNs));
      if (watchdog != null && ruleCheck.due()) {
        watchdog.checkRules();
      }
      if (watchdog != null && lossCheck.due()) {
        watchdog.checkLoss();
      }
      turns++;
      if (loanCheck.due() && !lender.lendIfRequested(this::stillLending)) {
        return;
      }
      recordHandedIn();
      if (b == null) {
        comparator.releaseAllHeld(); // stopping: nothing seen stays unreported
        return;
      }
      for (Rescan r : b.rescans()) {
        if (!rescan(r, first)) {
          return;
        }
        if (first) {
          upToDate.complete(null); // e.g. sd_notify READY=1 (fim watch under systemd)
        }
        first = false;
      }
      if (!b.notices().isEmpty()) {
        comparator.compare(b.notices());
      }
      comparator.releaseExpired();
    }
  }

  /** Runs one rescan and says what it found; false when a stop interrupted it. */
  private boolean rescan(Rescan r, boolean first) throws Exception {
    String what = first ? seedOnly ? "start-up recording" : "start-up reconcile" : "rescan";
    long found;
    try {
      found =
          scan(
              () ->
                  first && seedOnly
                      ? comparator.seed(r.scope())
                      : comparator.rescan(r, Coalescer.wallClockNs()));
    } catch (InterruptedException e) {
      status.accept(
          "stopped before the " + what + " finished; the next start scans the trees again");
      return false;
    }
    rescans++;
    if (r.overflow()) {
      overflows++;
      status.accept("events lost (" + r.reason() + "); rescanned: " + found + " changes");
    } else if (first) {
      status.accept(
          seedOnly
              ? "recorded " + found + " paths"
              : "reconciled: "
                  + found
                  + (found == 1 ? " change" : " changes")
                  + " while fim was not watching");
    }
    return true;
  }

  /** Records the trees a reload added (see {@link #seedFirst}); false when stopped meanwhile. */
  private boolean seedAdded() throws Exception {
    long n;
    try {
      n = scan(() -> comparator.seed(seedFirst));
    } catch (InterruptedException e) {
      status.accept("stopped before the added trees were recorded; the next start records them");
      return false;
    }
    status.accept(
        "recorded "
            + n
            + " paths of "
            + seedFirst.size()
            + " added tree(s) (changes are reported from now on)");
    return true;
  }

  /** A scan that a stop may interrupt. */
  @FunctionalInterface
  private interface Scan {
    long run() throws Exception;
  }

  private long scan(Scan s) throws Exception {
    synchronized (scanGuard) {
      scanning = true;
    }
    try {
      if (stopping) {
        throw new InterruptedException();
      }
      return s.run();
    } finally {
      synchronized (scanGuard) {
        scanning = false;
        // An interrupt meant for the scan must not cut short the audit waits that follow.
        Thread.interrupted();
      }
    }
  }

  /** Asked every poll while the database is lent: the wait is progress, a stop ends it. */
  private boolean stillLending() {
    turns++;
    return stopping;
  }

  private void recordHandedIn() throws StoreException {
    boolean any = false;
    for (ChangeEvent e; (e = handedIn.poll()) != null; ) {
      recorder.event(e);
      any = true;
    }
    if (any) {
      recorder.commit();
    }
  }
}
