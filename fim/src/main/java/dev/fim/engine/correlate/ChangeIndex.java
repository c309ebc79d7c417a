package dev.fim.engine.correlate;

import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The recent {@link AuditedChange}s, bounded by age, count and bytes, looked up by inode and by
 * absolute path. The bytes: an event's paths, names, executable and arguments are chosen by the
 * process that made it, kilobytes each, and the count bound follows {@code --max-pending} (65,536
 * by default: 8 KB events would be 512 MB in the watch's 64 MB heap); an event evicted for bytes is
 * counted in {@link #evicted} as any other, and its change falls back to /proc.
 *
 * <p>Changes are kept in arrival order (the reassembler delivers by serial, which follows time) in
 * one deque, and in a deque per inode and per path. Each change is appended to all of them at once,
 * so the oldest change overall is also the oldest in each of its keys' deques, and eviction takes
 * it from their heads in O(keys).
 *
 * <p>Not thread-safe: {@link AuditAttributor} guards it with its lock.
 */
final class ChangeIndex {
  /** The audit timestamp is cut to milliseconds: the event happened within [t, t + 1 ms). */
  private static final long RESOLUTION_NS = 1_000_000L;

  /**
   * How far out of time order arrivals may be (serial order across CPUs, coarse clock): a scan from
   * the newest stops this far past the window instead of at the first older event.
   */
  private static final long DISORDER_NS = 1_000_000_000L;

  private final long retentionNs;
  private final int maxEvents;
  private final long maxBytes;
  private long heldBytes;

  /** The held events' actors, by identity, with how many held events refer to each. */
  private final IdentityHashMap<Actor, int[]> actors = new IdentityHashMap<>();

  private final ArrayDeque<AuditedChange> all = new ArrayDeque<>();

  /**
   * Per inode and per path: a lone {@link AuditedChange}, or an ArrayDeque of them (see append).
   */
  private final Map<Long, Object> byInode = new HashMap<>();

  private final Map<PathBytes, Object> byPath = new HashMap<>();
  private long evicted;

  /**
   * The default byte bound, by {@link #weight}: 16 MiB, the count bound's 65,536 events of ordinary
   * paths (two items of ~45 bytes: ~250 bytes each) with their writers' actors, ~2,000 events of
   * two 4 KB paths.
   */
  static final long MAX_BYTES = 16L << 20;

  ChangeIndex(long retentionNs, int maxEvents) {
    this(retentionNs, maxEvents, MAX_BYTES);
  }

  ChangeIndex(long retentionNs, int maxEvents, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes " + maxBytes);
    }
    this.retentionNs = retentionNs;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /**
   * What an event holds of the heap besides its actor, about, from its own fields alone (so
   * eviction subtracts what adding counted, with nothing stored per event): its items' paths and
   * names.
   */
  static long weight(AuditedChange c) {
    long bytes = 64;
    List<PathItem> items = c.items();
    for (int k = 0; k < items.size(); k++) {
      PathItem i = items.get(k);
      bytes += 48 + (i.name() != null ? i.name().length() : 0);
      if (i.path() != null && i.path() != i.name()) {
        bytes += i.path().length();
      }
    }
    return bytes;
  }

  /**
   * What an actor holds of the heap, about: its executable, name, tty and arguments. Counted once
   * while any held event refers to it ({@link #actors}): the decoder gives a process's consecutive
   * events one actor object (a writer's thousands of appends in a burst), and counting it per event
   * held a burst's index to half the events it held by count (95.3 % of a 25,000/s burst attributed
   * from audit instead of 100 %, issue 18 session 17's bench).
   */
  static long weight(Actor a) {
    long bytes = 96 + length(a.executable()) + length(a.name()) + length(a.tty());
    if (a.args() != null) {
      for (String arg : a.args()) {
        bytes += 16 + arg.length();
      }
    }
    if (a.parents() != null) {
      bytes += 128L * a.parents().size();
    }
    return bytes;
  }

  /** A held event's actor: counted in {@link #heldBytes} when its first event came in. */
  private void holdActor(Actor a) {
    if (a == null) {
      return;
    }
    int[] events = actors.get(a);
    if (events == null) {
      actors.put(a, new int[] {1});
      heldBytes += weight(a);
    } else {
      events[0]++;
    }
  }

  /** An evicted event's actor: no longer counted once its last held event is gone. */
  private void releaseActor(Actor a) {
    if (a == null) {
      return;
    }
    int[] events = actors.get(a);
    if (--events[0] == 0) {
      actors.remove(a);
      heldBytes -= weight(a);
    }
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  /**
   * Adds a change, then evicts what is older than the retention at {@code nowNs} or beyond the
   * count.
   */
  void add(AuditedChange c, long nowNs) {
    all.addLast(c);
    heldBytes += weight(c);
    holdActor(c.actor());
    List<PathItem> items = c.items();
    for (int k = 0; k < items.size(); k++) {
      PathItem i = items.get(k);
      if (isInodeKey(items, k)) {
        byInode.merge(i.inode(), c, ChangeIndex::append);
      }
      if (isPathKey(items, k)) {
        byPath.merge(i.path(), c, ChangeIndex::append);
      }
    }
    evict(nowNs);
  }

  /** Drops changes older than the retention (by their audit time) and beyond the count bound. */
  void evict(long nowNs) {
    while (!all.isEmpty()
        && (all.size() > maxEvents
            || heldBytes > maxBytes
            || nowNs - all.peekFirst().timeNs() > retentionNs)) {
      AuditedChange c = all.pollFirst();
      heldBytes -= weight(c);
      releaseActor(c.actor());
      List<PathItem> items = c.items();
      for (int k = 0; k < items.size(); k++) {
        PathItem i = items.get(k);
        if (isInodeKey(items, k)) {
          pollHead(byInode, i.inode(), c);
        }
        if (isPathKey(items, k)) {
          pollHead(byPath, i.path(), c);
        }
      }
      evicted++;
    }
  }

  long retentionNs() {
    return retentionNs;
  }

  /** The changes held, oldest first (for diagnostics). */
  java.util.List<AuditedChange> snapshot() {
    return java.util.List.copyOf(all);
  }

  int size() {
    return all.size();
  }

  long evicted() {
    return evicted;
  }

  /** What the held events weigh, by {@link #weight}: never above the byte bound. */
  long heldBytes() {
    return heldBytes;
  }

  /** The best match for the query (see {@link ChangeQuery}), or null. */
  AuditedChange find(ChangeQuery q) {
    Best best = new Best(q);
    if (q.inode() != 0) {
      scan(byInode.get(q.inode()), best);
    }
    if (q.path() != null) {
      scan(byPath.get(q.path()), best);
    }
    return best.change;
  }

  /**
   * Every successful event on the query's object (its inode or path, not as the parent) with a time
   * in [{@code fromNs}, {@code toNs}], in arrival order; the query's window is not used. Inode
   * numbers are reused as soon as a file is gone, so a match by inode alone (under another name)
   * does not count after an event that removed the query's name (the object may be gone and its
   * number another file's: {@code rm r} then a new file elsewhere), nor when it removed that other
   * name, nor before such a removal (the number was an earlier file's: {@code sed -i s} replaces s,
   * and a file created next gets the old s's number). The cost: an unlink of another hard link of
   * the object, and the writes through that link before it, are not listed.
   */
  java.util.List<AuditedChange> findAll(ChangeQuery q, long fromNs, long toNs) {
    java.util.List<AuditedChange> out = new java.util.ArrayList<>(4);
    collect(q.inode() != 0 ? byInode.get(q.inode()) : null, q, fromNs, toNs, out);
    collect(q.path() != null ? byPath.get(q.path()) : null, q, fromNs, toNs, out);
    if (out.size() > 1) {
      // arrival order is the kernel's (serial) order; both deques may hold one event
      out.sort(
          java.util.Comparator.comparingLong(AuditedChange::receivedNs)
              .thenComparingLong(AuditedChange::serial));
      java.util.Set<AuditedChange> seen =
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      out.removeIf(c -> !seen.add(c));
    }
    // newest first: an inode-only removal of another name ends what belongs to this object
    boolean earlierObject = false;
    for (int k = out.size() - 1; k >= 0; k--) {
      AuditedChange c = out.get(k);
      boolean byName = false;
      boolean otherNameRemoved = false;
      for (PathItem i : c.items()) {
        if (i.nameType() == NameType.PARENT) {
          continue;
        }
        byName |= q.path() != null && q.path().equals(i.path());
        otherNameRemoved |=
            q.inode() != 0
                && i.inode() == q.inode()
                && i.nameType() == NameType.DELETE
                && !(q.path() != null && q.path().equals(i.path()));
      }
      if (!byName && (earlierObject || otherNameRemoved)) {
        out.remove(k);
      }
      earlierObject |= !byName && otherNameRemoved;
    }
    boolean nameRemoved = false;
    for (java.util.Iterator<AuditedChange> it = out.iterator(); it.hasNext(); ) {
      AuditedChange c = it.next();
      boolean byName = false;
      boolean removes = false;
      for (PathItem i : c.items()) {
        if (i.nameType() == NameType.PARENT) {
          continue;
        }
        boolean name = q.path() != null && q.path().equals(i.path());
        byName |= name;
        removes |= name && i.nameType() == NameType.DELETE;
      }
      if (!byName && nameRemoved) {
        it.remove();
        continue;
      }
      nameRemoved |= removes;
    }
    return out;
  }

  private static void collect(
      Object held, ChangeQuery q, long fromNs, long toNs, java.util.List<AuditedChange> out) {
    Iterable<AuditedChange> changes = changes(held);
    if (changes == null) {
      return;
    }
    for (AuditedChange c : changes) {
      if (c.success() && c.timeNs() >= fromNs && c.timeNs() <= toNs && rank(q, c) >= 0) {
        out.add(c);
      }
    }
  }

  /** Whether {@code c} matches the query at all (ignoring better candidates). */
  static boolean matches(ChangeQuery q, AuditedChange c) {
    return c.success() && distanceNs(q, c) <= q.windowNs() && rank(q, c) >= 0;
  }

  private static void scan(Object held, Best best) {
    if (held == null) {
      return;
    }
    if (!(held instanceof ArrayDeque<?>)) {
      best.consider((AuditedChange) held);
      return;
    }
    @SuppressWarnings("unchecked")
    ArrayDeque<AuditedChange> changes = (ArrayDeque<AuditedChange>) held;
    long oldest = best.q.timeNs() - best.q.windowNs() - RESOLUTION_NS - DISORDER_NS;
    for (Iterator<AuditedChange> it = changes.descendingIterator(); it.hasNext(); ) {
      AuditedChange c = it.next();
      if (c.timeNs() < oldest) {
        return;
      }
      best.consider(c);
    }
  }

  /**
   * How well the items match, or -1 for not at all: 4 for the pid, 2 for inode and path both in one
   * item, 1 for the same device.
   */
  private static int rank(ChangeQuery q, AuditedChange c) {
    int best = -1;
    for (PathItem i : c.items()) {
      if (i.nameType() == NameType.PARENT) {
        continue; // the directory that holds the object, not the object
      }
      boolean inode = q.inode() != 0 && i.inode() == q.inode();
      boolean path = q.path() != null && q.path().equals(i.path());
      if (!inode && !path) {
        continue;
      }
      int r = (inode && path ? 2 : 0) + (q.dev() != PathItem.NO_DEV && i.dev() == q.dev() ? 1 : 0);
      best = Math.max(best, r);
    }
    if (best >= 0 && q.pid() != 0 && c.actor().pid() != null && c.actor().pid() == q.pid()) {
      best += 4;
    }
    return best;
  }

  /** Distance from the query's time to the event's millisecond [t, t + 1 ms). */
  private static long distanceNs(ChangeQuery q, AuditedChange c) {
    long start = c.timeNs();
    long end = start + RESOLUTION_NS - 1;
    if (q.timeNs() < start) {
      return start - q.timeNs();
    }
    return q.timeNs() > end ? q.timeNs() - end : 0;
  }

  private static void pollHead(Map<?, Object> map, Object key, AuditedChange c) {
    Object held = map.get(key);
    if (held == null) {
      throw new IllegalStateException("index lost the key of serial " + c.serial());
    }
    if (held instanceof ArrayDeque<?> d) {
      Object head = d.pollFirst();
      if (head != c) {
        throw new IllegalStateException("index out of order at serial " + c.serial());
      }
      if (d.isEmpty()) {
        map.remove(key);
      }
      return;
    }
    if (held != c) {
      throw new IllegalStateException("index out of order at serial " + c.serial());
    }
    map.remove(key);
  }

  /**
   * Whether item {@code k} gives the change an inode key: a non-zero inode, not of a PARENT item
   * (as {@link #rank} does), and not already given by an earlier item. Counted in place (events
   * have a handful of items) rather than collected into a set per add and evict.
   */
  private static boolean isInodeKey(List<PathItem> items, int k) {
    PathItem i = items.get(k);
    if (i.inode() == 0 || i.nameType() == NameType.PARENT) {
      return false;
    }
    for (int j = 0; j < k; j++) {
      PathItem e = items.get(j);
      if (e.inode() == i.inode() && e.nameType() != NameType.PARENT) {
        return false;
      }
    }
    return true;
  }

  /** As {@link #isInodeKey} for the item's absolute path. */
  private static boolean isPathKey(List<PathItem> items, int k) {
    PathItem i = items.get(k);
    if (i.path() == null || i.nameType() == NameType.PARENT) {
      return false;
    }
    for (int j = 0; j < k; j++) {
      PathItem e = items.get(j);
      if (e.nameType() != NameType.PARENT && i.path().equals(e.path())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A key's changes: most keys have one, held as itself; from the second on, a deque in arrival
   * order. Saves a deque per event, which matters because the index must hold every event that
   * changes still waiting in the coalescer may ask about.
   */
  private static Object append(Object held, Object added) {
    if (held instanceof ArrayDeque<?>) {
      @SuppressWarnings("unchecked")
      ArrayDeque<AuditedChange> d = (ArrayDeque<AuditedChange>) held;
      d.addLast((AuditedChange) added);
      return d;
    }
    ArrayDeque<AuditedChange> d = new ArrayDeque<>(4);
    d.addLast((AuditedChange) held);
    d.addLast((AuditedChange) added);
    return d;
  }

  /** The changes held under a key, oldest first (a deque or a lone change), or null. */
  @SuppressWarnings("unchecked")
  private static Iterable<AuditedChange> changes(Object held) {
    if (held == null) {
      return null;
    }
    return held instanceof ArrayDeque<?> d
        ? (ArrayDeque<AuditedChange>) d
        : List.of((AuditedChange) held);
  }

  /** The best candidate so far: highest rank, then nearest in time, then the one received last. */
  private static final class Best {
    final ChangeQuery q;
    AuditedChange change;
    int rank;
    long distance;

    Best(ChangeQuery q) {
      this.q = q;
    }

    void consider(AuditedChange c) {
      if (!c.success()) {
        return; // a failed syscall changed nothing
      }
      long d = distanceNs(q, c);
      if (d > q.windowNs()) {
        return;
      }
      int r = rank(q, c);
      if (r < 0) {
        return;
      }
      if (change == null
          || r > rank
          || (r == rank
              && (d < distance || (d == distance && c.receivedNs() >= change.receivedNs())))) {
        change = c;
        rank = r;
        distance = d;
      }
    }
  }
}
