package dev.fim.baseline;

import dev.fim.baseline.diff.TreeDiff;
import dev.fim.baseline.pkg.PackageDatabase;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.Origin;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.RecordWriter;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.seal.Sealer;
import java.security.MessageDigest;
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
 * baseline). Each scan streams into the store's {@code scan} column family and is then merge-joined
 * with {@code baseline}; findings are recorded as change events.
 *
 * <p>One job per store at a time (the store's lock guarantees it across processes). Not thread-safe
 * itself; the scan inside runs on all cores.
 */
public final class BaselineJob {
  static final String META_INIT_TIME = "baseline_time";
  static final String META_CHECK_TIME = "last_check_time";

  /**
   * When the last check or update of this store ended (ns since the epoch), or null when none ran
   * since the database was made ({@code fim doctor}'s "time since the last check").
   */
  public static Long lastCheckNs(Store store) throws StoreException {
    return nanos(store.getMetaString(META_CHECK_TIME));
  }

  /** When the baseline was last sealed (init, update, accept; ns since the epoch), or null. */
  public static Long baselineNs(Store store) throws StoreException {
    return nanos(store.getMetaString(META_INIT_TIME));
  }

  private static Long nanos(String v) {
    try {
      return v == null ? null : Long.valueOf(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * When the scan that made the baseline started (ns): the start of the interval in which the
   * changes a check finds were made (a file may change during the scan, after it was read). Older
   * stores have only {@link #META_INIT_TIME}, the scan's end.
   */
  static final String META_SCAN_START = "baseline_scan_start";

  /**
   * Audit timestamps come from the kernel's coarse clock, up to a tick (1-10 ms) behind the clock
   * fim reads, and are logged in whole milliseconds: the attribution interval starts this much
   * before the baseline scan.
   */
  static final long CLOCK_SLACK_NS = 50_000_000L;

  /**
   * "sealed" when the baseline column family holds the sealed baseline; "switching" from the moment
   * a complete new baseline, built and sealed in {@code scan}, is committed to replace it until it
   * has (an interrupted switch is finished by the next command, after verifying the new baseline's
   * seal); "writing" while an init fills a database that has no sealed baseline ({@link
   * #initFresh}), and in databases of an older fim that wrote every baseline in place. That marker
   * alone is not trusted either way: anyone who can write the database can set it, and
   * "interrupted, run fim init again" would have an administrator bless a tampered disk. The seal
   * decides; when it does not verify, the message names the interrupted init as the likely cause.
   */
  static final String META_BASELINE_STATE = "baseline_state";

  /**
   * While "switching": the seal, config digest and times of the baseline waiting in {@code scan}.
   */
  static final String META_NEXT_SEAL = "next_seal";

  static final String META_NEXT_CONFIG = "next_config_digest";
  static final String META_NEXT_SCAN_START = "next_baseline_scan_start";
  static final String META_NEXT_INIT_TIME = "next_baseline_time";

  /** Atomic flush every this many events, so a huge change set is not one giant batch. */
  private static final int EVENT_BATCH = 1000;

  /**
   * What a job needs.
   *
   * @param store the open store
   * @param selector which paths, with which attributes
   * @param sealer seals and verifies the baseline
   * @param configDigest digest of the config in force (sealed with the baseline)
   * @param threads scan threads, 0 = all cores
   * @param scope the trees named on the command line, or empty for the whole selection
   * @param observer told when the scan starts (for a progress line); may be null
   * @param attributor who made the changes a check or update finds; null: nobody is asked
   *     (attribution "none")
   * @param packages the package database asked about each finding (its package, and for a file that
   *     exists whether its content is the package's); null: none is asked
   */
  public record Settings(
      Store store,
      Selector selector,
      Sealer sealer,
      byte[] configDigest,
      int threads,
      List<PathBytes> scope,
      Consumer<Scanner> observer,
      ChangeAttributor attributor,
      PackageDatabase packages) {
    public Settings {
      scope = minimalRoots(scope == null ? List.of() : scope);
    }

    /** Without an attributor. */
    public Settings(
        Store store,
        Selector selector,
        Sealer sealer,
        byte[] configDigest,
        int threads,
        List<PathBytes> scope,
        Consumer<Scanner> observer) {
      this(store, selector, sealer, configDigest, threads, scope, observer, null, null);
    }

    /** Without a package database. */
    public Settings(
        Store store,
        Selector selector,
        Sealer sealer,
        byte[] configDigest,
        int threads,
        List<PathBytes> scope,
        Consumer<Scanner> observer,
        ChangeAttributor attributor) {
      this(store, selector, sealer, configDigest, threads, scope, observer, attributor, null);
    }

    public Settings withAttributor(ChangeAttributor a) {
      return new Settings(
          store, selector, sealer, configDigest, threads, scope, observer, a, packages);
    }

    public Settings withPackages(PackageDatabase p) {
      return new Settings(
          store, selector, sealer, configDigest, threads, scope, observer, attributor, p);
    }
  }

  /** The outcome of a scan and comparison. */
  public record Result(
      long startNs,
      long endNs,
      ScanSummary scan,
      int added,
      int removed,
      int changed,
      List<ScanProblem> problems,
      long eventTimeNs,
      long firstSequence,
      long lastSequence,
      boolean configChanged) {

    /**
     * AIDE's exit bitmask: 1 added, 2 removed, 4 changed, and fim's 8: some entries could not be
     * checked ({@link ScanProblem#unchecked()}), so "nothing differs" is not known for them; 0 when
     * nothing differs and everything was checked.
     */
    public int exitBits() {
      return (added > 0 ? 1 : 0)
          | (removed > 0 ? 2 : 0)
          | (changed > 0 ? 4 : 0)
          | (unchecked() > 0 ? 8 : 0);
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
   * Scans the selection and makes it the sealed baseline (replacing any earlier one, or the part of
   * it below the scope's paths). The new baseline is built and sealed beside the old one, in {@code
   * scan}, and replaces it only then ({@link #switchTo}): an init interrupted or killed before
   * leaves the old baseline as it was, one killed after is finished by the next command.
   *
   * <p>With a scope, the records outside it are kept, so they are verified first: a record grafted
   * into the baseline outside fim must not be sealed by a routine {@code fim init PATH} (issue 12).
   *
   * @throws SealException with a scope, when the baseline that would be kept does not verify
   *     (nothing is written)
   */
  public Result init() throws StoreException, SealException, InterruptedException {
    long start = System.currentTimeMillis() * 1_000_000L;
    Store store = settings.store();
    if (settings.scope().isEmpty()) {
      try {
        finishSwitch();
      } catch (SealException e) {
        // The baseline waiting in scan does not verify: a whole new baseline replaces everything
        // (the documented
        // way back); it is committed only once complete and sealed, as always.
      }
    } else {
      finishSwitch();
      verifyKept();
    }
    if (store.getMeta(Sealer.META_SEAL) == null) {
      // Nothing sealed to keep (with a scope, verifyKept has seen that the baseline is empty).
      return initFresh(start);
    }
    store.clear(Column.SCAN);
    ScanOutcome scan = scanInto(store.newBulkWriter(Column.SCAN));
    long end = System.currentTimeMillis() * 1_000_000L;
    switchTo(start, end);
    return new Result(start, end, scan.summary, 0, 0, 0, scan.problems, 0, 0, 0, false);
  }

  /**
   * An init of a database without a sealed baseline: there is nothing to keep, so the records go
   * straight into {@code baseline} and its inode index, in the scan's own write batches (without
   * the write-ahead log), instead of into {@code scan} to be copied and indexed afterwards (a
   * second pass over every record, on one core, after the scan).
   *
   * <p>The seal is what marks the baseline complete: a synced "writing" marker goes first, and the
   * seal, committed after the records are flushed, goes last. An init killed in between leaves
   * records without a seal, which check and watch refuse ("interrupted while writing the
   * baseline"); the next init starts again here.
   */
  private Result initFresh(long start) throws StoreException, InterruptedException {
    Store store = settings.store();
    Map<String, byte[]> begin = new java.util.HashMap<>();
    begin.put(META_BASELINE_STATE, ascii("writing"));
    begin.put(Sealer.META_CONFIG_DIGEST, null);
    begin.put(META_NEXT_SEAL, null);
    begin.put(META_NEXT_CONFIG, null);
    begin.put(META_NEXT_SCAN_START, null);
    begin.put(META_NEXT_INIT_TIME, null);
    store.putMetaAtomically(begin);
    store.clear(Column.SCAN);
    store.clear(Column.BASELINE);
    store.clear(Column.INODES);
    ScanOutcome scan = scanInto(store.newBulkWriter(Column.BASELINE, Column.INODES));
    long end = System.currentTimeMillis() * 1_000_000L;
    byte[] mac = sealFlushed(store, Column.BASELINE);
    Map<String, byte[]> done = new java.util.HashMap<>();
    done.put(Sealer.META_SEAL, mac);
    done.put(Sealer.META_CONFIG_DIGEST, settings.configDigest());
    done.put(META_SCAN_START, ascii(Long.toString(start)));
    done.put(META_INIT_TIME, ascii(Long.toString(end)));
    done.put(META_BASELINE_STATE, ascii("sealed"));
    store.putMetaAtomically(done);
    return new Result(start, end, scan.summary, 0, 0, 0, scan.problems, 0, 0, 0, false);
  }

  /**
   * Verifies the baseline that a scoped init keeps outside its scope. An empty database has nothing
   * to keep. One whose baseline an older fim left half-written cannot be verified: only a whole
   * init repairs it.
   */
  private void verifyKept() throws StoreException, SealException {
    Store store = settings.store();
    if (!store.hasAny(Column.BASELINE) && store.getMeta(Sealer.META_SEAL) == null) {
      return;
    }
    verifySeal(store);
  }

  /**
   * For {@code fim watch}, which compares with the baseline when it has no state of its own:
   * finishes a switch that a killed fim left half-done (refusing one whose waiting baseline does
   * not verify), as every baseline command does, and when {@code seeding} (the watch is about to
   * copy the baseline into {@code current}) verifies the baseline's seal: the watch must not
   * compare with records nobody verified (a grafted record would hide the change it forged). A
   * database with neither a baseline nor a seal has nothing to verify.
   *
   * @throws SealException the baseline (or the one waiting to replace it) does not verify; nothing
   *     was copied
   */
  public void prepareWatch(boolean seeding) throws StoreException, SealException {
    Store store = settings.store();
    finishSwitch();
    if (seeding && (store.hasAny(Column.BASELINE) || store.getMeta(Sealer.META_SEAL) != null)) {
      verifySeal(store);
    }
  }

  /** {@link Sealer#verify}, naming an older fim's interrupted init when its marker is there. */
  private void verifySeal(Store store) throws StoreException, SealException {
    try {
      settings.sealer().verify(store);
    } catch (SealException e) {
      if ("writing".equals(store.getMetaString(META_BASELINE_STATE))) {
        throw new SealException(
            "database "
                + store.dir()
                + ": the last fim init or update was interrupted"
                + " while writing the baseline (or the baseline was altered outside fim), so it is incomplete and its"
                + " seal does not verify; check the host, then run fim init (without paths) again",
            e);
      }
      throw e;
    }
  }

  /**
   * Verifies the seal, scans, and reports what differs from the baseline, recording each finding.
   */
  public Result check() throws StoreException, SealException, InterruptedException {
    return compare(Origin.CHECK);
  }

  /** {@link #check()}, then makes the scanned state the new sealed baseline. */
  public Result update() throws StoreException, SealException, InterruptedException {
    return rebaseline(compare(Origin.UPDATE));
  }

  /**
   * {@code fim accept}'s re-baseline: as {@link #update()} (over the scope, which accept always
   * sets to the accepted paths), with the differences found recorded as origin {@code accept}: what
   * the baseline takes in is on record even when no earlier check or watch saw it.
   */
  public Result accept() throws StoreException, SealException, InterruptedException {
    return rebaseline(compare(Origin.ACCEPT));
  }

  /**
   * When the new baseline's scan started (where --audit-log starts looking). A scoped init, update
   * or accept re-baselines only its paths: the others keep their older baseline, so an earlier
   * start is kept.
   */
  private long scanStartToRecord(long startNs) throws StoreException {
    Store store = settings.store();
    if (settings.scope().isEmpty()) {
      return startNs;
    }
    String older = store.getMetaString(META_SCAN_START);
    if (older == null) {
      // a database from before this value: the last baseline's end is the best older bound there is
      older = store.getMetaString(META_INIT_TIME);
    }
    return older != null ? Long.parseLong(older) : startNs;
  }

  /**
   * Makes the scan that {@code r} compared the new sealed baseline (within the scope, if one is
   * set).
   */
  private Result rebaseline(Result r) throws StoreException {
    switchTo(r.startNs(), r.endNs());
    return r;
  }

  /**
   * Makes {@code scan}, which holds the new records (within the scope, if one is set), the sealed
   * baseline. With a scope the verified baseline's records outside it are added to {@code scan}
   * first, so that it holds the whole next baseline. Then {@code scan} is flushed and sealed, and
   * the commit point is one synced write of its seal with the state "switching"; until then the old
   * baseline is untouched. {@link #applySwitch} then copies it.
   */
  private void switchTo(long startNs, long endNs) throws StoreException {
    Store store = settings.store();
    if (!settings.scope().isEmpty()) {
      // What the scan found outside the scope (none, normally) is not taken in; the verified
      // records there are.
      try (RecordWriter w = store.newBulkWriter(Column.SCAN);
          RecordCursor c = store.cursor(Column.SCAN)) {
        while (c.next()) {
          if (!inScope(c.path())) {
            w.delete(c.path());
          }
        }
      }
      try (RecordWriter w = store.newBulkWriter(Column.SCAN);
          RecordCursor c = store.cursor(Column.BASELINE)) {
        while (c.next()) {
          if (!inScope(c.path())) {
            w.putRaw(c.path().toBytes(), c.rawValue());
          }
        }
      }
    }
    byte[] mac = sealFlushed(store, Column.SCAN);
    Map<String, byte[]> commit = new java.util.HashMap<>();
    commit.put(META_NEXT_SEAL, mac);
    commit.put(META_NEXT_CONFIG, settings.configDigest());
    commit.put(META_NEXT_SCAN_START, ascii(Long.toString(scanStartToRecord(startNs))));
    commit.put(META_NEXT_INIT_TIME, ascii(Long.toString(endNs)));
    commit.put(META_BASELINE_STATE, ascii("switching"));
    store.putMetaAtomically(commit);
    applySwitch(mac, settings.configDigest());
  }

  /**
   * Finishes a switch that a killed fim left half-done ("switching"): the baseline waiting in
   * {@code scan} is verified against the seal committed with it, then copied. Nothing to do in any
   * other state.
   *
   * @throws SealException when the waiting baseline does not verify (changed outside fim, or
   *     another key)
   */
  private void finishSwitch() throws StoreException, SealException {
    Store store = settings.store();
    if (!"switching".equals(store.getMetaString(META_BASELINE_STATE))) {
      return;
    }
    byte[] next = store.getMeta(META_NEXT_SEAL);
    byte[] config = store.getMeta(META_NEXT_CONFIG);
    if (next == null
        || config == null
        || !MessageDigest.isEqual(next, settings.sealer().compute(store, Column.SCAN, config))) {
      throw new SealException(
          "database "
              + store.dir()
              + ": a fim init or update was killed while it replaced the"
              + " baseline, and the new baseline it left to finish the job does not verify (changed outside fim, or "
              + "another key); do not trust this database: run fim init after checking the host");
    }
    applySwitch(next, config);
  }

  /**
   * Copies the sealed next baseline from {@code scan}, then commits its seal: redone whole after a
   * crash.
   */
  private void applySwitch(byte[] mac, byte[] configDigest) throws StoreException {
    Store store = settings.store();
    store.replaceAll(Column.SCAN, Column.BASELINE);
    rebuildInodeIndex();
    store.flush();
    Map<String, byte[]> done = new java.util.HashMap<>();
    done.put(Sealer.META_SEAL, mac);
    done.put(Sealer.META_CONFIG_DIGEST, configDigest);
    done.put(META_SCAN_START, store.getMeta(META_NEXT_SCAN_START));
    done.put(META_INIT_TIME, store.getMeta(META_NEXT_INIT_TIME));
    done.put(META_BASELINE_STATE, ascii("sealed"));
    done.put(META_NEXT_SEAL, null);
    done.put(META_NEXT_CONFIG, null);
    done.put(META_NEXT_SCAN_START, null);
    done.put(META_NEXT_INIT_TIME, null);
    store.putMetaAtomically(done);
    store.clear(Column.SCAN);
  }

  private boolean inScope(PathBytes p) {
    for (PathBytes root : settings.scope()) {
      if (p.isUnder(root)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Flushes the bulk writes of {@code column} and returns its seal: the seal never covers records a
   * crash could lose. The seal is computed meanwhile: it reads the same records (no writer is
   * left), from the memtables being flushed or the table files they become, and is only returned
   * once the flush has returned.
   */
  private byte[] sealFlushed(Store store, Column column) throws StoreException {
    java.util.concurrent.CompletableFuture<Void> flushed =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                store.flush();
              } catch (StoreException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    byte[] mac;
    try {
      mac = settings.sealer().compute(store, column, settings.configDigest());
    } finally {
      awaitFlush(
          flushed); // a failed flush wins over a failed computation, as when they ran in turn
    }
    return mac;
  }

  private static void awaitFlush(java.util.concurrent.CompletableFuture<Void> flushed)
      throws StoreException {
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
      Throwable c = failureOf(e);
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

  private Result compare(Origin origin) throws StoreException, SealException, InterruptedException {
    long start = System.currentTimeMillis() * 1_000_000L;
    Store store = settings.store();
    finishSwitch();
    if (!store.hasAny(Column.BASELINE) && store.getMeta("seal") == null) {
      String why =
          "writing".equals(store.getMetaString(META_BASELINE_STATE))
              ? " holds no baseline: the first fim init was interrupted before it finished;"
                  + " run fim init again"
              : " holds no baseline; create it first with: fim init";
      throw new StoreException(StoreException.Reason.MISSING, "database " + store.dir() + why);
    }
    byte[] sealedConfig = Sealer.sealedConfigDigest(store);
    boolean configChanged =
        sealedConfig != null && !java.util.Arrays.equals(sealedConfig, settings.configDigest());

    // Verify the seal before trusting any record (DESIGN.md). It is one read pass over the
    // baseline, so it runs beside the scan (which only writes the scan column) and is joined
    // before the first baseline record is compared.
    store.clear(Column.SCAN);
    java.util.concurrent.CompletableFuture<Void> verified =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                verifySeal(store);
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
    String reason = "fim " + origin.label() + " compares states; it does not observe writers";
    new TreeDiff(store, settings.scope(), unknown)
        .run(
            Column.BASELINE,
            Column.SCAN,
            f -> {
              switch (f.action()) {
                case CREATED -> counts[0]++;
                case DELETED -> counts[1]++;
                default -> counts[2]++;
              }
              ChangeAttributor.Who w = who.get(f.path());
              pending.add(
                  new ChangeEvent(
                      eventTime,
                      0,
                      f.action(),
                      f.path(),
                      null,
                      f.after(),
                      f.before(),
                      f.difference() == null ? List.of() : f.difference().changes(),
                      origin,
                      w == null ? Attribution.NONE : w.attribution(),
                      w == null ? reason : w.reason(),
                      null,
                      w == null ? null : w.actor(),
                      w == null ? null : w.writers(),
                      packageOf(f.path(), f.after())));
              if (pending.size() >= EVENT_BATCH) {
                flushEvents(log, pending, seq);
              }
            });
    flushEvents(log, pending, seq);
    long end = System.currentTimeMillis() * 1_000_000L;
    store.putMeta(META_CHECK_TIME, Long.toString(end));
    if (origin == Origin.CHECK) {
      store.clear(Column.SCAN);
    }
    return new Result(
        start,
        end,
        scan.summary,
        counts[0],
        counts[1],
        counts[2],
        scan.problems,
        eventTime,
        seq[0],
        seq[1],
        configChanged);
  }

  /**
   * With an attributor: a first pass of the comparison (a merge-join, cheap beside the scan)
   * collects the paths it will record, and the attributor is asked once for all of them, so that
   * each event is recorded once, with its attribution. The interval starts at the baseline scan's
   * start, less {@link #CLOCK_SLACK_NS}.
   */
  private Map<PathBytes, ChangeAttributor.Who> attribute(
      Store store, List<PathBytes> unknown, long untilNs) throws StoreException {
    if (settings.attributor() == null) {
      return Map.of();
    }
    Set<PathBytes> paths = new HashSet<>();
    new TreeDiff(store, settings.scope(), unknown)
        .run(Column.BASELINE, Column.SCAN, f -> paths.add(f.path()));
    if (paths.isEmpty()) {
      return Map.of();
    }
    String start = store.getMetaString(META_SCAN_START);
    if (start == null) {
      start = store.getMetaString(META_INIT_TIME);
    }
    long fromNs = start == null ? 0 : Long.parseLong(start) - CLOCK_SLACK_NS;
    Map<PathBytes, ChangeAttributor.Who> who =
        settings.attributor().attribute(Set.copyOf(paths), fromNs, untilNs);
    return who == null ? Map.of() : who;
  }

  /**
   * The package of a finding: for a file that exists, whether its content now is the package's
   * (check sees no writer, so every changed packaged file is compared, as debsums would); for a
   * removal, the owner only.
   */
  private PackageOrigin packageOf(PathBytes path, FileRecord after) {
    PackageDatabase p = settings.packages();
    if (p == null) {
      return null;
    }
    return after == null ? p.owner(path) : p.verify(path, after.type());
  }

  private static void flushEvents(EventLog log, List<ChangeEvent> pending, long[] seq)
      throws StoreException {
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

  /** What made a future of this class fail: a stage's exception, unwrapped from its wrappers. */
  private static Throwable failureOf(java.util.concurrent.ExecutionException e) {
    return e.getCause() instanceof java.util.concurrent.CompletionException ce
        ? ce.getCause()
        : e.getCause();
  }

  private static void awaitVerification(java.util.concurrent.CompletableFuture<Void> verified)
      throws StoreException, SealException, InterruptedException {
    try {
      verified.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = failureOf(e);
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
    try (RecordWriter w = store.newBulkWriter(Column.INODES);
        RecordCursor c = store.cursor(Column.BASELINE)) {
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
