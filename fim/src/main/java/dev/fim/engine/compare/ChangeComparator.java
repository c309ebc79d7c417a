package dev.fim.engine.compare;

import dev.fim.baseline.PathCapture;
import dev.fim.baseline.ScanIntoStore;
import dev.fim.baseline.ScanProblem;
import dev.fim.baseline.ScanSettings;
import dev.fim.baseline.Scanner;
import dev.fim.baseline.Selector;
import dev.fim.baseline.Selectors;
import dev.fim.baseline.diff.Differ;
import dev.fim.baseline.diff.TreeDiff;
import dev.fim.engine.attribute.Sighting;
import dev.fim.engine.coalesce.Notice;
import dev.fim.engine.coalesce.Rescan;
import dev.fim.engine.record.CurrentStates;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.Action;
import dev.fim.store.AttributeChange;
import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The third stage: decides what changed by comparing the state on disk now with the last recorded
 * state ({@code current}), never by interpreting event sequences. A notice only says where to look;
 * the comparison says what happened. That makes the engine robust to every pattern the kernel can
 * produce (vim's rename dance, sed's temporary, events merged or lost) and gives watch the same
 * attribute diff as {@code fim check}.
 *
 * <p>For each batch:
 *
 * <ol>
 *   <li>Each notice's path is captured afresh ({@link PathCapture}: lstat, selection, xattrs, hash)
 *       and compared with its {@code current} record. Absent on both sides: a temporary that came
 *       and went, counted, not alerted.
 *   <li>A directory that appeared, disappeared or was replaced is compared as a subtree: scanned
 *       into the {@code scan} column and merge-joined with {@code current} ({@link TreeDiff}), so
 *       everything below it is reported, also what was created before a watch could see it.
 *       Overflow rescans and the start-up reconcile do the same over whole trees.
 *   <li>Moves are paired by inode: a path that disappeared and one that appeared (or was replaced)
 *       with the same device and inode make one {@code moved}; a directory's descendants pair the
 *       same way. A file renamed over a recorded one is that one's {@code updated} instead
 *       (compared with what it held, the renamed name as its old path).
 *   <li>A regular file whose name now holds another inode (vim, {@code sed -i}, {@code os.replace})
 *       is one {@code updated} whose changes include {@code inode}, whether or not the group
 *       selects the inode.
 *   <li>A temporary renamed onto its final name (both ends' rename notices agree, the temporary had
 *       no recorded state) is folded into the final name's {@code created} or {@code updated},
 *       which names it as its old path. A new file named like a temporary ({@link TemporaryNames})
 *       is held ({@link TemporaryHold}, bounded, up to the hold) for a rename that comes later
 *       (dpkg); without one it is reported with its content when the hold ends.
 * </ol>
 *
 * Each change, with what its notice saw of the writer ({@link Sighting}), and each new state go to
 * the next stage ({@link ChangeOutput}: the correlator decides who, then records). One thread; not
 * thread-safe.
 */
public final class ChangeComparator implements AutoCloseable {
  /**
   * Rescans hand their non-pairable findings on in chunks of this many, so memory does not grow
   * with a tree.
   */
  private static final int STREAM_CHUNK = 1000;

  /**
   * A rescan holds at most this many disappeared/appeared paths for pairing into moves (~1 KB each
   * for ordinary paths), and at most {@link #FINDINGS_BYTES} of them (paths are unbounded).
   */
  private static final int MAX_PAIRABLE = 20_000;

  private final Store store;
  private final CurrentStates states;
  private final Selector selector;
  private final PathCapture capture;
  private final ChangeOutput out;
  private final int threads;

  /** The scan under way (or the last), for {@link #scanProgress}. */
  private volatile Scanner activeScanner;

  /** {@link #scanProgress} of the scans before {@link #activeScanner}. */
  private volatile long scanned;

  private final boolean reportTemporaries;
  private final TemporaryHold hold;
  private final LongSupplier monotonicNs;
  private long transients;
  private long compared;
  private long folded;

  /**
   * @param out the next stage: decided changes, new states and batch ends
   * @param reportTemporaries also emit {@code created} + {@code deleted} for a path that came and
   *     went within one window (editor swap and probe files, sed's temporary), instead of only
   *     counting it
   */
  public ChangeComparator(
      Store store, Selector selector, ChangeOutput out, int threads, boolean reportTemporaries) {
    this(
        store,
        new CurrentStates(store, 0),
        selector,
        out,
        threads,
        reportTemporaries,
        0,
        1,
        System::nanoTime);
  }

