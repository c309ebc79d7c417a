package dev.fim.engine.fanotify;

import dev.fim.store.PathBytes;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * {@link HandleResolver}'s cache: directory handles to paths, least recently used first out,
 * bounded by count and by bytes. A directory's path is chosen by whoever writes in a watched tree
 * and has no length limit (a directory deeper than PATH_MAX is named by climbing {@code ..}):
 * 10,000 directories 8 KB deep are 80 MB, more than the watch's heap, so bytes are counted and a
 * path heavier than the budget's 1/64th is not kept (it is resolved again when needed, as a miss).
 *
 * <p>Not thread-safe: the resolver's one thread.
 */
final class DirectoryPaths {
  /** The default byte budget: 4 MiB, 10,000 directories of up to ~300 bytes. */
  static final long BUDGET_BYTES = 4L << 20;

  /** A path heavier than the budget's 1/64th (64 KB of the default) is not kept. */
  static final int HEAVIEST_SHARE = 64;

  /** A cached path's heap besides its bytes and its handle's: the key, the path, the entry. */
  static final int ENTRY_OVERHEAD = 128;

  private final int capacity;
  private final long budget;
  private final LinkedHashMap<FileHandleKey, PathBytes> paths;
  private long held;

  DirectoryPaths(int capacity, long budgetBytes) {
    if (capacity < 1 || budgetBytes < 1) {
      throw new IllegalArgumentException("capacity " + capacity + ", budget " + budgetBytes);
    }
    this.capacity = capacity;
    this.budget = budgetBytes;
    this.paths = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true);
  }

  PathBytes get(FileHandleKey dir) {
    return paths.get(dir);
  }

  /** Keeps {@code path} for {@code dir}, unless too heavy; evicts the eldest while over a bound. */
  void put(FileHandleKey dir, PathBytes path) {
    long bytes = weight(dir, path);
    PathBytes old = bytes * HEAVIEST_SHARE > budget ? paths.remove(dir) : paths.put(dir, path);
    if (old != null) {
      held -= weight(dir, old);
    }
    if (bytes * HEAVIEST_SHARE > budget) {
      return;
    }
    held += bytes;
    Iterator<java.util.Map.Entry<FileHandleKey, PathBytes>> eldestFirst =
        paths.entrySet().iterator();
    while ((held > budget || paths.size() > capacity) && eldestFirst.hasNext()) {
      java.util.Map.Entry<FileHandleKey, PathBytes> e = eldestFirst.next();
      held -= weight(e.getKey(), e.getValue());
      eldestFirst.remove();
    }
  }

  void clear() {
    paths.clear();
    held = 0;
  }

  int size() {
    return paths.size();
  }

  /** Bytes held now, by {@link #weight}: never above the budget. */
  long heldBytes() {
    return held;
  }

  static long weight(FileHandleKey dir, PathBytes path) {
    return ENTRY_OVERHEAD + dir.handleLength() + path.length();
  }
}
