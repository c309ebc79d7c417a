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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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
   */
  public record Settings(Store store, Selector selector, Sealer sealer, byte[] configDigest, int threads,
      List<PathBytes> scope, Consumer<Scanner> observer) {
    public Settings {
      scope = minimalRoots(scope == null ? List.of() : scope);
    }
  }

  /** The outcome of a scan and comparison. */
  public record Result(long startNs, long endNs, ScanSummary scan, int added, int removed, int changed,
      List<ScanProblem> problems, long eventTimeNs, long firstSequence, long lastSequence,
      boolean configChanged) {

    /** AIDE's exit bitmask: 1 added, 2 removed, 4 changed; 0 when nothing differs. */
    public int exitBits() {
      return (added > 0 ? 1 : 0) | (removed > 0 ? 2 : 0) | (changed > 0 ? 4 : 0);
    }

    public int total() {
      return added + removed + changed;
    }
  }

  private final Settings settings;

  public BaselineJob(Settings settings) {
    this.settings = settings;
  }

  /** Scans the selection and stores it as the sealed baseline (replacing any earlier one). */
  public Result init() throws StoreException, InterruptedException {
    long start = System.currentTimeMillis() * 1_000_000L;
    Store store = settings.store();
    ScanOutcome scan = scanIntoScanColumn();
    if (settings.scope().isEmpty()) {
      store.replaceAll(Column.SCAN, Column.BASELINE);
      store.replaceAll(Column.SCAN, Column.CURRENT);
    } else {
      replaceWithin(Column.SCAN, Column.BASELINE);
      replaceWithin(Column.SCAN, Column.CURRENT);
    }
    rebuildInodeIndex();
    settings.sealer().seal(store, settings.configDigest());
    long end = System.currentTimeMillis() * 1_000_000L;
    store.putMeta(META_INIT_TIME, Long.toString(end));
    store.clear(Column.SCAN);
    store.sync();
    return new Result(start, end, scan.summary, 0, 0, 0, scan.problems, 0, 0, 0, false);
  }

  /** Verifies the seal, scans, and reports what differs from the baseline, recording each finding. */
  public Result check() throws StoreException, SealException, InterruptedException {
    return compare("check");
  }

  /** {@link #check()}, then makes the scanned state the new sealed baseline. */
  public Result update() throws StoreException, SealException, InterruptedException {
    Result r = compare("update");
    Store store = settings.store();
    if (settings.scope().isEmpty()) {
      store.replaceAll(Column.SCAN, Column.BASELINE);
    } else {
      replaceWithin(Column.SCAN, Column.BASELINE);
    }
    rebuildInodeIndex();
    settings.sealer().seal(store, settings.configDigest());
    store.putMeta(META_INIT_TIME, Long.toString(r.endNs()));
    store.clear(Column.SCAN);
    store.sync();
    return r;
  }

  private Result compare(String origin) throws StoreException, SealException, InterruptedException {
    long start = System.currentTimeMillis() * 1_000_000L;
    Store store = settings.store();
    if (!store.hasAny(Column.BASELINE) && store.getMeta("seal") == null) {
      throw new StoreException(StoreException.Reason.MISSING, "database " + store.dir()
          + " holds no baseline; create it first with: fim init");
    }
    // Verify before trusting any record (DESIGN.md: the seal).
    settings.sealer().verify(store);
    byte[] sealedConfig = Sealer.sealedConfigDigest(store);
    boolean configChanged = sealedConfig != null && !java.util.Arrays.equals(sealedConfig, settings.configDigest());

    ScanOutcome scan = scanIntoScanColumn();
    long eventTime = System.currentTimeMillis() * 1_000_000L;
    EventLog log = new EventLog(store);
    List<PathBytes> unknown = new ArrayList<>();
    for (ScanProblem p : scan.problems) {
      if (p.kind() == ScanProblem.Kind.UNREADABLE_DIRECTORY) {
        unknown.add(p.path());
      }
    }
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
      pending.add(new ChangeEvent(eventTime, 0, f.action(), f.path(), null, f.after(), f.before(),
          f.difference() == null ? List.of() : f.difference().changes(), origin, "none", reason));
      if (pending.size() >= EVENT_BATCH) {
        flushEvents(log, pending, seq);
      }
    });
    flushEvents(log, pending, seq);
    if (settings.scope().isEmpty()) {
      store.replaceAll(Column.SCAN, Column.CURRENT);
    } else {
      replaceWithin(Column.SCAN, Column.CURRENT);
    }
    long end = System.currentTimeMillis() * 1_000_000L;
    store.putMeta(META_CHECK_TIME, Long.toString(end));
    if (!"update".equals(origin)) {
      store.clear(Column.SCAN);
    }
    return new Result(start, end, scan.summary, counts[0], counts[1], counts[2], scan.problems,
        eventTime, seq[0], seq[1], configChanged);
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

  /** Scans the selection (restricted to the scope) into the cleared {@code scan} column family. */
  private ScanOutcome scanIntoScanColumn() throws StoreException, InterruptedException {
    Store store = settings.store();
    store.clear(Column.SCAN);
    Scanner scanner = new Scanner(ScanSettings.defaults().withThreads(settings.threads()));
    if (settings.observer() != null) {
      settings.observer().accept(scanner);
    }
    List<ScanProblem> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<StoreException> failure = new AtomicReference<>();
    ScanSummary summary;
    try (RecordWriter writer = store.newWriter(Column.SCAN)) {
      summary = scanner.scan(settings.selector(), new ScanSink() {
        @Override
        public void record(PathBytes path, FileRecord record) {
          if (failure.get() != null) {
            return;
          }
          try {
            writer.put(path, record);
          } catch (StoreException e) {
            failure.compareAndSet(null, e); // e.g. disk full: fail the job, after the walk stops
            scanner.cancel();
          }
        }

        @Override
        public void problem(ScanProblem p) {
          problems.add(p);
        }
      });
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    List<ScanProblem> sorted = new ArrayList<>(problems);
    sorted.sort((a, b) -> a.path().compareTo(b.path()));
    return new ScanOutcome(summary, sorted);
  }

  /** Replaces, under each scope root only, the entries of {@code to} with those of {@code from}. */
  private void replaceWithin(Column from, Column to) throws StoreException {
    Store store = settings.store();
    try (RecordWriter w = store.newWriter(to)) {
      for (PathBytes root : settings.scope()) {
        try (RecordCursor c = store.cursor(to, root)) {
          while (c.next()) {
            w.delete(c.path());
          }
        }
      }
      w.flush();
      for (PathBytes root : settings.scope()) {
        try (RecordCursor c = store.cursor(from, root)) {
          while (c.next()) {
            w.putRaw(c.path().toBytes(), c.rawValue());
          }
        }
      }
    }
  }

  /** dev+ino → path for every baseline object (the watcher resolves deleted objects with it). */
  private void rebuildInodeIndex() throws StoreException {
    Store store = settings.store();
    store.clear(Column.INODES);
    try (RecordWriter w = store.newWriter(Column.INODES); RecordCursor c = store.cursor(Column.BASELINE)) {
      while (c.next()) {
        FileRecord r = c.record();
        w.putRaw(ByteBuffer.allocate(16).putLong(r.dev()).putLong(r.ino()).array(), c.path().toBytes());
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