  /**
   * As above, holding new files with a temporary's name ({@link TemporaryNames}) for up to {@code
   * holdNs} so that a late rename onto their final name folds into one change of that name.
   *
   * @param holdNs the longest hold (0: none); a held file is reported when it ends
   * @param holdCapacity the most files held at once; beyond it a file is reported at once
   * @param monotonicNs the clock of the holds' deadlines
   * @param states how {@code current} is read: the recorder's view of what its commits wrote
   *     ({@link dev.fim.engine.record.Recorder#currentStates}), so a path changed again is compared
   *     without a database read
   */
  public ChangeComparator(
      Store store,
      CurrentStates states,
      Selector selector,
      ChangeOutput out,
      int threads,
      boolean reportTemporaries,
      long holdNs,
      int holdCapacity,
      LongSupplier monotonicNs) {
    this.store = store;
    this.states = states;
    this.selector = selector;
    this.out = out;
    this.threads = threads;
    this.reportTemporaries = reportTemporaries;
    this.hold = new TemporaryHold(holdNs, holdCapacity);
    this.monotonicNs = monotonicNs;
    this.capture = new PathCapture(selector, ScanSettings.DEFAULT_HASH_BUFFER);
  }

  /**
   * Paths that were created and gone again before they were compared (editor temporaries, probes).
   */
  public long transients() {
    return transients;
  }

  /** Paths compared so far. */
  public long compared() {
    return compared;
  }

  /**
   * Temporaries renamed onto their final name and reported as that name's change ({@code
   * file.old_path}).
   */
  public long folded() {
    return folded;
  }

  /** Files held now as likely temporaries. */
  public int held() {
    return hold.size();
  }

  /** Files with a temporary's name reported at once because the hold was full. */
  public long holdRefused() {
    return hold.refused();
  }

  /** One observed difference of one path, before pairing. */
  private record Finding(
      PathBytes path,
      FileRecord before,
      FileRecord after,
      Differ.Difference diff,
      long timeNs,
      Origin origin,
      PathBytes renamedWith,
      Sighting sighting,
      PathBytes via) {
    /** The same finding, made by renaming the temporary {@code t} onto its path. */
    Finding via(PathBytes t) {
      return new Finding(path, before, after, diff, timeNs, origin, renamedWith, sighting, t);
    }

    boolean gone() {
      return after == null;
    }

    /** Appeared, or now another inode: could be the new end of a move. */
    boolean arrived() {
      return after != null
          && (before == null || before.ino() != after.ino() || before.dev() != after.dev());
    }
  }

