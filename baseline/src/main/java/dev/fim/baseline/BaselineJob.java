package dev.fim.baseline;

import dev.fim.baseline.diff.TreeDiff;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.RecordWriter;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.seal.Sealer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cron-scan use of fim: {@code init} (scan and seal a new baseline), {@code check} (scan and
 * compare with the sealed baseline) and {@code update} (check, then make what was found the new
 * baseline). Each scan streams into the store's {@code scan} column family and is then
 * merge-joined with {@code baseline}; findings are recorded as change events.
 *
 * <p>One job per store at a time (the store's lock guarantees it across processes). Not
 * thread-safe itself; the scan inside runs on all cores.
 */
public final class BaselineJob {
  static final String META_INIT_TIME = "baseline_time";
  static final String META_CHECK_TIME = "last_check_time";
  /**
   * When the scan that made the baseline started (ns): the start of the interval in which the changes a check
   * finds were made (a file may change during the scan, after it was read). Older stores have only
   * {@link #META_INIT_TIME}, the scan's end.
   */
  static final String META_SCAN_START = "baseline_scan_start";
  /**
   * Audit timestamps come from the kernel's coarse clock, up to a tick (1-10 ms) behind the clock fim reads, and are
   * logged in whole milliseconds: the attribution interval starts this much before the baseline scan.
   */
  static final long CLOCK_SLACK_NS = 50_000_000L;
  /**
   * "writing" while the baseline column family is being replaced (not one atomic write for 100k
   * records), "sealed" after: an init or update killed in between is named as such by the next
   * check instead of looking like tampering.
   */
  static final String META_BASELINE_STATE = "baseline_state";
  /** Atomic flush every this many events, so a huge change set is not one giant batch. */
  private static final int EVENT_BATCH = 1000;

  /**
   * What a job needs.
   *
   * @param store        the open store
   * @param selector     which paths, with which attributes
   * @param sealer       seals and verifies the baseline
   * @param configDigest digest of the config in force (sealed with the baseline)
   * @param threads      scan threads, 0 = all cores
   * @param scope        the trees named on the command line, or empty for the whole selection
   * @param observer     told when the scan starts (for a progress line); may be null
   * @param attributor   who made the changes a check or update finds; null: nobody is asked (attribution "none")
   */
  public record Settings(Store store, Selector selector, Sealer sealer, byte[] configDigest, int threads,
      List<PathBytes> scope, Consumer<Scanner> observer, ChangeAttributor attributor) {
    public Settings {
      scope = minimalRoots(scope == null ? List.of() : scope);
    }

    /** Without an attributor. */
    public Settings(Store store, Selector selector, Sealer sealer, byte[] configDigest, int threads,
        List<PathBytes> scope, Consumer<Scanner> observer) {
      this(store, selector, sealer, configDigest, threads, scope, observer, null);
    }

    public Settings withAttributor(ChangeAttributor a) {
      return new Settings(store, selector, sealer, configDigest, threads, scope, observer, a);
    }
  }

  /** The outcome of a scan and comparison. */
  public record Result(long startNs, long endNs, ScanSummary scan, int added, int removed, int changed,
      List<ScanProblem> problems, long eventTimeNs, long firstSequence, long lastSequence,
      boolean configChanged) {

    /**
     * AIDE's exit bitmask: 1 added, 2 removed, 4 changed, and fim's 8: some entries could not be
     * checked ({@link ScanProblem#unchecked()}), so "nothing differs" is not known for them; 0 when
     * nothing differs and everything was checked.
     */
    public int exitBits() {
      return (added > 0 ? 1 : 0) | (removed > 0 ? 2 : 0) | (changed > 0 ? 4 : 0) | (unchecked() > 0 ? 8 : 0);
    }

    /** The problems of entries that could not be checked (exit bit 8). */
    public long unchecked() {
      return problems.stream().filter(ScanProblem::unchecked).count();
    }

    public int total() {
      return added + removed + changed;
    }
  }

  private final Settings settings;

  public BaselineJob(Settings settings) {
    this.settings = settings;
  }

  /** The roots this job scans (the selection's, or the scope's). */
  public List<PathBytes> roots() {
    return settings.selector().roots();
  }

  /**
   * Scans the selection and stores it as the sealed baseline (replacing any earlier one, or the
   * part of it below the scope's paths). Records go straight into {@code baseline} and the
   * inode index in one pass, without the write-ahead log; the store is
   * flushed before the seal is written, so a crash leaves "writing" behind, never a sealed
   * partial baseline.
   */
  public Result init() throws StoreException, InterruptedException {
    long start = System.currentTimeMillis() * 1_000_000L;
    Store store = settings.store();
    store.putMeta(META_BASELINE_STATE, "writing");
    ScanOutcome scan;
    if (settings.scope().isEmpty()) {
      store.clear(Column.BASELINE);
      store.clear(Column.INODES);
      scan = scanInto(store.newBulkWriter(Column.BASELINE, Column.INODES));
    } else {
      deleteWithin(Column.BASELINE);
      scan = scanInto(store.newBulkWriter(Column.BASELINE));
      rebuildInodeIndex();
    }
    seal(store);
    long end = System.currentTimeMillis() * 1_000_000L;
    recordScanStart(start);
    store.putMeta(META_INIT_TIME, Long.toString(end));
    store.sync();
    return new Result(start, end, scan.summary, 0, 0, 0, scan.problems, 0, 0, 0, false);
  }

  /** Verifies the seal, scans, and reports what differs from the baseline, recording each finding. */
  public Result check() throws StoreException, SealException, InterruptedException {
    return compare("check");
  }

  /** {@link #check()}, then makes the scanned state the new sealed baseline. */
  public Result update() throws StoreException, SealException, InterruptedException {
    return rebaseline(compare("update"));
  }

  /**
   * {@code fim accept}'s re-baseline: as {@link #update()} (over the scope, which accept always sets to the accepted
   * paths), with the differences found recorded as origin {@code accept}: what the baseline takes in is on record
   * even when no earlier check or watch saw it.
   */
  public Result accept() throws StoreException, SealException, InterruptedException {
    return rebaseline(compare("accept"));
  }

  /**
   * Records when the baseline's scan started (where --audit-log starts looking). A scoped init, update or accept
   * re-baselines only its paths: the others keep their older baseline, so an earlier start is kept.
   */
  private void recordScanStart(long startNs) throws StoreException {
    Store store = settings.store();
    if (settings.scope().isEmpty()) {
      store.putMeta(META_SCAN_START, Long.toString(startNs));
    } else if (store.getMetaString(META_SCAN_START) == null) {
      // a database from before this value: the last baseline's end is the best older bound there is
      String older = store.getMetaString(META_INIT_TIME);
      store.putMeta(META_SCAN_START, older != null ? older : Long.toString(startNs));
    }
  }

  /** Makes the scan that {@code r} compared the new sealed baseline (within the scope, if one is set). */
  private Result rebaseline(Result r) throws StoreException {
    Store store = settings.store();
    store.putMeta(META_BASELINE_STATE, "writing");
    if (settings.scope().isEmpty()) {
      store.replaceAll(Column.SCAN, Column.BASELINE);
    } else {
      deleteWithin(Column.BASELINE);
      copyWithin(Column.SCAN, store.newBulkWriter(Column.BASELINE));
    }
    rebuildInodeIndex();
    seal(store);
    recordScanStart(r.startNs());
    store.putMeta(META_INIT_TIME, Long.toString(r.endNs()));
    store.clear(Column.SCAN);
    store.sync();
    return r;
  }

  /**
   * Flushes the bulk writes, then stores the seal: the seal never covers records a crash could
   * lose. The seal is computed meanwhile: it reads the same records (no writer is left), from the
   * memtables being flushed or the table files they become, and is only stored once the flush
   * has returned.
   */
  private void seal(Store store) throws StoreException {
    java.util.concurrent.CompletableFuture<Void> flushed = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        store.flush();
      } catch (StoreException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    byte[] mac;
    try {
      mac = settings.sealer().compute(store, settings.configDigest());
    } finally {
      awaitFlush(flushed); // a failed flush wins over a failed computation, as when they ran in turn
    }
    settings.sealer().store(store, settings.configDigest(), mac);
    store.putMeta(META_BASELINE_STATE, "sealed");
  }

  private static void awaitFlush(java.util.concurrent.CompletableFuture<Void> flushed) throws StoreException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          flushed.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the flush cannot be abandoned half-way: wait for it
        }
      }
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
      if (c instanceof StoreException st) {
        throw st;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("flush failed unexpectedly", c);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Result compare(String origin) throws StoreException, SealException, InterruptedException {
    long start = System.currentTimeMillis() * 1_000_000L;
    Store store = settings.store();
    if (!store.hasAny(Column.BASELINE) && store.getMeta("seal") == null) {
      throw new StoreException(StoreException.Reason.MISSING, "database " + store.dir()
          + " holds no baseline; create it first with: fim init");
    }
    if ("writing".equals(store.getMetaString(META_BASELINE_STATE))) {
      throw new SealException("database " + store.dir() + ": the last fim init or update was interrupted"
          + " while writing the baseline, so it is incomplete; run fim init again");
    }
    byte[] sealedConfig = Sealer.sealedConfigDigest(store);
    boolean configChanged = sealedConfig != null && !java.util.Arrays.equals(sealedConfig, settings.configDigest());

    // Verify the seal before trusting any record (DESIGN.md). It is one read pass over the
    // baseline, so it runs beside the scan (which only writes the scan column) and is joined
    // before the first baseline record is compared.
    store.clear(Column.SCAN);
    java.util.concurrent.CompletableFuture<Void> verified = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        settings.sealer().verify(store);
      } catch (StoreException | SealException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    ScanOutcome scan;
    try {
      scan = scanInto(store.newBulkWriter(Column.SCAN));
    } finally {
      awaitVerification(verified);
    }
    long eventTime = System.currentTimeMillis() * 1_000_000L;
    EventLog log = new EventLog(store);
    List<PathBytes> unknown = new ArrayList<>();
    for (ScanProblem p : scan.problems) {
      if (p.kind() == ScanProblem.Kind.UNREADABLE_DIRECTORY) {
        unknown.add(p.path());
      }
    }
    Map<PathBytes, ChangeAttributor.Who> who = attribute(store, unknown, eventTime);
    int[] counts = new int[3];
    long[] seq = {0, 0};
    List<ChangeEvent> pending = new ArrayList<>(EVENT_BATCH);
    String reason = "fim " + origin + " compares states; it does not observe writers";
    new TreeDiff(store, settings.scope(), unknown).run(Column.BASELINE, Column.SCAN, f -> {
      switch (f.action()) {
        case CREATED -> counts[0]++;
        case DELETED -> counts[1]++;
        default -> counts[2]++;
      }
      ChangeAttributor.Who w = who.get(f.path());
      pending.add(new ChangeEvent(eventTime, 0, f.action(), f.path(), null, f.after(), f.before(),
          f.difference() == null ? List.of() : f.difference().changes(), origin,
          w == null ? "none" : w.attribution(), w == null ? reason : w.reason(), null, w == null ? null : w.actor()));
      if (pending.size() >= EVENT_BATCH) {
        flushEvents(log, pending, seq);
      }
    });
    flushEvents(log, pending, seq);
    long end = System.currentTimeMillis() * 1_000_000L;
    store.putMeta(META_CHECK_TIME, Long.toString(end));
    if ("check".equals(origin)) {
      store.clear(Column.SCAN);
    }
    return new Result(start, end, scan.summary, counts[0], counts[1], counts[2], scan.problems,
        eventTime, seq[0], seq[1], configChanged);
  }

  /**
   * With an attributor: a first pass of the comparison (a merge-join, cheap beside the scan) collects the paths it
   * will record, and the attributor is asked once for all of them, so that each event is recorded once, with its
   * attribution. The interval starts at the baseline scan's start, less {@link #CLOCK_SLACK_NS}.
   */
  private Map<PathBytes, ChangeAttributor.Who> attribute(Store store, List<PathBytes> unknown, long untilNs)
      throws StoreException {
    if (settings.attributor() == null) {
      return Map.of();
    }
    Set<PathBytes> paths = new HashSet<>();
    new TreeDiff(store, settings.scope(), unknown).run(Column.BASELINE, Column.SCAN, f -> paths.add(f.path()));
    if (paths.isEmpty()) {
      return Map.of();
    }
    String start = store.getMetaString(META_SCAN_START);
    if (start == null) {
      start = store.getMetaString(META_INIT_TIME);
    }
    long fromNs = start == null ? 0 : Long.parseLong(start) - CLOCK_SLACK_NS;
    Map<PathBytes, ChangeAttributor.Who> who = settings.attributor().attribute(Set.copyOf(paths), fromNs, untilNs);
    return who == null ? Map.of() : who;
  }

  private static void flushEvents(EventLog log, List<ChangeEvent> pending, long[] seq) throws StoreException {
    if (pending.isEmpty()) {
      return;
    }
    List<ChangeEvent> stored = log.append(pending);
    if (seq[0] == 0) {
      seq[0] = stored.get(0).sequence();
    }
    seq[1] = stored.get(stored.size() - 1).sequence();
    pending.clear();
  }

  private record ScanOutcome(ScanSummary summary, List<ScanProblem> problems) {}

  /** Scans the selection (restricted to the scope) through {@code writer}, then closes it. */
  private ScanOutcome scanInto(RecordWriter writer) throws StoreException, InterruptedException {
    Scanner scanner = new Scanner(ScanSettings.defaults().withThreads(settings.threads()));
    if (settings.observer() != null) {
      settings.observer().accept(scanner);
    }
    List<ScanProblem> problems = Collections.synchronizedList(new ArrayList<>());
    ScanSummary summary = ScanIntoStore.scan(scanner, settings.selector(), writer, problems::add);
    List<ScanProblem> sorted = new ArrayList<>(problems);
    sorted.sort((a, b) -> a.path().compareTo(b.path()));
    return new ScanOutcome(summary, sorted);
  }

  /** Deletes, under each scope root, every entry of the given columns. */
  private void deleteWithin(Column... columns) throws StoreException {
    Store store = settings.store();
    for (Column column : columns) {
      try (RecordWriter w = store.newBulkWriter(column)) {
        for (PathBytes root : settings.scope()) {
          try (RecordCursor c = store.cursor(column, root)) {
            while (c.next()) {
              w.delete(c.path());
            }
          }
        }
      }
    }
  }

  /** Copies the entries of {@code from} under each scope root through {@code writer}, then closes it. */
  private void copyWithin(Column from, RecordWriter writer) throws StoreException {
    try (writer) {
      for (PathBytes root : settings.scope()) {
        try (RecordCursor c = settings.store().cursor(from, root)) {
          while (c.next()) {
            writer.putRaw(c.path().toBytes(), c.rawValue());
          }
        }
      }
    }
  }

  private static void awaitVerification(java.util.concurrent.CompletableFuture<Void> verified)
      throws StoreException, SealException, InterruptedException {
    try {
      verified.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
      if (c instanceof SealException se) {
        throw se;
      }
      if (c instanceof StoreException st) {
        throw st;
      }
      throw new IllegalStateException("seal verification failed unexpectedly", c);
    }
  }

  /** dev+ino → path for every baseline object (the watcher resolves deleted objects with it). */
  private void rebuildInodeIndex() throws StoreException {
    Store store = settings.store();
    store.clear(Column.INODES);
    try (RecordWriter w = store.newBulkWriter(Column.INODES); RecordCursor c = store.cursor(Column.BASELINE)) {
      while (c.next()) {
        w.put(c.path(), c.record());
      }
    }
  }

  /** Drops roots that lie under another root, so no path is scanned or compared twice. */
  static List<PathBytes> minimalRoots(List<PathBytes> roots) {
    List<PathBytes> sorted = new ArrayList<>(roots);
    Collections.sort(sorted);
    List<PathBytes> out = new ArrayList<>();
    for (PathBytes p : sorted) {
      boolean covered = false;
      for (PathBytes o : out) {
        if (p.isUnder(o)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

}
