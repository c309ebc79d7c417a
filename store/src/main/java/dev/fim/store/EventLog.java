package dev.fim.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The change history: appends {@link ChangeEvent}s to the {@code events} column family (keyed by
 * big-endian time and sequence, so iteration is chronological) and indexes them by path in
 * {@code events_by_path} (path + 0x00 + time + sequence). Thread-safe.
 */
public final class EventLog {
  private static final String META_SEQUENCE = "event_sequence";
  private final Store store;
  private final AtomicLong sequence;

  public EventLog(Store store) throws StoreException {
    this.store = store;
    String s = store.getMetaString(META_SEQUENCE);
    this.sequence = new AtomicLong(s == null ? 0 : Long.parseLong(s));
  }

  /** Appends events in one atomic write; returns them with their assigned sequences. */
  public List<ChangeEvent> append(List<ChangeEvent> events) throws StoreException {
    List<ChangeEvent> out = new ArrayList<>(events.size());
    try (WriteBatch batch = new WriteBatch()) {
      long last = 0;
      for (ChangeEvent e : events) {
        long seq = sequence.incrementAndGet();
        last = seq;
        ChangeEvent s = e.withSequence(seq);
        byte[] key = eventKey(s.timeNs(), seq);
        batch.put(store.handle(Column.EVENTS), key, ChangeEventCodec.encode(s));
        batch.put(store.handle(Column.EVENTS_BY_PATH), pathKey(s.path(), key), key);
        if (s.oldPath() != null) {
          batch.put(store.handle(Column.EVENTS_BY_PATH), pathKey(s.oldPath(), key), key);
        }
        out.add(s);
      }
      if (!events.isEmpty()) {
        batch.put(store.handle(Column.META), META_SEQUENCE.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Long.toString(last).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      store.write(batch);
    } catch (RocksDBException e) {
      throw Store.translate(store.dir(), "record events", e);
    }
    return out;
  }

  /** Calls {@code sink} for each event with {@code fromNs <= time < untilNs}, oldest first. */
  public void forEach(long fromNs, long untilNs, Consumer<ChangeEvent> sink) throws StoreException {
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS))) {
      for (it.seek(eventKey(fromNs, 0)); it.isValid(); it.next()) {
        ChangeEvent e = decode(it.value());
        if (e.timeNs() >= untilNs) {
          break;
        }
        sink.accept(e);
      }
    }
  }

  /** The events that name {@code path} (as path or old path), oldest first. */
  public List<ChangeEvent> forPath(PathBytes path) throws StoreException {
    List<ChangeEvent> out = new ArrayList<>();
    byte[] prefix = pathKey(path, new byte[0]);
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS_BY_PATH))) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length != prefix.length + 16 || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          continue;
        }
        byte[] v = store.get(Column.EVENTS, it.value());
        if (v != null) {
          out.add(decode(v));
        }
      }
    }
    return out;
  }

  private ChangeEvent decode(byte[] v) throws StoreException {
    try {
      return ChangeEventCodec.decode(v);
    } catch (IllegalArgumentException e) {
      throw new StoreException(StoreException.Reason.CORRUPT, "database " + store.dir()
          + ": a change event cannot be decoded (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] eventKey(long timeNs, long seq) {
    return ByteBuffer.allocate(16).putLong(timeNs).putLong(seq).array();
  }

  private static byte[] pathKey(PathBytes path, byte[] eventKey) {
    byte[] p = path.toBytes();
    byte[] k = new byte[p.length + 1 + eventKey.length];
    System.arraycopy(p, 0, k, 0, p.length);
    System.arraycopy(eventKey, 0, k, p.length + 1, eventKey.length);
    return k;
  }
}