  /** Compares the notices of one batch, records the events and new states, and commits. */
  public void compare(List<Notice> notices) throws StoreException, InterruptedException {
    List<Notice> sorted = new ArrayList<>(notices);
    sorted.sort(Comparator.comparing(Notice::path));
    Map<PathBytes, Notice> byPath = new HashMap<>();
    for (Notice n : sorted) {
      byPath.put(n.path(), n);
    }
    Map<PathBytes, PathBytes> renamedOnto = renamedOnto(sorted, byPath);
    Map<PathBytes, PathBytes> foldedInto = new HashMap<>();
    List<Finding> findings = new ArrayList<>();
    long[] findingsBytes = {0};
    List<PathBytes> subtrees = new ArrayList<>();
    for (Notice n : sorted) {
      if (underAny(n.path(), subtrees)) {
        continue; // compared as part of a subtree already
      }
      compared++;
      FileRecord before = states.read(n.path());
      PathCapture.Captured now = capture.capture(n.path());
      FileRecord after = now.record();
      if (isDirectory(before) || isDirectory(after)) {
        if (before == null
            || after == null
            || before.type() != after.type()
            || before.ino() != after.ino()) {
          subtrees.add(n.path());
          reportHeld(hold.releaseUnder(List.of(n.path())), HELD_UNTIL_SUBTREE);
          // A path below with its own notice is its own writer's (mkdir d; echo > d/f: f is the
          // shell's);
          // the others came with the directory (mv d e, rm -r d): its notice's writer.
          compareTree(
              List.of(n.path()),
              n.firstWallNs(),
              Origin.WATCH,
              p -> {
                Notice own = byPath.get(p);
                return own != null && own != n ? own.sighting() : n.sighting();
              },
              f -> {
                // dpkg unpacks a new directory's files as X.dpkg-new and renames them later
                if (!(f.before() == null
                    && f.after().type() != FileType.DIRECTORY
                    && TemporaryNames.looksTemporary(f.path())
                    && hold(f.path(), f.after(), f.timeNs(), f.sighting()))) {
                  findings.add(f);
                  findingsBytes[0] += weight(f);
                  if (findingsBytes[0] > FINDINGS_BYTES) {
                    recordAndCommit(findings, foldedInto);
                    findingsBytes[0] = 0;
                  }
                }
              });
          continue;
        }
      }
      if (before == null && after == null) {
        TemporaryHold.Held held = hold.release(n.path());
        PathBytes onto = n.partner();
        if (onto != null && n.path().equals(renamedOnto.get(onto))) {
          folded++; // its content is reported as the change of the name it was renamed onto
          foldedInto.put(onto, n.path());
        } else if (held != null && !carriesNothingNew(held)) {
          reportRemovedHeld(held, n);
        } else {
          temporary(n);
        }
        continue;
      }
      if (before == null) {
        // Created in place (not renamed there) with a temporary's name, or held and written again:
        // wait for its rename. Renamed onto, or no room: reported now, as it is.
        boolean keep =
            !n.has(ChangeListener.MOVED_TO)
                && (hold.isHeld(n.path())
                    || (n.has(ChangeListener.CREATED) && TemporaryNames.looksTemporary(n.path())));
        if (keep && hold(n.path(), after, n.firstWallNs(), n.sighting())) {
          continue;
        }
        hold.release(n.path());
      }
      Differ.Difference d = before == null || after == null ? null : difference(before, after);
      if (before != null && after != null && d == null) {
        if (!before.equals(after)) {
          out.state(n.path(), after); // e.g. a directory's times: no event, but keep current exact
        }
        continue;
      }
      findings.add(
          new Finding(
              n.path(),
              before,
              after,
              d,
              n.firstWallNs(),
              Origin.WATCH,
              n.partner(),
              n.sighting(),
              null));
    }
    recordAndCommit(findings, foldedInto);
  }

  /**
   * The findings a batch may gather before they are recorded and committed part-way (by {@link
   * #weight}): a subtree compared as a whole yields a finding per entry, each with its path and
   * states, and the recording copies the path again, so a directory of 2,000 files 64 KB deep
   * (chosen by whoever writes in the tree) ran the 64 MB watch out of heap while this was
   * unbounded. The cost past it: a move whose two ends fall on both sides of a part-way commit is
   * reported as a deletion and a creation, and the parts' events are in time order each (every
   * change still reported). About 10,000 ordinary entries.
   */
  static final long FINDINGS_BYTES = 8L << 20;

  /** What a finding holds of the heap until it is recorded, about (its path twice, its states). */
  private static long weight(Finding f) {
    return 256
        + 2L * f.path().length()
        + (f.before() != null ? f.before().heldBytes() : 0)
        + (f.after() != null ? f.after().heldBytes() : 0);
  }

  /** Records the findings gathered so far (in the order they were seen), commits, and clears. */
  private void recordAndCommit(List<Finding> findings, Map<PathBytes, PathBytes> foldedInto)
      throws StoreException {
    if (!foldedInto.isEmpty()) {
      for (int i = 0; i < findings.size(); i++) {
        Finding f = findings.get(i);
        PathBytes t = f.after() != null ? foldedInto.get(f.path()) : null;
        if (t != null) {
          findings.set(i, f.via(t));
        }
      }
    }
    // Emitted in the order the changes were seen (stable: a subtree keeps its path order), not in
    // path order.
    findings.sort(Comparator.comparingLong(Finding::timeNs));
    pairAndRecord(findings);
    out.commit();
    findings.clear();
  }

  /**
   * Entries walked plus bytes hashed by this comparator's scans so far: it moves during a long scan
   * (a liveness signal for systemd's watchdog, see {@code Watcher#progress}). Any thread.
   */
  public long scanProgress() {
    Scanner s = activeScanner;
    if (s == null) {
      return scanned;
    }
    dev.fim.baseline.ScanProgress p = s.progress();
    return scanned + p.entriesDiscovered() + p.entriesDone() + p.bytesHashed();
  }

