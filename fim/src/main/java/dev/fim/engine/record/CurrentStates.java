package dev.fim.engine.record;

import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

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
  /**
   * How many bytes of states the watch keeps (about 4,000 ordinary files' states). Bounded by
   * bytes, not entries: a path, a symlink's target and the extended attributes are each up to
   * kilobytes, and whoever can write in a watched tree chooses them (4,096 states of 4 KB-target
   * symlinks held 33 MB of the watch's 64 MB heap when this was a count, and a second wave ran it
   * out of memory).
   */
  public static final long BUDGET_BYTES = 2L << 20;

  /**
   * A state heavier than the budget's 1/64th (32 KB of the default) is not kept: read from the
   * store again when it changes, as before this cache, so no few heavy states push out all the
   * light ones.
   */
  static final int HEAVIEST_SHARE = 64;

  /** A path's state as last read or written (null record: the path has no state), its weight. */
  private record Known(FileRecord record, long bytes) {}

  private final Store store;
  private final long budget;
  private final long heaviest;
  private final LinkedHashMap<PathBytes, Known> known = new LinkedHashMap<>(16, 0.75f, true);
  private long held;
  private long hits;
  private long misses;

  /**
   * @param budgetBytes the most bytes of states kept, by {@link #weight} (0: every read goes to the
   *     store)
   */
  public CurrentStates(Store store, long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("budget " + budgetBytes);
    }
    this.store = store;
    this.budget = budgetBytes;
    this.heaviest = budgetBytes / HEAVIEST_SHARE;
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
    keep(path, r);
    return r;
  }

  /**
   * After a write of {@code current} returned: {@code states.get(i)} (null: removed) is now the
   * state of {@code paths.get(i)}, the last one winning for a path listed twice, as in the write.
   */
  void wrote(List<PathBytes> paths, List<FileRecord> states) {
    for (int i = 0; i < paths.size(); i++) {
      keep(paths.get(i), states.get(i));
    }
  }

  /**
   * {@code record} is now the state of {@code path}: kept, or, when it is too heavy to keep, the
   * path's older state dropped (it is no longer the store's).
   */
  private void keep(PathBytes path, FileRecord record) {
    long bytes = weight(path, record);
    Known old = bytes > heaviest ? known.remove(path) : known.put(path, new Known(record, bytes));
    if (old != null) {
      held -= old.bytes();
    }
    if (bytes > heaviest) {
      return;
    }
    held += bytes;
    Iterator<Known> eldestFirst = known.values().iterator();
    while (held > budget && eldestFirst.hasNext()) {
      held -= eldestFirst.next().bytes();
      eldestFirst.remove();
    }
  }

  /** What keeping {@code record} for {@code path} holds of the heap, about. */
  static long weight(PathBytes path, FileRecord record) {
    long bytes = 96L + path.length(); // the map's entry, the key and its array
    return record == null ? bytes : bytes + record.heldBytes();
  }

  /** Something else wrote {@code current}, or may have: drop every kept state. */
  public void forget() {
    known.clear();
    held = 0;
  }

  /** Paths kept now. */
  public int size() {
    return known.size();
  }

  /** Bytes of states kept now, by {@link #weight}: never above the budget. */
  public long heldBytes() {
    return held;
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
