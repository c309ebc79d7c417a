package dev.fim.engine;

import dev.fim.baseline.pkg.PackageDatabase;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.engine.attribute.ProcAttributor;
import dev.fim.engine.attribute.ProcSource;
import dev.fim.engine.coalesce.Coalescer;
import dev.fim.engine.compare.ChangeComparator;
import dev.fim.engine.correlate.AuditAttributor;
import dev.fim.engine.correlate.AuditSource;
import dev.fim.engine.correlate.Correlator;
import dev.fim.engine.correlate.CrashRecord;
import dev.fim.engine.correlate.NoWriter;
import dev.fim.engine.packages.PackageEnricher;
import dev.fim.engine.record.CurrentStates;
import dev.fim.engine.record.Recorder;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.source.ChangeSource;
import dev.fim.engine.source.Sources;
import dev.fim.store.Attribution;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
  /** The most files held as likely temporaries at once (at most {@code maxPending}). */
  static final int TEMPORARY_HOLD_CAPACITY = 4096;

  private final WatchSettings settings;
  private final ChangeSource source;
  private final Coalescer coalescer;
  private final PackageDatabase packages;
  private final Thread sourceThread;
  private final CompareLoop loop;
  private final WatchCounters counters;
  private final AuditAttributor audit; // null without audit
  private final String auditUnavailable;
  private final DatabaseLender lender;
  private CoverageHeartbeat heartbeat;
  private WatchCoverage.Run coverage;
  private volatile Throwable failure;

  private Watcher(
      WatchSettings s, ChangeSource source, StoreStart state, AuditStart auditStart, Ticker ticker)
      throws StoreException {
    this.settings = s;
    this.source = source;
    this.audit = auditStart.audit();
    this.auditUnavailable = auditStart.unavailable();
    ProcSource proc =
        new ProcSource(
            new ProcAttributor(),
            audit != null ? "no audit record" : "audit not in use (" + auditUnavailable + ")");
    this.coalescer =
        new Coalescer(
            s.roots(),
            s.windowNs(),
            s.maxPending(),
            s.backPressureNs(),
            ticker::read,
            Coalescer::wallClockNs,
            proc);
    Recorder recorder = new Recorder(s.store(), s.sinks(), CurrentStates.BUDGET_BYTES);
    List<AttributionSource> sources = new ArrayList<>();
    AuditSource auditSource = null;
    if (audit != null) {
      auditSource =
          new AuditSource(
              audit,
              s.correlationWindowNs(),
              s.windowNs(),
              WatchSettings.auditSettings(s.correlationWindowNs(), s.maxPending()).maxWait(),
              Coalescer::wallClockNs);
      sources.add(auditSource);
    }
    sources.add(proc);
    sources.add(new NoWriter());
    this.packages = PackageDatabase.dpkgFollowing();
    // Its own /proc reader: ProcAttributor belongs to one thread, and this one runs on the
    // comparator's.
    Correlator correlator =
        new Correlator(
            sources, new PackageEnricher(packages), new ProcAttributor()::lookup, recorder);
    ChangeComparator comparator =
        new ChangeComparator(
            s.store(),
            recorder.currentStates(),
            s.selector(),
            correlator,
            s.threads(),
            s.reportTemporaries(),
            s.temporaryHoldNs(),
            Math.min(s.maxPending(), TEMPORARY_HOLD_CAPACITY),
            ticker::read);
    this.lender = new DatabaseLender(s.store(), recorder, s.status(), ticker);
    AuditWatchdog watchdog =
        audit == null ? null : new AuditWatchdog(audit, recorder, s.roots().get(0), s.status());
    this.loop =
        new CompareLoop(
            coalescer,
            comparator,
            recorder,
            watchdog,
            lender,
            ticker,
            s.ruleCheckNs(),
            s.status(),
            state.seedOnly(),
            state.unknownAdded(),
            this::fail);
    this.counters =
        new WatchCounters(
            source.name(),
            s.roots().size(),
            coalescer,
            comparator,
            correlator,
            recorder,
            loop,
            audit,
            auditSource,
            watchdog,
            ticker);
    this.sourceThread = new Thread(this::readLoop, "fim-source-" + source.name());
  }

  /**
   * Seeds {@code current}, opens the source (after which no change goes unseen) and starts the
   * threads. Returns when the backend is ready; the reconcile runs on the comparator thread.
   *
   * @throws NativeException no backend could watch the trees (the message says why for each)
   */
  public static Watcher start(WatchSettings s) throws StoreException, IOException {
    return start(s, List.of());
  }

  /**
   * As {@link #start(WatchSettings)}, after a configuration reload: of the {@code added} trees,
   * those the store holds no state of are recorded as they are (no events) before the reconcile;
   * the others are compared with their last recorded state like every tree.
   */
  public static Watcher start(WatchSettings s, List<PathBytes> added)
      throws StoreException, IOException {
    return start(s, added, Ticker.system());
  }

  /**
   * As {@link #start(WatchSettings, List)}, with the engine's periodic work and waits timed on
   * {@code ticker} (a test's hand-moved clock).
   */
  static Watcher start(WatchSettings s, List<PathBytes> added, Ticker ticker)
      throws StoreException, IOException {
    Store store = s.store();
    StoreStart state = StoreStart.prepare(store, added, s.status());
    Sources.Opened opened =
        Sources.open(s.backend(), s.roots(), s.selector()::descend, ownDirectories(store));
    if (opened.fallbackReason() != null) {
      s.status().accept("fanotify unavailable (" + opened.fallbackReason() + "); using inotify");
    }
    AuditAttributor audit = null;
    Watcher w;
    try {
      AuditStart auditStart = AuditStart.open(s);
      audit = auditStart.audit();
      w = new Watcher(s, opened.source(), state, auditStart, ticker);
      w.coverage =
          WatchCoverage.begin(
              store,
              Coalescer.wallClockNs(),
              WatchCoverage.thisHost(),
              w.backend(),
              (audit != null
                  ? Attribution.AUDIT
                  : w.backend().equals("fanotify") ? Attribution.PROC : Attribution.NONE),
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
      AuditStart.closeQuietly(audit);
      opened.source().close();
      throw e;
    }
    w.coalescer.reconcile(
        state.seedOnly() ? "recording the initial state" : "changes while fim was not watching");
    w.sourceThread.start();
    w.loop.start();
    // dpkg's file lists (~100k paths) are read off the comparator's thread, so the first change
    // of a packaged file does not wait for them.
    Thread preload = new Thread(w.packages::preload, "fim-packages");
    preload.setDaemon(true);
    preload.start();
    w.heartbeat.start();
    return w;
  }

  /**
   * The database's directory as the kernel names it (symlinks resolved), for the fanotify source to
   * leave fim's own log writes unqueued; none when it cannot be resolved.
   */
  private static List<PathBytes> ownDirectories(Store store) {
    try {
      return List.of(PathBytes.ofUtf8(store.dir().toRealPath().toString()));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * Completes once the first scan is done and changes are reported from then on; dependent actions
   * run on the comparator's thread, so they must be short.
   */
  public java.util.concurrent.CompletionStage<Void> upToDate() {
    return loop.upToDate();
  }

  /** True while the comparator scans (for tests that stop it mid-scan). */
  boolean scanning() {
    return loop.scanning();
  }

  /** The backend in use: {@code fanotify} or {@code inotify}. */
  public String backend() {
    return source.name();
  }

  /** Progress probes issued and come back so far ({@code [0, 0]} without audit). */
  public long[] auditProbes() {
    return counters.auditProbes();
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

  /**
   * A counter that moves while this watcher works: each turn of the comparator's loop (at least one
   * a second when nothing happens), each entry a start-up, reload or overflow scan walks or hashes,
   * each poll while the database is lent. It stands still when the comparator is stuck (a stalled
   * output, a lock, the database). {@link dev.fim.engine.sink.ServiceWatchdog} sends systemd's
   * keep-alive only while it moves. Any thread.
   */
  public long progress() {
    return loop.progress();
  }

  /**
   * Records {@code message} as a watch notice: an {@code overflow} event (the action that asks a
   * reader to look, as audit loss and re-added audit rules are recorded) on {@code path}, with
   * {@code reason} as its attribution reason. From any thread; recorded by the comparator's thread
   * within a turn (at most a second), into the database and every output. A notice handed in after
   * the watcher stopped is not recorded (the caller's stderr line remains).
   */
  public void notice(PathBytes path, String reason, String message) {
    loop.handIn(
        dev.fim.store.ChangeEvent.notice(
            Coalescer.wallClockNs(), path, dev.fim.store.Origin.WATCH, reason, message));
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
    loop.stop(); // first: a scan under way is interrupted
    source.stop();
    coalescer.close(); // also releases a source thread held by back-pressure
  }

  /**
   * Waits until the watcher has stopped (after {@link #stop()} or a failure) and everything
   * received was recorded; closes the source. Rethrows a failure of either thread.
   */
  public void await() throws Exception {
    Threads.joinQuietly(sourceThread);
    loop.join();
    packages.close();
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

  /**
   * A status snapshot from any thread (SIGUSR1, the periodic status line): counters read without
   * stopping the pipeline, so they may be a few events apart from each other.
   *
   * @param sinceNs when the watch started, on the watcher's {@link Ticker} ({@link
   *     System#nanoTime()} unless a test set another), for the uptime
   * @param reloads configuration reloads applied so far
   * @param earlier the final status of the watcher this one replaced at a reload (or null): its
   *     counters are added, so they count since the watch started
   */
  public WatchStatus status(long sinceNs, long reloads, WatchStatus earlier) {
    return counters.status(sinceNs, reloads, earlier);
  }

  /** The counters now (exact once {@link #await()} returned). */
  public WatchStats stats() {
    return counters.stats();
  }
}