  /**
   * Compares whole trees with {@code current} (an overflow rescan or the start-up reconcile) and
   * records what differs. An overflow also records an {@code overflow} event first, whose message
   * names the loss and the trees.
   *
   * @return the number of changes found
   */
  public long rescan(Rescan r, long timeNs) throws StoreException, InterruptedException {
    Origin origin = r.overflow() ? Origin.RESCAN : Origin.RECONCILE;
    reportHeld(hold.releaseUnder(r.scope()), HELD_UNTIL_RESCAN);
    List<Finding> pairable = new ArrayList<>();
    List<Finding> chunk = new ArrayList<>();
    long[] found = {0};
    long[] heldBytes = {0, 0}; // pairable, chunk: by weight, as the counts (paths are unbounded)
    compareTree(
        r.scope(),
        timeNs,
        origin,
        p -> null,
        f -> {
          found[0]++;
          if (f.gone() || f.arrived()) {
            pairable.add(f); // kept until the end: its other end may come later in path order
            heldBytes[0] += weight(f);
            if (pairable.size() >= MAX_PAIRABLE || heldBytes[0] > FINDINGS_BYTES) {
              // Memory stays bounded on a rescan that finds a whole tree gone or new; moves beyond
              // this many
              // candidates are reported as deleted + created.
              pairAndRecord(pairable);
              out.commit();
              pairable.clear();
              heldBytes[0] = 0;
            }
          } else {
            chunk.add(f);
            heldBytes[1] += weight(f);
            if (chunk.size() >= STREAM_CHUNK || heldBytes[1] > FINDINGS_BYTES / 4) {
              pairAndRecord(chunk);
              out.commit();
              chunk.clear();
              heldBytes[1] = 0;
            }
          }
        });
    chunk.addAll(pairable);
    if (r.overflow()) {
      StringBuilder what = new StringBuilder();
      for (PathBytes p : r.scope()) {
        what.append(what.length() == 0 ? "" : ", ").append(p.display());
      }
      out.change(
          new Change(
              timeNs,
              Action.OVERFLOW,
              r.scope().get(0),
              null,
              null,
              null,
              List.of(),
              origin,
              r.reason()
                  + "; rescanned "
                  + what
                  + ": "
                  + found[0]
                  + (found[0] == 1 ? " change" : " changes")
                  + " found",
              null));
    }
    pairAndRecord(chunk);
    out.commit();
    return found[0];
  }

  /**
   * Records the trees as they are into {@code current}, without events: the first watch of a store
   * that has no earlier state has nothing to compare with.
   *
   * @return the paths recorded
   * @throws InterruptedException the thread was interrupted: nothing of the scope is left in {@code
   *     current}
   */
  public long seed(List<PathBytes> scope) throws StoreException, InterruptedException {
    states.forget(); // written here without the recorder: read from the store from now on
    try {
      return seedUnseen(scope);
    } finally {
      states.forget();
    }
  }

  private long seedUnseen(List<PathBytes> scope) throws StoreException, InterruptedException {
    deleteUnder(Column.CURRENT, scope);
    Scanner scanner = new Scanner(ScanSettings.defaults().withThreads(threads));
    scanned = scanProgress(); // the earlier scans' share, kept
    activeScanner = scanner;
    dev.fim.baseline.ScanSummary summary;
    try {
      summary =
          ScanIntoStore.scan(
              scanner,
              Selectors.rootedAt(selector, scope),
              store.newBulkWriter(Column.CURRENT),
              p -> {});
    } catch (InterruptedException e) {
      // A half-recorded state would make the next start report every path not reached as created:
      // leave none, so the next start records the trees again.
      deleteUnder(Column.CURRENT, scope);
      store.flush();
      throw e;
    }
    store.flush();
    return summary.files() + summary.directories();
  }

