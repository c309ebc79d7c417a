package dev.fim.store;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Iterates every key and value of one column family in key order as bytes, copied into the caller's
 * array: no array per key and value, as {@link RecordCursor} makes. The seal's read of every record
 * (100k of them after an init's scan, on one thread), where those arrays and their copies were a
 * tenth of the work. Not thread-safe; close it.
 */
public final class RawCursor implements AutoCloseable {
  private final Store store;
  private final Column column;
  private final ReadOptions options;
  private final RocksIterator it;
  private boolean started;

  RawCursor(Store store, Column column) {
    this.store = store;
    this.column = column;
    this.options = Store.readOptions().setFillCache(false);
    this.it = store.db().newIterator(store.handle(column), options);
  }

  /**
   * Moves to the next entry; false at the end.
   *
   * @throws StoreException CORRUPT when a damaged block stops the iteration (it must not read as
   *     the end)
   */
  public boolean next() throws StoreException {
    if (started) {
      it.next();
    } else {
      started = true;
      it.seekToFirst();
    }
    if (it.isValid()) {
      return true;
    }
    store.checkIterator(it, column);
    return false;
  }

  /**
   * Copies up to {@code len} bytes of the current key to {@code dst} at {@code off}; returns the
   * key's whole length (more than {@code len}: only its start was copied).
   */
  public int key(byte[] dst, int off, int len) {
    return it.key(dst, off, len);
  }

  /** As {@link #key(byte[], int, int)}, for the current value. */
  public int value(byte[] dst, int off, int len) {
    return it.value(dst, off, len);
  }

  /** The current key in an array of its own. */
  public byte[] key() {
    return it.key();
  }

  /** The current value in an array of its own. */
  public byte[] value() {
    return it.value();
  }

  @Override
  public void close() {
    it.close();
    options.close();
  }
}
