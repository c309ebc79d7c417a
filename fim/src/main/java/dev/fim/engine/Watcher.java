package dev.fim.engine;

import dev.fim.baseline.Selector;
import dev.fim.baseline.pkg.PackageDatabase;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.engine.attribute.ProcAttributor;
import dev.fim.engine.attribute.ProcSource;
import dev.fim.engine.coalesce.Coalescer;
import dev.fim.engine.coalesce.Rescan;
import dev.fim.engine.compare.ChangeComparator;
import dev.fim.engine.correlate.AttributorSettings;
import dev.fim.engine.correlate.AuditAttributor;
import dev.fim.engine.correlate.AuditSource;
import dev.fim.engine.correlate.Correlator;
import dev.fim.engine.correlate.CrashRecord;
import dev.fim.engine.correlate.NoWriter;
import dev.fim.engine.packages.PackageEnricher;
import dev.fim.engine.record.Recorder;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.source.ChangeSource;
import dev.fim.engine.source.Sources;
import dev.fim.store.Column;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code fim watch}'s engine, assembled: a {@link ChangeSource} (fanotify, else inotify) on one
 * thread feeding the {@link Coalescer} (with {@code /proc} read as each event arrives: {@link
 * ProcSource}); one comparator thread taking ripe batches, comparing them with the store ({@link
 * ChangeComparator}: what changed), naming the writers ({@link Correlator}: who, from audit, {@code
 * /proc} or none) and recording the events ({@link Recorder}) that go to the {@link EventSink}s.
 *
 * <p>Start: {@code current} is seeded from the baseline when empty; the source is opened (the trees
 * are covered from then on); then the comparator reconciles the trees with {@code current}
 * (reporting what changed while fim was not running) before it turns to the notices that queued up
 * meanwhile. A store with neither state is recorded without events (there is nothing to compare
 * with).
 *
 * <p>Beside the pipeline, each with one job: {@link AuditWatchdog} (fim's audit rules and audit
 * loss), {@link DatabaseLender} (the database lent to a {@code fim check} beside the service),
 * {@link CoverageHeartbeat} (the coverage interval for reports); the comparator thread asks {@link
 * Every} on a {@link Ticker} when its periodic jobs are due.
 *
 * <p>Stop ({@link #stop()}, from any thread, e.g. a signal handler): the source stops reading,
 * every notice already received is compared at once (windows cut short), recorded and emitted, and
 * {@link #await()} returns.
 */
public final class Watcher {
  /**
   * How to watch.
   *
   * @param roots the trees (the selection's roots or the command line's paths)
   * @param backend which source to use
   * @param windowNs the coalescer's quiet window
   * @param maxPending the most paths waiting in the coalescer
   * @param backPressureNs how long a source may be held by a full coalescer before the loss is
   *     declared
   * @param threads scan threads for reconcile and rescans (0: all processors)
   * @param reportTemporaries alert on paths created and removed within the window instead of
   *     counting them
   * @param attribution how to name who made each change
   * @param correlationWindowNs how long a change may wait for its audit record
   * @param ruleCheckNs how often fim's audit rules are checked (and re-added, with an event, when
   *     removed)
   * @param status where start-up and shutdown lines go (one line per call, no newline)
   * @param temporaryHoldNs how long a new file with a temporary's name is held for its rename onto
   *     the final name (0: not held)
   */
  public record Settings(
      Store store,
      Selector selector,
      List<PathBytes> roots,
      Sources.Backend backend,
      long windowNs,
      int maxPending,
      long backPressureNs,
      int threads,
      List<EventSink> sinks,
      boolean reportTemporaries,
      Attribution attribution,
      long correlationWindowNs,
      long ruleCheckNs,
      Consumer<String> status,
      long temporaryHoldNs) {
    /** With the default hold of temporaries ({@link #TEMPORARY_HOLD_NS}). */
    public Settings(
        Store store,
        Selector selector,
        List<PathBytes> roots,
        Sources.Backend backend,
        long windowNs,
        int maxPending,
        long backPressureNs,
        int threads,
        List<EventSink> sinks,
        boolean reportTemporaries,
        Attribution attribution,
        long correlationWindowNs,
        long ruleCheckNs,
        Consumer<String> status) {
      this(
          store,
          selector,
          roots,
          backend,
          windowNs,
          maxPending,
          backPressureNs,
          threads,
          sinks,
          reportTemporaries,
          attribution,
          correlationWindowNs,
          ruleCheckNs,
          status,
          TEMPORARY_HOLD_NS);
    }

    public Settings {
      if (temporaryHoldNs < 0) {
        throw new IllegalArgumentException("temporary hold " + temporaryHoldNs + " ns");
      }
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(selector, "selector");
      roots = List.copyOf(roots);
      sinks = List.copyOf(sinks);
      if (roots.isEmpty()) {
        throw new IllegalArgumentException("nothing to watch: no roots");
      }
    }
  }

  /** How changes are attributed. */
  public enum Attribution {
    /** Audit records when fim may install rules (root, audit not locked), else /proc. */
    AUTO,
    /** Audit records, or fail to start. */
    AUDIT,
    /** /proc of the process the notification names (fanotify), never audit. */
    PROC
  }

  /** The default of {@link Settings#ruleCheckNs()}: Wazuh's 30 s. */
  public static final long RULE_CHECK_NS = TimeUnit.SECONDS.toNanos(30);

  /**
   * The default of {@link Settings#temporaryHoldNs()}: dpkg renames its {@code .dpkg-new} files
   * after unpacking a whole package, seconds later.
   */
  public static final long TEMPORARY_HOLD_NS = TimeUnit.SECONDS.toNanos(60);

  /** The most files held as likely temporaries at once (at most {@code maxPending}). */
  static final int TEMPORARY_HOLD_CAPACITY = 4096;

  /** The default of {@link Settings#backPressureNs()}. */
  public static final long BACK_PRESSURE_NS = TimeUnit.SECONDS.toNanos(2);

  /** How often the audit loss counters are read (one netlink round trip). */
  static final long AUDIT_LOSS_CHECK_NS = TimeUnit.SECONDS.toNanos(1);

  /** How often the comparator looks for a request to lend the database (a file's existence). */
  static final long LOAN_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Notices per comparator batch. */
  static final int BATCH = 512;

  /**
   * The attributor's bounds for watch: the index only needs to outlive the windows (~12 MB at
   * most).
   */
  static AttributorSettings auditSettings() {
    return auditSettings(0);
  }

  /**
   * The attributor's settings for a watch whose changes may wait {@code correlationNs} for their
   * records: waits of that long allowed, and records kept a second longer than that (3 s at least).
   */
  static AttributorSettings auditSettings(long correlationNs) {
    AttributorSettings d = AttributorSettings.defaults();
    Duration wait = Duration.ofNanos(Math.max(d.maxWait().toNanos(), correlationNs));
    Duration retention =
        wait.plusSeconds(1).compareTo(Duration.ofSeconds(3)) > 0
            ? wait.plusSeconds(1)
            : Duration.ofSeconds(3);
    return new AttributorSettings(d.key(), retention, 16_384, d.backlogLimit(), wait, d.listener());
  }

  private final Settings settings;
  private final AuditSource auditSource;
  private final ChangeSource source;
  private final Coalescer coalescer;
  private final Recorder recorder;
  private final ChangeComparator comparator;
  private final Correlator correlator;
  private final PackageDatabase packages;
  private final Thread sourceThread;
  private final Thread compareThread;
  private final AuditAttributor audit;

  /** Re-adds removed audit rules and records audit loss; null without audit. */
  private final AuditWatchdog watchdog;

  private final DatabaseLender lender;
  private final Ticker ticker;
  private CoverageHeartbeat heartbeat;
  private final String auditUnavailable;
  private final boolean seedOnly;
  private volatile Throwable failure;
  private volatile boolean stopping;

  /**
   * True while the comparator thread scans (start-up recording, reconcile, rescan): a stop
   * interrupts it.
   */
  private volatile boolean scanning;

  /**
   * Completed on the comparator's thread when the first scan is done (the start-up recording or
   * reconcile, after the trees a reload added were recorded): from then on a change is reported,
   * not folded into the recorded state. Never completed when the watcher stops before.
   */
  private final java.util.concurrent.CompletableFuture<Void> upToDate =
      new java.util.concurrent.CompletableFuture<>();

  /**
   * Makes "is it scanning?" and the interrupt of {@link #stop} one step, so no interrupt lands
   * after a scan.
   */
  private final Object scanGuard = new Object();

  /**
   * Trees added by a reload that the store has no state of yet: recorded first, without events, as
   * the first start records trees without a baseline (else every file in them would be "created").
   */
  private List<PathBytes> seedFirst = List.of();

  /**
   * Notices other threads hand in for the record (a refused reload, from the SIGHUP thread): the
   * comparator's thread records them at its next turn, as it records audit loss, so the database
   * and every output carry them.
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<dev.fim.store.ChangeEvent> handedIn =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * Turns of the comparator's loop (and polls while the database is lent): with the scans' own
   * progress, what {@link #progress()} counts. Written by the comparator's thread only.
   */
  private volatile long turns;

  private volatile long rescans;
  private volatile long overflows;
  private WatchCoverage.Run coverage;

  private Watcher(
      Settings s,
      ChangeSource source,
      boolean seedOnly,
      AuditAttributor audit,
      String auditUnavailable,
      Ticker ticker)
      throws StoreException {
    this.settings = s;
    this.ticker = ticker;
    this.source = source;
    this.seedOnly = seedOnly;
    this.audit = audit;
    this.auditUnavailable = auditUnavailable;
    ProcSource proc =
        new ProcSource(
            new ProcAttributor(),
            audit != null ? "no audit record" : "audit not in use (" + auditUnavailable + ")");
    this.coalescer =
        new Coalescer(s.roots(), s.windowNs(), s.maxPending(), s.backPressureNs(), proc);
    this.recorder = new Recorder(s.store(), s.sinks());
    List<AttributionSource> sources = new ArrayList<>();
    if (audit != null) {
      auditSource =
          new AuditSource(
              audit,
              s.correlationWindowNs(),
              s.windowNs(),
              auditSettings(s.correlationWindowNs()).maxWait(),
              Coalescer::wallClockNs);
      sources.add(auditSource);
    } else {
      auditSource = null;
    }
    sources.add(proc);
    sources.add(new NoWriter());
    this.packages = PackageDatabase.dpkgFollowing();
    // Its own /proc reader: ProcAttributor belongs to one thread, and this one runs on the
    // comparator's.
    this.correlator =
        new Correlator(
            sources, new PackageEnricher(packages), new ProcAttributor()::lookup, recorder);
    this.comparator =
        new ChangeComparator(
            s.store(),
            s.selector(),
            correlator,
            s.threads(),
            s.reportTemporaries(),
            s.temporaryHoldNs(),
            Math.min(s.maxPending(), TEMPORARY_HOLD_CAPACITY),
            System::nanoTime);
    this.lender = new DatabaseLender(s.store(), recorder, s.status(), ticker);
    this.watchdog =
        audit == null ? null : new AuditWatchdog(audit, recorder, s.roots().get(0), s.status());
    this.sourceThread = new Thread(this::readLoop, "fim-source-" + source.name());
    this.compareThread = new Thread(this::compareLoop, "fim-compare");
  }

  /**
   * Seeds {@code current}, opens the source (after which no change goes unseen) and starts the
   * threads. Returns when the backend is ready; the reconcile runs on the comparator thread.
   *
   * @throws NativeException no backend could watch the trees (the message says why for each)
   */
  public static Watcher start(Settings s) throws StoreException, IOException {
    return start(s, List.of());
  }

  /**
   * As {@link #start(Settings)}, after a configuration reload: of the {@code added} trees, those
   * the store holds no state of are recorded as they are (no events) before the reconcile; the
   * others are compared with their last recorded state like every tree.
   */
  public static Watcher start(Settings s, List<PathBytes> added)
      throws StoreException, IOException {
    Store store = s.store();
    List<PathBytes> unknown = new ArrayList<>();
    if (store.hasAny(Column.CURRENT)) {
      for (PathBytes root : added) {
        try (dev.fim.store.RecordCursor c = store.cursor(Column.CURRENT, root)) {
          if (!c.next()) {
            unknown.add(root);
          }
        }
      }
    }
    boolean seedOnly = false;
    if (!store.hasAny(Column.CURRENT)) {
      if (store.hasAny(Column.BASELINE)) {
        store.replaceAll(Column.BASELINE, Column.CURRENT);
        store.flush();
        s.status().accept("no earlier watch state: comparing with the baseline");
      } else {
        seedOnly = true;
        s.status()
            .accept(
                "no baseline and no earlier watch state: recording the trees as they are now "
                    + "(changes are reported from now on)");
      }
    }
    Sources.Opened opened = Sources.open(s.backend(), s.roots(), s.selector()::descend);
    if (opened.fallbackReason() != null) {
      s.status().accept("fanotify unavailable (" + opened.fallbackReason() + "); using inotify");
    }
    AuditAttributor audit = null;
    String auditUnavailable = s.attribution() == Attribution.PROC ? "--attribution proc" : null;
    Watcher w;
    try {
      try {
        String undone = CrashRecord.restoreIfLeft(store);
        if (undone != null) {
          s.status().accept(undone);
        }
      } catch (IOException e) {
        s.status()
            .accept(
                "could not undo the audit rules of a fim watch that did not stop cleanly: "
                    + e.getMessage());
      }
      if (s.attribution() != Attribution.PROC) {
        try {
          audit = AuditAttributor.start(s.roots(), auditSettings(s.correlationWindowNs()));
          CrashRecord.write(store, audit);
        } catch (IOException | IllegalArgumentException e) {
          if (s.attribution() == Attribution.AUDIT) {
            throw new IOException("audit attribution unavailable: " + e.getMessage(), e);
          }
          auditUnavailable = e.getMessage();
        }
      }
      w = new Watcher(s, opened.source(), seedOnly, audit, auditUnavailable, Ticker.system());
      w.seedFirst = List.copyOf(unknown);
      w.coverage =
          WatchCoverage.begin(
              store,
              Coalescer.wallClockNs(),
              WatchCoverage.thisHost(),
              w.backend(),
              (audit != null
                  ? dev.fim.store.Attribution.AUDIT
                  : w.backend().equals("fanotify")
                      ? dev.fim.store.Attribution.PROC
                      : dev.fim.store.Attribution.NONE),
              s.roots());
      w.heartbeat = new CoverageHeartbeat(w.coverage, w.lender, s.status());
      DatabaseLender lender = w.lender;
      for (EventSink sink : s.sinks()) {
        // An output's own thread reads the history and keeps its cursor only while the database
        // is not lent.
        sink.start(work -> lender.whileHeld(() -> work.run(store)));
      }
      store.lendOnRequest(); // fim check/update/accept beside the watch service borrow it
      // (DatabaseLoan)
    } catch (IOException | StoreException | RuntimeException e) {
      closeQuietly(audit);
      opened.source().close();
      throw e;
    }
    w.coalescer.reconcile(
        seedOnly ? "recording the initial state" : "changes while fim was not watching");
    w.sourceThread.start();
    w.compareThread.start();
    // dpkg's file lists (~100k paths) are read off the comparator's thread, so the first change
    // of a packaged file does not wait for them.
    Thread preload = new Thread(w.packages::preload, "fim-packages");
    preload.setDaemon(true);
    preload.start();
    w.heartbeat.start();
    return w;
  }

  /**
   * Completes once the first scan is done and changes are reported from then on (see the field);
   * dependent actions run on the comparator's thread, so they must be short.
   */
  public java.util.concurrent.CompletionStage<Void> upToDate() {
    return upToDate;
  }

  /** True while the comparator scans (for tests that stop it mid-scan). */
  boolean scanning() {
    return scanning;
  }

  /** The backend in use: {@code fanotify} or {@code inotify}. */
  public String backend() {
    return source.name();
  }

  /** Progress probes issued and come back so far ({@code [0, 0]} without audit). */
  public long[] auditProbes() {
    return audit == null ? new long[2] : audit.probes();
  }

  /** Whether changes are attributed from audit records (the stop line then counts fallbacks). */
  public boolean usesAudit() {
    return audit != null;
  }

  /** How changes are attributed to a user and process with this backend, for the start-up lines. */
  public String attributionDescription() {
    String proc =
        source.name().equals("fanotify")
            ? "/proc of the process fanotify names (\"proc\")"
            : "none (inotify does not name the process)";
    if (audit != null) {
      return "audit records (\"audit\"; rules with key fim on "
          + settings.roots().size()
          + " tree(s), "
          + audit.mode().name().toLowerCase(java.util.Locale.ROOT)
          + " mode"
          + (audit.probing() ? "; a progress probe rule, key fim-progress" : "")
          + "), else "
          + proc;
    }
    return proc + "; audit not in use: " + auditUnavailable;
  }

  private static void closeQuietly(AuditAttributor a) {
    if (a != null) {
      try {
        a.close();
      } catch (IOException e) {
        // start failed already; that failure is the one to report
      }
    }
  }

  /** The start-up line's description of the backend. */
  public String backendDescription() {
    return source.description();
  }

  private void readLoop() {
    try {
      source.run(coalescer);
    } catch (Throwable t) {
      fail(t);
    } finally {
      coalescer.close();
    }
  }

  private void compareLoop() {
    try {
      boolean first = true;
      // The comparator's periodic jobs, asked between batches (they write through its recorder).
      Every ruleCheck = new Every(settings.ruleCheckNs(), ticker);
      Every lossCheck = new Every(AUDIT_LOSS_CHECK_NS, ticker);
      Every loanCheck = new Every(LOAN_CHECK_NS, ticker);
      if (!seedFirst.isEmpty() && !seedAdded()) {
        return;
      }
      while (true) {
        Coalescer.Batch b =
            coalescer.take(BATCH, Math.min(AUDIT_LOSS_CHECK_NS, settings.ruleCheckNs()));
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
          break;
        }
        for (Rescan r : b.rescans()) {
          long found;
          synchronized (scanGuard) {
            scanning = true;
          }
          try {
            if (stopping) {
              throw new InterruptedException();
            }
            found =
                first && seedOnly
                    ? comparator.seed(r.scope())
                    : comparator.rescan(r, Coalescer.wallClockNs());
          } catch (InterruptedException e) {
            settings
                .status()
                .accept(
                    "stopped before the "
                        + (first
                            ? seedOnly ? "start-up recording" : "start-up reconcile"
                            : "rescan")
                        + " finished; the next start scans the trees again");
            return;
          } finally {
            synchronized (scanGuard) {
              scanning = false;
              Thread.interrupted(); // an interrupt meant for the scan must not cut short the audit
              // waits that follow
            }
          }
          rescans++;
          if (r.overflow()) {
            overflows++;
            settings
                .status()
                .accept("events lost (" + r.reason() + "); rescanned: " + found + " changes");
          } else if (first) {
            settings
                .status()
                .accept(
                    seedOnly
                        ? "recorded " + found + " paths"
                        : "reconciled: "
                            + found
                            + (found == 1 ? " change" : " changes")
                            + " while fim was not watching");
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
    } catch (Throwable t) {
      fail(t);
    } finally {
      try {
        if (lender.held()) {
          recorder.close();
        }
      } catch (Throwable t) {
        fail(t);
      }
      comparator.close();
      packages.close();
    }
  }

  /** Asked every poll while the database is lent: the wait is progress, a stop ends it. */
  private boolean stillLending() {
    turns++;
    return stopping;
  }

  /**
   * A counter that moves while this watcher works: each turn of the comparator's loop (at least one
   * a second when nothing happens), each entry a start-up, reload or overflow scan walks or hashes,
   * each poll while the database is lent. It stands still when the comparator is stuck (a stalled
   * output, a lock, the database). {@link dev.fim.engine.sink.ServiceWatchdog} sends systemd's
   * keep-alive only while it moves. Any thread.
   */
  public long progress() {
    return turns + comparator.scanProgress();
  }

  /**
   * Records {@code message} as a watch notice: an {@code overflow} event (the action that asks a
   * reader to look, as audit loss and re-added audit rules are recorded) on {@code path}, with
   * {@code reason} as its attribution reason. From any thread; recorded by the comparator's thread
   * within a turn (at most a second), into the database and every output. A notice handed in after
   * the watcher stopped is not recorded (the caller's stderr line remains).
   */
  public void notice(PathBytes path, String reason, String message) {
    handedIn.add(
        dev.fim.store.ChangeEvent.notice(
            Coalescer.wallClockNs(), path, dev.fim.store.Origin.WATCH, reason, message));
  }

  private void recordHandedIn() throws StoreException {
    boolean any = false;
    for (dev.fim.store.ChangeEvent e; (e = handedIn.poll()) != null; ) {
      recorder.event(e);
      any = true;
    }
    if (any) {
      recorder.commit();
    }
  }

  /** Records the trees a reload added (see {@link #seedFirst}); false when stopped meanwhile. */
  private boolean seedAdded() throws StoreException {
    synchronized (scanGuard) {
      scanning = true;
    }
    try {
      if (stopping) {
        throw new InterruptedException();
      }
      long n = comparator.seed(seedFirst);
      settings
          .status()
          .accept(
              "recorded "
                  + n
                  + " paths of "
                  + seedFirst.size()
                  + " added tree(s) (changes are reported from now on)");
      return true;
    } catch (InterruptedException e) {
      settings
          .status()
          .accept("stopped before the added trees were recorded; the next start records them");
      return false;
    } finally {
      synchronized (scanGuard) {
        scanning = false;
        Thread.interrupted();
      }
    }
  }

  private void fail(Throwable t) {
    synchronized (this) {
      if (failure == null) {
        failure = t;
      } else if (failure != t) {
        failure.addSuppressed(t);
      }
    }
    stop();
  }

  /**
   * Stops watching; thread-safe, idempotent, returns at once. {@link #await()} waits for the end.
   */
  public void stop() {
    stopping = true;
    source.stop();
    coalescer.close(); // also releases a source thread held by back-pressure
    synchronized (scanGuard) {
      if (scanning) {
        // A scan of a big tree takes seconds to minutes: SIGTERM must not wait for it (the next
        // start scans again).
        compareThread.interrupt();
      }
    }
  }

  /**
   * Waits until the watcher has stopped (after {@link #stop()} or a failure) and everything
   * received was recorded; closes the source. Rethrows a failure of either thread.
   */
  public void await() throws Exception {
    joinQuietly(sourceThread);
    joinQuietly(compareThread);
    heartbeat.close();
    source.close();
    if (audit != null) {
      try {
        audit.close(); // removes fim's rules, restores enabled/backlog/pid: first, whatever the
        // store's state
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }
    // A heartbeat still running finishes first; a store not taken back gets nothing more (the next
    // start reconciles and undoes the crash record).
    try {
      lender.whileHeld(
          () -> {
            coverage.end(Coalescer.wallClockNs());
            if (audit != null) {
              CrashRecord.clear(settings.store());
            }
          });
    } catch (StoreException | RuntimeException e) {
      fail(e);
    }
    Throwable t = failure;
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A status snapshot from any thread (SIGUSR1, the periodic status line): counters read without
   * stopping the pipeline, so they may be a few events apart from each other.
   *
   * @param sinceNs when the watch started ({@link System#nanoTime()}), for the uptime
   * @param reloads configuration reloads applied so far
   * @param earlier the final status of the watcher this one replaced at a reload (or null): its
   *     counters are added, so they count since the watch started
   */
  public WatchStatus status(long sinceNs, long reloads, WatchStatus earlier) {
    long[] c = coalescer.counters();
    ProcessHandle self = ProcessHandle.current();
    boolean e = earlier != null;
    return new WatchStatus(
        self.pid(),
        StatusFile.startTicks(self.pid()),
        Coalescer.wallClockNs(),
        System.nanoTime() - sinceNs,
        backend(),
        settings.roots().size(),
        (e ? earlier.notices() : 0) + c[0],
        (e ? earlier.recorded() : 0) + recorder.recorded(),
        (e ? earlier.overflows() : 0) + overflows,
        (e ? earlier.auditLost() : 0) + (watchdog == null ? 0 : watchdog.lostSoFar()),
        coalescer.pendingCount(),
        (e ? earlier.byAudit() : 0) + correlator.count(dev.fim.store.Attribution.AUDIT),
        (e ? earlier.byProc() : 0) + correlator.count(dev.fim.store.Attribution.PROC),
        (e ? earlier.byNone() : 0) + correlator.count(dev.fim.store.Attribution.NONE),
        reloads,
        (e ? earlier.temporaries() : 0) + comparator.transients(),
        (e ? earlier.folded() : 0) + comparator.folded(),
        (e ? earlier.auditPassed() : 0) + (auditSource == null ? 0 : auditSource.passedFallbacks()),
        (e ? earlier.auditBounded() : 0) + (auditSource == null ? 0 : auditSource.boundFallbacks()),
        (e ? earlier.probes() : 0) + auditProbes()[0]);
  }

  /** Counters for the shutdown line and tests. */
  public record Stats(
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

  /** The counters now (exact once {@link #await()} returned). */
  public Stats stats() {
    long[] c = coalescer.counters();
    return new Stats(
        c[0],
        comparator.compared(),
        recorder.recorded(),
        comparator.transients(),
        comparator.folded(),
        rescans,
        overflows,
        correlator.count(dev.fim.store.Attribution.AUDIT),
        auditSource == null ? 0 : auditSource.passedFallbacks(),
        auditSource == null ? 0 : auditSource.boundFallbacks());
  }
}