  /**
   * Scans {@code scope} (the selection's rules, these roots) into the {@code scan} column,
   * merge-joins it with {@code current} and hands every difference to {@code out}; the new states
   * are recorded as they are found.
   */
  private void compareTree(
      List<PathBytes> scope,
      long timeNs,
      Origin origin,
      Function<PathBytes, Sighting> seen,
      FindingOut found)
      throws StoreException, InterruptedException {
    deleteUnder(Column.SCAN, scope);
    List<PathBytes> unreadable = Collections.synchronizedList(new ArrayList<>());
    Scanner scanner = new Scanner(ScanSettings.defaults().withThreads(threads));
    scanned = scanProgress(); // the earlier scans' share, kept
    activeScanner = scanner;
    ScanIntoStore.scan(
        scanner,
        Selectors.rootedAt(selector, scope),
        store.newBulkWriter(Column.SCAN),
        p -> {
          if (p.kind() == ScanProblem.Kind.UNREADABLE_DIRECTORY) {
            unreadable.add(p.path());
          }
        });
    new TreeDiff(store, scope, unreadable)
        .run(
            Column.CURRENT,
            Column.SCAN,
            f -> {
              Differ.Difference d =
                  f.before() != null && f.after() != null
                      ? difference(f.before(), f.after())
                      : null;
              if (f.before() != null && f.after() != null && d == null) {
                out.state(
                    f.path(), f.after()); // a difference watch does not report; current stays exact
                return;
              }
              found.accept(
                  new Finding(
                      f.path(),
                      f.before(),
                      f.after(),
                      d,
                      timeNs,
                      origin,
                      null,
                      seen.apply(f.path()),
                      null));
            });
    deleteUnder(Column.SCAN, scope);
  }

  private static final String HELD_UNTIL_SUBTREE =
      "held as a likely temporary until its directory was compared as a whole";
  private static final String HELD_UNTIL_RESCAN =
      "held as a likely temporary until the trees were rescanned";
  private static final String HELD_UNTIL_STOP = "held as a likely temporary until fim stopped";

  /** The most bytes of a lock file that holds only a pid ({@code /etc/passwd.lock}). */
  static final long LOCK_MAX_SIZE = 64;

  /**
   * For each path a rename notice names as the new end of a rename: the path renamed onto it, when
   * both ends' notices agree (the old end saw it go, the new end saw it arrive). Decided from the
   * flags alone, before any path is compared, since the temporary sorts after its final name.
   */
  private static Map<PathBytes, PathBytes> renamedOnto(
      List<Notice> sorted, Map<PathBytes, Notice> byPath) {
    Map<PathBytes, PathBytes> m = Map.of();
    for (Notice t : sorted) {
      PathBytes onto = t.partner();
      if (onto == null || !t.has(ChangeListener.MOVED_FROM)) {
        continue;
      }
      Notice x = byPath.get(onto);
      if (x != null && x.has(ChangeListener.MOVED_TO) && t.path().equals(x.partner())) {
        if (m.isEmpty()) {
          m = new HashMap<>();
        }
        m.put(onto, t.path());
      }
    }
    return m;
  }

  /** Counts a path that came and went unreported; alerts on it with --report-temporaries. */
  private void temporary(Notice n) throws StoreException {
    transients++;
    if (reportTemporaries && n.has(ChangeListener.CREATED | ChangeListener.MOVED_TO)) {
      String what = "temporary: created and removed within the quiet window";
      for (Action a : List.of(Action.CREATED, Action.DELETED)) {
        out.change(
            new Change(
                n.firstWallNs(),
                a,
                n.path(),
                null,
                null,
                null,
                List.of(),
                Origin.WATCH,
                what,
                n.sighting()));
      }
    }
  }

  /**
   * Whether a held file removed without a rename carried nothing fim must report: a lock file
   * holding a pid (small, not executable), or a backup link of the file it is named after ({@code
   * X.dpkg-tmp}, the same inode as {@code X}'s recorded state). Anything else lived past the quiet
   * window with content of its own, so it is reported: a name alone never hides a file.
   */
  private static boolean carriesNothingNew(TemporaryHold.Held h) {
    FileRecord r = h.record();
    return h.linkOfKnown()
        || (TemporaryNames.isLock(h.path())
            && r.type() == FileType.FILE
            && r.size() <= LOCK_MAX_SIZE
            && (r.mode() & 0111) == 0);
  }

  /**
   * Holds a new file with a temporary's name (see {@link TemporaryHold#hold}); false if it must be
   * reported now. Notes whether it is a hard link of the recorded file it is named after, while
   * that file's record is still the old one.
   */
  private boolean hold(PathBytes path, FileRecord after, long firstWallNs, Sighting s)
      throws StoreException {
    if (hold.holdNs() == 0) {
      return false;
    }
    boolean link = false;
    PathBytes base = TemporaryNames.base(path);
    if (base != null && !hold.isHeld(path)) {
      FileRecord b = states.read(base);
      link = b != null && b.dev() == after.dev() && b.ino() == after.ino();
    }
    return hold.hold(path, after, firstWallNs, s, monotonicNs.getAsLong(), link);
  }

