package dev.fim.store;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Batches record writes into RocksDB write batches (one write per ~1 MB), so a 100k-file scan
 * costs about a hundred writes instead of 100k. Thread-safe: scan workers call {@link #put}
 * concurrently; the lock is held only to append to the batch.
 */
public final class RecordWriter implements AutoCloseable {
  static final long BATCH_BYTES = 1 << 20;

  private final Store store;
  private final Column column;
  private WriteBatch batch = new WriteBatch();
  private long count;

  RecordWriter(Store store, Column column) {
    this.store = store;
    this.column = column;
  }

  public void put(PathBytes path, FileRecord record) throws StoreException {
    byte[] value = FileRecordCodec.encode(record); // encode outside the lock
    putRaw(path.toBytes(), value);
  }

  public void delete(PathBytes path) throws StoreException {
    WriteBatch full = null;
    synchronized (this) {
      try {
        batch.delete(store.handle(column), path.toBytes());
      } catch (RocksDBException e) {
        throw Store.translate(store.dir(), "delete in " + column.cfName(), e);
      }
      count++;
      if (batch.getDataSize() >= BATCH_BYTES) {
        full = swap();
      }
    }
    writeAndClose(full);
  }

  /** Writes a key and value as they are (used for the inode index). */
  public void putRaw(byte[] key, byte[] value) throws StoreException {
    WriteBatch full = null;
    synchronized (this) {
      try {
        batch.put(store.handle(column), key, value);
      } catch (RocksDBException e) {
        throw Store.translate(store.dir(), "write " + column.cfName(), e);
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
        store.write(full);
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
