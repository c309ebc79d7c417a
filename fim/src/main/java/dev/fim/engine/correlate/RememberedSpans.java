package dev.fim.engine.correlate;

import dev.fim.store.PathBytes;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * {@link AuditSource}'s memory of where each path's last change's writers ended, bounded by count
 * and by bytes, the eldest forgotten first. Paths are chosen by whoever writes in a watched tree:
 * 65,536 of 4 KB would be 256 MB of the watch's 64 MB heap. A path forgotten early only lets its
 * next change list a writer its previous change already listed. Not thread-safe.
 */
final class RememberedSpans {
  /** The byte bound, by {@link #weight}. */
  static final long BUDGET_BYTES = 4L << 20;

  /** An entry's heap besides its path's bytes: the entry, the key, the boxed time. */
  static final int OVERHEAD = 96;

  private final int maxPaths;
  private final long budget;
  private final LinkedHashMap<PathBytes, Long> ends = new LinkedHashMap<>();
  private long held;

  RememberedSpans(int maxPaths) {
    this(maxPaths, BUDGET_BYTES);
  }

  RememberedSpans(int maxPaths, long budgetBytes) {
    this.maxPaths = maxPaths;
    this.budget = budgetBytes;
  }

  /** The end remembered for {@code path}, or null. */
  Long get(PathBytes path) {
    return ends.get(path);
  }

  /** Remembers the path's span end; forgets the eldest while over the count or byte bound. */
  void put(PathBytes path, long endNs) {
    if (ends.put(path, endNs) == null) {
      held += weight(path);
    }
    Iterator<PathBytes> eldestFirst = ends.keySet().iterator();
    while ((ends.size() > maxPaths || held > budget) && eldestFirst.hasNext()) {
      held -= weight(eldestFirst.next());
      eldestFirst.remove();
    }
  }

  int size() {
    return ends.size();
  }

  /** Bytes held now, by {@link #weight}: never above the budget. */
  long heldBytes() {
    return held;
  }

  static long weight(PathBytes path) {
    return OVERHEAD + path.length();
  }
}