  /**
   * A held file removed without a rename: {@code created} with the content it had, then {@code
   * deleted}, both saying so.
   */
  private void reportRemovedHeld(TemporaryHold.Held h, Notice n) throws StoreException {
    String why =
        "held as a likely temporary; removed after "
            + Math.max(0, (n.firstWallNs() - h.firstWallNs()) / 1_000_000)
            + " ms without a rename onto another name";
    out.change(
        new Change(
            h.firstWallNs(),
            Action.CREATED,
            h.path(),
            null,
            h.record(),
            null,
            List.of(),
            Origin.WATCH,
            why,
            h.sighting()));
    out.change(
        new Change(
            n.firstWallNs(),
            Action.DELETED,
            h.path(),
            null,
            null,
            h.record(),
            List.of(),
            Origin.WATCH,
            why,
            n.sighting()));
  }

  /**
   * Reports held files as {@code created} with their state now (the held one if they are gone
   * already: their removal's own notice follows) and records them in {@code current}, then commits,
   * so a scan that follows compares with them.
   */
  private void reportHeld(List<TemporaryHold.Held> held, String why) throws StoreException {
    if (held.isEmpty()) {
      return;
    }
    for (TemporaryHold.Held h : held) {
      FileRecord now = capture.capture(h.path()).record();
      FileRecord r = now != null && now.type() != FileType.DIRECTORY ? now : h.record();
      out.change(
          new Change(
              h.firstWallNs(),
              Action.CREATED,
              h.path(),
              null,
              r,
              null,
              List.of(),
              Origin.WATCH,
              why,
              h.sighting()));
      out.state(h.path(), r);
    }
    out.commit();
  }

  /**
   * Reports the held files whose hold has ended (no rename came): {@code created}, with their
   * content, and a message saying they were held. Called by the comparator's loop between batches.
   */
  public void releaseExpired() throws StoreException {
    List<TemporaryHold.Held> due = hold.expired(monotonicNs.getAsLong());
    if (!due.isEmpty()) {
      reportHeld(
          due,
          "held "
              + hold.holdNs() / 1_000_000
              + " ms as a likely temporary; no rename onto another name followed");
    }
  }

  /** Reports every held file now (fim stops: nothing seen is left unreported). */
  public void releaseAllHeld() throws StoreException {
    reportHeld(hold.releaseAll(), HELD_UNTIL_STOP);
  }

  /** Pairs disappeared and arrived paths by inode into moves, then records every finding. */
  private void pairAndRecord(List<Finding> findings) throws StoreException {
    Map<InodeKey, Finding> gone = new HashMap<>();
    for (Finding f : findings) {
      if (f.gone()) {
        gone.putIfAbsent(new InodeKey(f.before().dev(), f.before().ino()), f);
      }
    }
    Map<Finding, Finding> movedFrom = new java.util.IdentityHashMap<>();
    if (!gone.isEmpty()) {
      for (Finding f : findings) {
        if (f.arrived()) {
          Finding from = gone.remove(new InodeKey(f.after().dev(), f.after().ino()));
          if (from != null && sameObject(from, f)) {
            movedFrom.put(f, from);
          } else if (from != null) {
            gone.put(new InodeKey(from.before().dev(), from.before().ino()), from);
          }
        }
      }
    }
    java.util.Set<Finding> consumed = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    consumed.addAll(movedFrom.values());
    for (Finding f : findings) {
      if (consumed.contains(f)) {
        out.state(f.path(), null); // the old end of a move: its event is the new end's
        continue;
      }
      Finding from = movedFrom.get(f);
      Differ.Difference replaced =
          from != null && f.before() != null && !isDirectory(f.after())
              ? difference(f.before(), f.after())
              : null;
      if (replaced != null) {
        // Renamed over a recorded file: that file's change, compared with what it held (content,
        // inode), naming where the new one came from. A "moved" would compare with the renamed
        // file's own old state and hide what the overwritten name lost (mv evil /etc/sudoers).
        out.change(change(f, replaced.action(), from.path(), f.before(), replaced.changes()));
      } else if (from != null) {
        Differ.Difference d = difference(from.before(), f.after());
        List<AttributeChange> changes = d == null ? List.of() : d.changes();
        out.change(change(f, Action.MOVED, from.path(), from.before(), changes));
      } else if (f.before() == null) {
        out.change(change(f, Action.CREATED, f.via(), null, List.of()));
      } else if (f.after() == null) {
        out.change(change(f, Action.DELETED, null, f.before(), List.of()));
      } else {
        out.change(change(f, f.diff().action(), f.via(), f.before(), f.diff().changes()));
      }
      out.state(f.path(), f.after());
    }
  }

