package dev.fim.store;

import java.util.Arrays;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Iterates records of one column family in path-byte order, decoding lazily. Not thread-safe; close
 * it. Usage: {@code while (c.next()) { c.path(); c.record(); }}.
 */
public final class RecordCursor implements AutoCloseable {
  private final Store store;
  private final ReadOptions options;
  private final RocksIterator it;
  private final byte[] prefix;
  private final Column column;
  private boolean started;
  private PathBytes path;
  private byte[] value;

  RecordCursor(Store store, Column column, PathBytes under) {
    this.store = store;
    this.options = Store.readOptions().setFillCache(false);
    this.it = store.db().newIterator(store.handle(column), options);
    this.prefix = under == null ? null : under.toBytes();
    this.column = column;
  }

  /**
   * Moves to the next record; false at the end.
   *
   * @throws StoreException CORRUPT when a damaged block stops the iteration (it must not read as
   *     the end)
   */
  public boolean next() throws StoreException {
    if (!started) {
      started = true;
      if (prefix == null) {
        it.seekToFirst();
      } else {
        it.seek(prefix);
      }
    } else {
      it.next();
    }
    while (it.isValid()) {
      byte[] key = it.key();
      if (prefix != null && !isAtOrBelow(key)) {
        // Keys below the prefix are "prefix/…"; "prefix-x" sorts between them, so skip, don't stop,
        // until keys no longer start with the prefix bytes at all.
        if (key.length < prefix.length
            || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        it.next();
        continue;
      }
      path = PathBytes.wrap(key);
      value = it.value();
      return true;
    }
    path = null;
    value = null;
    store.checkIterator(it, column);
    return false;
  }

  private boolean isAtOrBelow(byte[] key) {
    return PathBytes.wrap(key).isUnder(PathBytes.wrap(prefix));
  }

  public PathBytes path() {
    return path;
  }

  /** The raw encoded value (for sealing). */
  public byte[] rawValue() {
    return value;
  }

  public FileRecord record() throws StoreException {
    return store.decode(path, value);
  }

  @Override
  public void close() {
    it.close();
    options.close();
  }
}
