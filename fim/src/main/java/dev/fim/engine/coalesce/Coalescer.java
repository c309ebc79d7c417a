package dev.fim.engine.coalesce;

import dev.fim.engine.attribute.ArrivalLookup;
import dev.fim.engine.attribute.Sighting;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.PathBytes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The second stage: merges the sources' notices per path and decides when each path is ripe for
 * comparison.
 *
 * <h2>When a path is handed on</h2>
 *
 * <ul>
 *   <li><b>At once</b> when a writer closed it ({@code CLOSED_WRITE}) or its metadata changed
 *       ({@code ATTRIB}) and no name event (create, delete, rename) was seen for it in this window:
 *       the common "open, write, close" and "chmod" reach the comparator within microseconds.
 *   <li><b>After the quiet window</b> (from its first event) otherwise: a name that was created,
 *       deleted or renamed may be half-way through a replacement (vim renames the file away, writes
 *       a new inode, renames or deletes the backup; {@code sed -i} and Python's {@code os.replace}
 *       rename a temporary over it), and a file held open and written to has no close yet. Waiting
 *       lets the whole pattern land, so the comparator sees the end state: one {@code updated} with
 *       an inode change, and temporaries that came and went are merely counted.
 * </ul>
 *
 * Both ends of a rename are handed on together, so the comparator can pair them into one {@code
 * moved}; a directory takes the paths pending below it along.
 *
 * <h2>Bounded, with back-pressure and an explicit overflow path</h2>
 *
 * At most {@code maxPending} paths wait, holding at most {@code maxPendingBytes} (by {@link
 * #weight}: a path is up to kilobytes, and deeper than PATH_MAX without limit, chosen by whoever
 * writes in a watched tree; 2,000 files in a directory 64 KB deep ran the 64 MB watch out of heap
 * when only the count was bounded). When either is reached, the source's thread waits (up to {@code
 * backPressureNs}) for the comparator to take some; meanwhile the kernel queues events, and if its
 * queue overflows the source reports that as a loss. If the wait times out, the coalescer declares
 * the loss itself: it drops the pending paths and asks for a {@link Rescan} of the trees, which
 * finds every change they held. A batch handed to the comparator stops at {@link #BATCH_BYTES} of
 * paths too (at least one notice), as the comparison makes copies of each path.
 *
 * <p>Thread-safe: sources call the {@link ChangeListener} methods on their threads; one comparator
 * thread calls {@link #take}.
 */
public final class Coalescer implements ChangeListener {
  /**
   * Up to this many pending paths, a directory's notice takes the pending notices below it along
   * (see ripe).
   */
  static final int BELOW_SCAN_LIMIT = 10_000;

  /**
   * The default of {@code maxPendingBytes}: 12 MiB, 65,536 pending paths of up to ~30 bytes, 57,000
   * of 60 bytes, 192 paths of 64 KB (with the audit index, the states and the batches, the 64 MB
   * heap).
   */
  public static final long MAX_PENDING_BYTES = 12L << 20;

  /** A batch handed to the comparator stops once its notices weigh this much (at least one). */
  static final long BATCH_BYTES = 1L << 20;

  /** A notice's heap besides its path's bytes: the notice, the path object, the map's entry. */
  static final int NOTICE_OVERHEAD = 160;

  /** Flags that mean the name itself came, went or moved. */
  static final int NAME_EVENTS = CREATED | DELETED | MOVED_FROM | MOVED_TO | SELF_GONE;

  private final long windowNs;
  private final int maxPending;
  private final long maxPendingBytes;
  private final long backPressureNs;
  private final LongSupplier monotonicNs;
  private final LongSupplier wallNs;
  private final List<PathBytes> roots;
  private final ArrivalLookup arrival;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition space = lock.newCondition();

  /** Pending paths in order of their first event (= order of their window's end). */
  private final LinkedHashMap<PathBytes, Notice> pending = new LinkedHashMap<>();

  /** Pending paths that are ripe at once, in the order they became so. */
  private final ArrayDeque<Notice> ready = new ArrayDeque<>();

  private final List<Rescan> rescans = new ArrayList<>();
  private boolean closed;

  /** What the pending notices weigh, by {@link #weight}. */
  private long pendingBytes;

  private long events;
  private long merged;
  private long declaredLosses;

  /**
   * @param roots the watched trees (what a loss declared here rescans)
   * @param windowNs the quiet window for name events and unclosed writes
   * @param maxPending the most paths that may wait
   * @param backPressureNs how long a source may be held when {@code maxPending} are waiting
   */
  public Coalescer(
      List<PathBytes> roots,
      long windowNs,
      int maxPending,
      long backPressureNs,
      LongSupplier monotonicNs,
      LongSupplier wallNs) {
    this(roots, windowNs, maxPending, backPressureNs, monotonicNs, wallNs, null);
  }

  /**
   * As above, with an attribution source's {@code arrival} lookup, asked about an event's pid on
   * the source's thread as the event arrives (while the process most likely still lives); its
   * {@link Sighting} travels with the notice. Null for none.
   */
  public Coalescer(
      List<PathBytes> roots,
      long windowNs,
      int maxPending,
      long backPressureNs,
      LongSupplier monotonicNs,
      LongSupplier wallNs,
      ArrivalLookup arrival) {
    this(
        roots,
        windowNs,
        maxPending,
        MAX_PENDING_BYTES,
        backPressureNs,
        monotonicNs,
        wallNs,
        arrival);
  }

  /**
   * As above, with the pending paths also bounded by {@code maxPendingBytes} (by {@link #weight};
   * one notice is always let in, however heavy).
   */
  public Coalescer(
      List<PathBytes> roots,
      long windowNs,
      int maxPending,
      long maxPendingBytes,
      long backPressureNs,
      LongSupplier monotonicNs,
      LongSupplier wallNs,
      ArrivalLookup arrival) {
    if (windowNs < 0 || maxPending < 1 || maxPendingBytes < 1 || backPressureNs < 0) {
      throw new IllegalArgumentException(
          "window "
              + windowNs
              + " ns, "
              + maxPending
              + " pending, back-pressure "
              + backPressureNs
              + " ns");
    }
    this.roots = List.copyOf(roots);
    this.windowNs = windowNs;
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
    this.backPressureNs = backPressureNs;
    this.monotonicNs = monotonicNs;
    this.wallNs = wallNs;
    this.arrival = arrival;
  }

  /** System clocks: {@link System#nanoTime()} and the wall clock in ns. */
  public Coalescer(
      List<PathBytes> roots,
      long windowNs,
      int maxPending,
      long backPressureNs,
      ArrivalLookup arrival) {
    this(
        roots,
        windowNs,
        maxPending,
        backPressureNs,
        System::nanoTime,
        Coalescer::wallClockNs,
        arrival);
  }

  /** The wall clock in ns since the epoch, with the clock's full precision. */
  public static long wallClockNs() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public void changed(PathBytes path, int what, boolean directory, int pid) {
    Sighting seen = sight(pid);
    lock.lock();
    try {
      note(path, what, directory, seen, null);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void renamed(PathBytes from, PathBytes to, boolean directory, int pid) {
    Sighting seen = sight(pid);
    lock.lock();
    try {
      Notice f = note(from, MOVED_FROM, directory, seen, to);
      Notice t = note(to, MOVED_TO, directory, seen, from);
      if (f != null && t == null) {
        f.partner = null;
      } else if (t != null && f == null) {
        t.partner = null;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void lost(String reason, List<PathBytes> scope) {
    lock.lock();
    try {
      addRescan(new Rescan(reason, scope, true));
    } finally {
      lock.unlock();
    }
  }

  /** Asks for a rescan of the trees that is not a loss (the start-up reconcile). */
  public void reconcile(String reason) {
    lock.lock();
    try {
      addRescan(new Rescan(reason, roots, false));
    } finally {
      lock.unlock();
    }
  }

  /**
   * What the arrival lookup says about the pid, asked outside the lock (it reads /proc); null for
   * pid 0.
   */
  private Sighting sight(int pid) {
    if (pid == 0) {
      return null;
    }
    return arrival != null ? arrival.sight(pid) : new Sighting(pid, null);
  }

  /**
   * Merges one event under the lock; null if it was dropped (closed, or covered by a pending
   * rescan).
   */
  private Notice note(
      PathBytes path, int what, boolean directory, Sighting seen, PathBytes partner) {
    events++;
    if (closed || coveredByRescan(path)) {
      return null;
    }
    Notice n = pending.get(path);
    if (n == null) {
      long bytes = weight(path);
      if (!waitForSpace(bytes)) {
        return null;
      }
      long now = monotonicNs.getAsLong();
      n = new Notice(path, now, wallNs.getAsLong());
      n.bytes = bytes;
      pendingBytes += bytes;
      pending.put(path, n);
    } else {
      merged++;
      n.lastNs = monotonicNs.getAsLong();
    }
    n.count++;
    n.what |= what;
    n.directory |= directory;
    if (seen != null) {
      // the last writer's: the one whose content the comparison will see; marked when another
      // process wrote in the same window (fanotify never merges two pids' events in the kernel)
      boolean others =
          n.sighting.othersToo() || (n.sighting != Sighting.NONE && n.sighting.pid() != seen.pid());
      n.sighting = others ? seen.withOthers() : seen;
    }
    if (partner != null) {
      if (n.partner == null) {
        // held by this notice alone once the partner's own notice is taken
        n.bytes += partner.length();
        pendingBytes += partner.length();
      }
      n.partner = partner;
    }
    if (!n.ready && (n.what & NAME_EVENTS) == 0 && (what & (CLOSED_WRITE | ATTRIB)) != 0) {
      n.ready = true;
      ready.add(n);
      work.signal();
    } else if (pending.size() == 1) {
      work.signal(); // the taker may be waiting without a deadline
    }
    return n;
  }

  /**
   * Waits while the pending map is full; false (and a declared loss) if it stays full. Under the
   * lock.
   */
  private boolean waitForSpace(long bytes) {
    if (hasSpace(bytes)) {
      return true;
    }
    long left = backPressureNs;
    try {
      while (!hasSpace(bytes) && left > 0 && !closed) {
        left = space.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (hasSpace(bytes)) {
      return !closed;
    }
    declaredLosses++;
    String what =
        pending.size() >= maxPending
            ? "more than " + maxPending + " changed paths"
            : "more than " + maxPendingBytes + " bytes of changed paths";
    addRescan(new Rescan(what + " waiting for comparison", roots, true));
    return false;
  }

  /** Whether a notice of {@code bytes} fits now (one always does when none is pending). */
  private boolean hasSpace(long bytes) {
    return pending.size() < maxPending
        && (pending.isEmpty() || pendingBytes + bytes <= maxPendingBytes);
  }

  /** What a pending notice for {@code path} holds of the heap, about. */
  static long weight(PathBytes path) {
    return NOTICE_OVERHEAD + path.length();
  }

  /** Records a rescan and drops the pending paths it covers. Under the lock. */
  private void addRescan(Rescan r) {
    rescans.add(r);
    for (Iterator<Map.Entry<PathBytes, Notice>> it = pending.entrySet().iterator();
        it.hasNext(); ) {
      Notice n = it.next().getValue();
      if (under(n.path(), r.scope())) {
        n.taken = true;
        pendingBytes -= n.bytes;
        it.remove();
      }
    }
    ready.removeIf(n -> n.taken);
    space.signalAll();
    work.signal();
  }

  private boolean coveredByRescan(PathBytes path) {
    for (Rescan r : rescans) {
      if (under(path, r.scope())) {
        return true;
      }
    }
    return false;
  }

  private static boolean under(PathBytes path, List<PathBytes> scope) {
    for (PathBytes s : scope) {
      if (path.isUnder(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the comparator should do next, waiting up to {@code maxWaitNs} for something to become
   * ripe: the pending rescans (all of them), or else the ripe notices (at most {@code max}, plus
   * the partners of their renames). Returns an empty batch on timeout and null once {@link
   * #close()}d with nothing left.
   */
  public Batch take(int max, long maxWaitNs) throws InterruptedException {
    long deadline = monotonicNs.getAsLong() + maxWaitNs;
    lock.lock();
    try {
      while (true) {
        if (!rescans.isEmpty()) {
          List<Rescan> r = List.copyOf(rescans);
          rescans.clear();
          return new Batch(r, List.of());
        }
        List<Notice> out = ripe(max);
        if (!out.isEmpty()) {
          space.signalAll();
          return new Batch(List.of(), out);
        }
        if (closed) {
          return pending.isEmpty() ? null : new Batch(List.of(), drainAll());
        }
        long now = monotonicNs.getAsLong();
        long wait = deadline - now;
        if (!pending.isEmpty()) {
          wait = Math.min(wait, pending.values().iterator().next().firstNs() + windowNs - now);
        }
        if (wait <= 0 && deadline - now <= 0) {
          return new Batch(List.of(), List.of());
        }
        work.awaitNanos(Math.max(wait, 1));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Under the lock: the ready notices, then those whose window has passed, then their rename
   * partners.
   */
  private List<Notice> ripe(int max) {
    List<Notice> out = new ArrayList<>();
    long outBytes = 0;
    while (!ready.isEmpty() && out.size() < max && outBytes < BATCH_BYTES) {
      Notice n = ready.poll();
      if (!n.taken) {
        outBytes += n.bytes;
        takeOut(n, out);
      }
    }
    long now = monotonicNs.getAsLong();
    Iterator<Notice> it = pending.values().iterator();
    while (it.hasNext() && out.size() < max && outBytes < BATCH_BYTES) {
      Notice n = it.next();
      if (n.firstNs() + windowNs > now) {
        break;
      }
      n.taken = true;
      pendingBytes -= n.bytes;
      outBytes += n.bytes;
      it.remove();
      out.add(n);
    }
    for (int i = 0; i < out.size(); i++) {
      Notice n = out.get(i);
      PathBytes partner = n.partner();
      if (partner != null) {
        Notice p = pending.get(partner);
        if (p != null && !p.taken) {
          takeOut(p, out);
        }
      }
      if (n.directory() && !pending.isEmpty() && pending.size() <= BELOW_SCAN_LIMIT) {
        // A directory is compared as a subtree: what is pending below it goes along, so each path
        // there keeps
        // its own notice (its own writer) instead of being found by the subtree scan first.
        List<Notice> below = new ArrayList<>();
        for (Notice p : pending.values()) {
          if (p.path().isUnder(n.path())) {
            below.add(p);
          }
        }
        for (Notice p : below) {
          takeOut(p, out);
        }
      }
    }
    return out;
  }

  private void takeOut(Notice n, List<Notice> out) {
    n.taken = true;
    if (pending.remove(n.path()) != null) {
      pendingBytes -= n.bytes;
    }
    out.add(n);
  }

  private List<Notice> drainAll() {
    List<Notice> out = new ArrayList<>(pending.values());
    for (Notice n : out) {
      n.taken = true;
    }
    pending.clear();
    pendingBytes = 0;
    ready.clear();
    return out;
  }

  /**
   * No more events are accepted; {@link #take} hands out what is pending at once (windows cut
   * short, so nothing seen is lost at shutdown), then returns null.
   */
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
      space.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Paths waiting now. */
  public int pendingCount() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** What the pending paths weigh now, by {@link #weight}: never above the bound but for one. */
  public long pendingBytes() {
    lock.lock();
    try {
      return pendingBytes;
    } finally {
      lock.unlock();
    }
  }

  /** {events received, events merged into a pending path, losses declared for lack of space}. */
  public long[] counters() {
    lock.lock();
    try {
      return new long[] {events, merged, declaredLosses};
    } finally {
      lock.unlock();
    }
  }

  /** What {@link #take} hands out: rescans, or notices, never both. */
  public record Batch(List<Rescan> rescans, List<Notice> notices) {
    public boolean isEmpty() {
      return rescans.isEmpty() && notices.isEmpty();
    }
  }
}
