package dev.fim.store;

import java.nio.ByteBuffer;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Batches record writes into RocksDB write batches (one write per ~1 MB), so a 100k-file scan
 * costs about a hundred writes instead of 100k. One writer can fill several column families with
 * the same record (e.g. {@code baseline} and {@code current} during init, encoded once), and
 * keeps the {@code inodes} index (dev+ino → path) when that column is among its targets.
 *
 * <p>Thread-safe: scan workers call {@link #put} concurrently; the lock is held only to append
 * to the batch. Bulk writers skip RocksDB's write-ahead log (a scan is redone, not recovered);
 * their data is durable after {@link Store#flush()}.
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
    byte[] inodeKey = columns.contains(Column.INODES)
        ? ByteBuffer.allocate(16).putLong(record.dev()).putLong(record.ino()).array() : null;
    WriteBatch full = null;
    synchronized (this) {
      try {
        for (Column c : columns) {
          if (c == Column.INODES) {
            batch.put(store.handle(c), inodeKey, key);
          } else {
            batch.put(store.handle(c), key, value);
          }
        }
      } catch (RocksDBException e) {
        throw Store.translate(store.dir(), "write " + columns, e);
      }
      count++;
      if (batch.getDataSize() >= BATCH_BYTES) {
        full = swap();
      }
    }
    writeAndClose(full);
  }

  /** Deletes {@code path} from every target column (not from the inode index). */
  public void delete(PathBytes path) throws StoreException {
    WriteBatch full = null;
    synchronized (this) {
      try {
        for (Column c : columns) {
          if (c != Column.INODES) {
            batch.delete(store.handle(c), path.toBytes());
          }
        }
      } catch (RocksDBException e) {
        throw Store.translate(store.dir(), "delete in " + columns, e);
      }
      count++;
      if (batch.getDataSize() >= BATCH_BYTES) {
        full = swap();
      }
    }
    writeAndClose(full);
  }

  /** Writes a key and an already encoded value as they are, to every target column. */
  public void putRaw(byte[] key, byte[] value) throws StoreException {
    WriteBatch full = null;
    synchronized (this) {
      try {
        for (Column c : columns) {
          batch.put(store.handle(c), key, value);
        }
      } catch (RocksDBException e) {
        throw Store.translate(store.dir(), "write " + columns, e);
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

  /** Writes what is batched. */
  public void flush() throws StoreException {
    WriteBatch full;
    synchronized (this) {
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
