package dev.fim.store;

import dev.fim.store.seal.HmacSha256;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * A write batch whose evidence records (events, their index, approvals, coverage intervals) are
 * sealed into the store's {@link EvidenceChain} when it is written, in the same atomic write;
 * without an attached chain it is a plain batch. A record written again (an approval, a coverage
 * heartbeat) replaces its old tag, and a key put twice in one batch counts once, as RocksDB keeps
 * it once. Not thread-safe; one per write.
 */
final class SealedBatch implements AutoCloseable {
  private final Store store;
  private final EvidenceChain chain;
  private final WriteBatch batch = new WriteBatch();

  /** The sealed records put, by kind and key: the last value wins, as in RocksDB. */
  private final Map<ByteBuffer, byte[]> puts = new LinkedHashMap<>();

  /** The values replaced records had before this batch (null: none). */
  private final Map<ByteBuffer, byte[]> before = new HashMap<>();

  SealedBatch(Store store) {
    this.store = store;
    this.chain = EvidenceChain.of(store);
  }

  /** Puts {@code value} under {@code key} in {@code col}; sealed when it is an evidence record. */
  void put(Column col, byte[] key, byte[] value) throws StoreException {
    try {
      batch.put(store.handle(col), key, value);
    } catch (RocksDBException e) {
      throw Store.translate(store.dir(), "write " + col.cfName(), e);
    }
    EvidenceChain.Kind k = chain == null ? null : EvidenceChain.kindOf(col, key);
    if (k == null) {
      return;
    }
    ByteBuffer id = id(k, key);
    if (k == EvidenceChain.Kind.APPROVALS || k == EvidenceChain.Kind.COVERAGE) {
      // Rewritten in place: the old record's tag leaves the aggregate.
      if (!puts.containsKey(id) && !before.containsKey(id)) {
        before.put(id, store.get(col, key));
      }
    }
    puts.put(id, value);
  }

  /**
   * Deletes {@code key} from {@code col}, which must hold no evidence records (a deleted record
   * would have to leave the chain's aggregate; nothing deletes evidence).
   */
  void delete(Column col, byte[] key) throws StoreException {
    if (EvidenceChain.kindOf(col, key) != null) {
      throw new IllegalArgumentException("evidence records are not deleted: " + col.cfName());
    }
    try {
      batch.delete(store.handle(col), key);
    } catch (RocksDBException e) {
      throw Store.translate(store.dir(), "delete in " + col.cfName(), e);
    }
  }

  /** Writes the batch (with the chain's new head when one is attached). */
  void write() throws StoreException {
    if (chain == null) {
      store.write(batch);
      return;
    }
    long[][] changes = new long[EvidenceChain.Kind.COUNT][4];
    long[] deltas = new long[EvidenceChain.Kind.COUNT];
    HmacSha256 mac = chain.mac();
    byte[] tag = new byte[EvidenceChain.TAG];
    for (Map.Entry<ByteBuffer, byte[]> e : puts.entrySet()) {
      seal(mac, e.getKey(), e.getValue(), tag, changes, deltas, 1);
    }
    for (Map.Entry<ByteBuffer, byte[]> e : before.entrySet()) {
      if (e.getValue() != null) {
        seal(mac, e.getKey(), e.getValue(), tag, changes, deltas, -1);
      }
    }
    chain.write(batch, changes, deltas);
  }

  private static void seal(
      HmacSha256 mac,
      ByteBuffer id,
      byte[] value,
      byte[] tag,
      long[][] changes,
      long[] deltas,
      int delta) {
    EvidenceChain.Kind k = EvidenceChain.Kind.values()[id.get(0)];
    byte[] key = new byte[id.capacity() - 1];
    id.get(1, key);
    EvidenceChain.tag(mac, k, key, value, tag);
    EvidenceChain.xor(changes[k.ordinal()], tag);
    deltas[k.ordinal()] += delta;
  }

  private static ByteBuffer id(EvidenceChain.Kind k, byte[] key) {
    ByteBuffer b = ByteBuffer.allocate(key.length + 1);
    b.put((byte) k.ordinal()).put(key).flip();
    return b;
  }

  @Override
  public void close() {
    batch.close();
  }
}