  /**
   * Whether a path that disappeared and one that arrived with its device and inode are one object
   * moved, not an inode number reused (ext4 hands a freed inode to the next file at once: {@code rm
   * a; echo > b} gives b a's number). The kernel said so (a rename notice naming both ends), or
   * nothing but a rename explains it: same type, same mtime and the same content digest (a rename
   * changes neither; a new file has its own content and mtime). Without a rename notice (reconcile,
   * overflow rescans), a file moved and rewritten is reported as deleted + created: never a move
   * that did not happen.
   */
  private static boolean sameObject(Finding from, Finding to) {
    FileRecord a = from.before();
    FileRecord b = to.after();
    if (a.type() != b.type()) {
      return false;
    }
    if (to.renamedWith() != null && to.renamedWith().equals(from.path())) {
      return true;
    }
    return a.mtimeNs() == b.mtimeNs() && a.digests().equals(b.digests());
  }

  private static Change change(
      Finding f,
      Action action,
      PathBytes oldPath,
      FileRecord before,
      List<AttributeChange> changes) {
    return new Change(
        f.timeNs(),
        action,
        f.path(),
        oldPath,
        f.after(),
        before,
        changes,
        f.origin(),
        null,
        f.sighting());
  }

  /** A directory's times change with every entry created, removed or renamed in it. */
  private static final java.util.Set<String> DIRECTORY_TIMES = java.util.Set.of("mtime", "ctime");

  /**
   * Differ's comparison, plus the inode of a regular file even where the group does not select it:
   * a name that now holds another inode was replaced (vim, sed -i), which watch always reports. A
   * directory whose only change is its mtime/ctime is no change for watch: those follow from its
   * entries, each reported on its own (fim check, comparing with the baseline, still lists them).
   * Null when nothing differs.
   */
  static Differ.Difference difference(FileRecord before, FileRecord after) {
    Differ.Difference d = Differ.compare(before, after);
    if (d != null
        && before.type() == FileType.DIRECTORY
        && after.type() == FileType.DIRECTORY
        && d.changes().stream().allMatch(c -> DIRECTORY_TIMES.contains(c.attribute()))) {
      return null; // an entry came or went: that entry's own event says so
    }
    if (before.type() != FileType.FILE
        || after.type() != FileType.FILE
        || before.ino() == after.ino()) {
      return d;
    }
    List<AttributeChange> changes = d == null ? new ArrayList<>() : new ArrayList<>(d.changes());
    for (AttributeChange c : changes) {
      if (c.attribute().equals("inode")) {
        return d;
      }
    }
    changes.add(
        new AttributeChange(
            "inode", Long.toUnsignedString(before.ino()), Long.toUnsignedString(after.ino())));
    return new Differ.Difference(Action.UPDATED, changes);
  }

  private void deleteUnder(Column column, List<PathBytes> scope) throws StoreException {
    try (RecordWriter w = store.newBulkWriter(column)) {
      for (PathBytes root : scope) {
        try (RecordCursor c = store.cursor(column, root)) {
          while (c.next()) {
            w.delete(c.path());
          }
        }
      }
    }
  }

  private static boolean isDirectory(FileRecord r) {
    return r != null && r.type() == FileType.DIRECTORY;
  }

  private static boolean underAny(PathBytes p, List<PathBytes> roots) {
    for (PathBytes r : roots) {
      if (p.isUnder(r)) {
        return true;
      }
    }
    return false;
  }

  private record InodeKey(long dev, long ino) {}

  /** Where {@link #compareTree} delivers findings, in path order. */
  private interface FindingOut {
    void accept(Finding f) throws StoreException;
  }

  @Override
  public void close() {
    capture.close();
  }
}
