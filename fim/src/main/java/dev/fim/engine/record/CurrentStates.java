package dev.fim.engine.record;

import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The watch's reads of the {@code current} column, with the states it last read or wrote kept in
 * memory (bounded, least recently used first out): a path changed again is compared with its state
 * without a RocksDB get, its JNI copies and its decode (~14 µs of a paced change, issue 18 session
 * 16).
 *
 * <p>What is kept is never newer or older than the database: an entry is what a {@link #read} just
 * got from the store, or what {@link Recorder#commit} has just written (after the write returned;
 * {@link FileRecord} is immutable and its encoding lossless, so the object is what a get would
 * decode). The watch holds the database's lock, so no other process writes it; inside the process,
 * every writer of {@code current} other than the recorder's commits ({@code
 * ChangeComparator#recordTrees}' bulk writes and deletes, a database lent to another fim command
 * and taken back, a failed write whose outcome is unknown) calls {@link #forget} first and after,
 * so nothing cached outlives a write it did not see. A new watcher (a reload) starts empty. One
 * thread (the comparator's); not thread-safe.
 */
public final class CurrentStates {
  /** How many paths' states are kept: the paths changed most recently (~0.5 KB each). */
  public static final int CAPACITY = 4096;

  /** A path's state as last read or written; null record: the path has no state. */
  private record Known(FileRecord record) {}

  private final Store store;
  private final Map<PathBytes, Known> known;
  private long hits;
  private long misses;

  /**
   * @param capacity the most paths kept (0: every read goes to the store)
   */
  public CurrentStates(Store store, int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.store = store;
    this.known =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<PathBytes, Known> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The state {@code current} holds for {@code path}, or null. */
  public FileRecord read(PathBytes path) throws StoreException {
    Known k = known.get(path);
    if (k != null) {
      hits++;
      return k.record();
    }
    misses++;
    FileRecord r = store.getRecord(Column.CURRENT, path);
    known.put(path, new Known(r));
    return r;
  }

  /**
   * After a write of {@code current} returned: {@code states.get(i)} (null: removed) is now the
   * state of {@code paths.get(i)}, the last one winning for a path listed twice, as in the write.
   */
  void wrote(List<PathBytes> paths, List<FileRecord> states) {
    for (int i = 0; i < paths.size(); i++) {
      known.put(paths.get(i), new Known(states.get(i)));
    }
  }

  /** Something else wrote {@code current}, or may have: drop every kept state. */
  public void forget() {
    known.clear();
  }

  /** Paths kept now. */
  public int size() {
    return known.size();
  }

  /** Reads answered from memory. */
  public long hits() {
    return hits;
  }

  /** Reads that went to the store. */
  public long misses() {
    return misses;
  }
}
