package dev.fim.store;

import java.nio.ByteBuffer;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Batches record writes into RocksDB write batches (one write per ~1 MB), so a 100k-file scan costs
 * about a hundred writes instead of 100k. One writer can fill several column families with the same
 * record (e.g. {@code baseline} and {@code current} during init, encoded once), and keeps the
 * {@code inodes} index (dev+ino → path) when that column is among its targets.
 *
 * <p>Thread-safe: scan workers call {@link #put} concurrently; the lock is held only to append to
 * the batch. Bulk writers skip RocksDB's write-ahead log (a scan is redone, not recovered); their
 * data is durable after {@link Store#flush()}.
 */
public final class RecordWriter implements AutoCloseable {
  static final long BATCH_BYTES = 1 << 20;

  private final Store store;
  private final List<Column> columns;
  private final boolean bulk;
  private WriteBatch batch = new WriteBatch();
  private long count;

  RecordWriter(Store store, List<Column> columns, boolean bulk) {
    this.store = store;
    this.columns = List.copyOf(columns);
    this.bulk = bulk;
  }

  public void put(PathBytes path, FileRecord record) throws StoreException {
    byte[] value = FileRecordCodec.encode(record); // encode outside the lock
    byte[] key = path.toBytes();
    byte[] inodeKey =
        columns.contains(Column.INODES)
            ? ByteBuffer.allocate(16).putLong(record.dev()).putLong(record.ino()).array()
            : null;
    append(
        "write",
        (b, c) -> {
          if (c == Column.INODES) {
            b.put(store.handle(c), inodeKey, key);
          } else {
            b.put(store.handle(c), key, value);
          }
        });
  }

  /** Deletes {@code path} from every target column (not from the inode index). */
  public void delete(PathBytes path) throws StoreException {
    byte[] key = path.toBytes();
    append(
        "delete in",
        (b, c) -> {
          if (c != Column.INODES) {
            b.delete(store.handle(c), key);
          }
        });
  }

  /** Writes a key and an already encoded value as they are, to every target column. */
  public void putRaw(byte[] key, byte[] value) throws StoreException {
    append("write", (b, c) -> b.put(store.handle(c), key, value));
  }

  /** One batch operation on one column. */
  private interface BatchOp {
    void apply(WriteBatch batch, Column column) throws RocksDBException;
  }

  /**
   * Applies {@code op} for every target column under the lock; writes the batch once it is full.
   */
  private void append(String what, BatchOp op) throws StoreException {
    WriteBatch full = null;
    synchronized (this) {
      try {
        for (Column c : columns) {
          op.apply(batch, c);
        }
      } catch (RocksDBException e) {
        throw Store.translate(store.dir(), what + " " + columns, e);
      }
      count++;
      if (batch.getDataSize() >= BATCH_BYTES) {
        full = swap();
      }
    }
    writeAndClose(full);
  }

  private WriteBatch swap() {
    WriteBatch full = batch;
    batch = new WriteBatch();
    return full;
  }

  private void writeAndClose(WriteBatch full) throws StoreException {
    if (full != null) {
      try (full) {
        store.write(full, bulk);
      }
    }
  }

  /** Entries written so far. */
  public synchronized long count() {
    return count;
  }

  /** Writes what is batched; nothing when nothing is. */
  public void flush() throws StoreException {
    WriteBatch full;
    synchronized (this) {
      // RocksDB writes an empty batch like any other, a record in the write-ahead log; the watch's
      // Recorder flushes at every commit, also of events that change no file's state.
      if (batch.count() == 0) {
        return;
      }
      full = swap();
    }
    writeAndClose(full);
  }

  @Override
  public void close() throws StoreException {
    try {
      flush();
    } finally {
      synchronized (this) {
        batch.close();
      }
    }
  }
}
