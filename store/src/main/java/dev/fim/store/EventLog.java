package dev.fim.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.RocksIterator;

/**
 * The change history: appends {@link ChangeEvent}s to the {@code events} column family (keyed by
 * big-endian time and sequence, so iteration is chronological) and indexes them by path in {@code
 * events_by_path} (path + 0x00 + time + sequence). Thread-safe.
 */
public final class EventLog {
  private static final String META_SEQUENCE = "event_sequence";

  /** An {@code events} key: big-endian time ns, then sequence. */
  private static final int EVENT_KEY_BYTES = 16;

  private final Store store;
  private final AtomicLong sequence;

  public EventLog(Store store) throws StoreException {
    this.store = store;
    String s = store.getMetaString(META_SEQUENCE);
    this.sequence = new AtomicLong(s == null ? 0 : Long.parseLong(s));
  }

  /**
   * Takes up the sequence another process left in the store (a {@code fim check} that borrowed the
   * database while this log's owner lent it), so sequences stay monotonic per store.
   */
  public void resync() throws StoreException {
    String s = store.getMetaString(META_SEQUENCE);
    if (s != null) {
      sequence.accumulateAndGet(Long.parseLong(s), Math::max);
    }
  }

  /** Appends events in one atomic write; returns them with their assigned sequences. */
  public List<ChangeEvent> append(List<ChangeEvent> events) throws StoreException {
    return append(events, List.of(), List.of());
  }

  /**
   * Appends events and, in the same atomic write, sets the {@code current} state of {@code
   * paths[i]} to {@code states[i]} (null removes it): the watch's recorder, whose events and the
   * states they report then reach the database together or not at all, in one write instead of two
   * (a WAL append, and on a watched filesystem a fanotify event for the reader to drop, less per
   * change). Returns the events with their assigned sequences. The states are not evidence records;
   * the chain seals the events alone, as before.
   */
  public List<ChangeEvent> append(
      List<ChangeEvent> events, List<PathBytes> paths, List<FileRecord> states)
      throws StoreException {
    if (paths.size() != states.size()) {
      throw new IllegalArgumentException(paths.size() + " paths, " + states.size() + " states");
    }
    List<ChangeEvent> out = new ArrayList<>(events.size());
    // Sealed into the evidence chain when one is attached to the store (EvidenceChain).
    try (SealedBatch batch = new SealedBatch(store)) {
      long last = 0;
      for (ChangeEvent e : events) {
        long seq = sequence.incrementAndGet();
        last = seq;
        ChangeEvent s = e.withSequence(seq);
        byte[] key = eventKey(s.timeNs(), seq);
        batch.put(Column.EVENTS, key, ChangeEventCodec.encode(s));
        batch.put(Column.EVENTS_BY_PATH, pathKey(s.path(), key), key);
        if (s.oldPath() != null) {
          batch.put(Column.EVENTS_BY_PATH, pathKey(s.oldPath(), key), key);
        }
        out.add(s);
      }
      if (!events.isEmpty()) {
        batch.put(
            Column.META,
            META_SEQUENCE.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Long.toString(last).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      for (int i = 0; i < paths.size(); i++) {
        FileRecord r = states.get(i);
        if (r == null) {
          batch.delete(Column.CURRENT, paths.get(i).toBytes());
        } else {
          batch.put(Column.CURRENT, paths.get(i).toBytes(), FileRecordCodec.encode(r));
        }
      }
      batch.write();
    }
    return out;
  }

  /**
   * Calls {@code sink} for each event with {@code fromNs <= time < untilNs}, oldest first. A {@code
   * fromNs} before 1970 reads from the first event (keys are big-endian, so a negative time would
   * sort after every other).
   */
  public void forEach(long fromNs, long untilNs, Consumer<ChangeEvent> sink) throws StoreException {
    forEachStored(fromNs, untilNs, (e, stored) -> sink.accept(e));
  }

  /**
   * The stored events with {@code fromNs <= time < untilNs}, oldest first, undecoded: their keys
   * (time and sequence, big-endian) and values, for a reader that decodes them elsewhere ({@link
   * #decode}, e.g. on other threads). Returns the key where the read stopped (the first past the
   * period), or null when it ran to the last event: what the events handed over were cut from, for
   * {@link EvidenceChain.Pass#finish}.
   */
  public byte[] forEachRaw(
      long fromNs, long untilNs, java.util.function.BiConsumer<byte[], byte[]> sink)
      throws StoreException {
    // One pass over a period (a report): not through the block cache, which it would only churn.
    try (org.rocksdb.ReadOptions ro = Store.passOptions();
        RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS), ro)) {
      byte[] stopped = null;
      for (it.seek(eventKey(Math.max(fromNs, 0), 0)); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length >= 8 && ByteBuffer.wrap(key, 0, 8).getLong() >= untilNs) {
          stopped = key;
          break;
        }
        sink.accept(key, it.value());
      }
      store.checkIterator(it, Column.EVENTS);
      return stopped;
    }
  }

  /**
   * How many events have {@code fromNs <= time < untilNs}, counted up to {@code limit}: {@code
   * limit} when there are that many or more. Reads keys only as far as the limit (a report asks
   * whether its period is small before it creates its output).
   */
  public int countUpTo(long fromNs, long untilNs, int limit) throws StoreException {
    try (org.rocksdb.ReadOptions ro = Store.passOptions();
        RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS), ro)) {
      int n = 0;
      for (it.seek(eventKey(Math.max(fromNs, 0), 0)); n < limit && it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length >= 8 && ByteBuffer.wrap(key, 0, 8).getLong() >= untilNs) {
          break;
        }
        n++;
      }
      store.checkIterator(it, Column.EVENTS);
      return n;
    }
  }

  /**
   * As {@link #forEach}, with each event's stored bytes (its encoding in the store, for a digest of
   * the data).
   */
  public void forEachStored(
      long fromNs, long untilNs, java.util.function.BiConsumer<ChangeEvent, byte[]> sink)
      throws StoreException {
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS))) {
      for (it.seek(eventKey(Math.max(fromNs, 0), 0)); it.isValid(); it.next()) {
        byte[] stored = it.value();
        ChangeEvent e = decode(stored);
        if (e.timeNs() >= untilNs) {
          break;
        }
        sink.accept(e, stored);
      }
      store.checkIterator(it, Column.EVENTS);
    }
  }

  /**
   * The highest sequence appended to this store so far (by any process: read from the store, not
   * this log's counter), 0 when none.
   */
  public long storedHead() throws StoreException {
    String s = store.getMetaString(META_SEQUENCE);
    return s == null ? 0 : Long.parseLong(s);
  }

  /**
   * Calls {@code sink} for each event with {@code after < sequence <= through}, in sequence order:
   * what an output missed (it was stalled, or fim was not running). The {@code events} column is
   * keyed by time, so this reads every key once (their last 8 bytes are the sequence; values are
   * not copied), notes each matching event's time in a table indexed by sequence ({@code through -
   * after} longs: the caller keeps the range bounded), then reads the matching events by key in
   * sequence order.
   */
  public void forSequences(long after, long through, Consumer<ChangeEvent> sink)
      throws StoreException {
    if (through <= after) {
      return;
    }
    int n = Math.toIntExact(through - after);
    long[] times = new long[n];
    java.util.BitSet present = new java.util.BitSet(n);
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length != EVENT_KEY_BYTES) {
          continue;
        }
        ByteBuffer k = ByteBuffer.wrap(key);
        long seq = k.getLong(8);
        if (seq > after && seq <= through) {
          int slot = (int) (seq - after - 1);
          times[slot] = k.getLong(0);
          present.set(slot);
        }
      }
      store.checkIterator(it, Column.EVENTS);
    }
    for (int slot = present.nextSetBit(0); slot >= 0; slot = present.nextSetBit(slot + 1)) {
      byte[] v = store.get(Column.EVENTS, eventKey(times[slot], after + 1 + slot));
      if (v != null) {
        sink.accept(decode(v));
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
        if (k.length != prefix.length + 16
            || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          if (k.length < prefix.length
              || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          continue;
        }
        byte[] v = store.get(Column.EVENTS, it.value());
        if (v != null) {
          out.add(decode(v));
        }
      }
      store.checkIterator(it, Column.EVENTS_BY_PATH);
    }
    return out;
  }

  /**
   * Calls {@code sink} for each event with {@code fromNs <= time < untilNs} that names {@code root}
   * or a path below it ({@code /etc} and {@code /etc/hosts}, not {@code /etcx}), as path or old
   * path, oldest first, each event once (a move inside the tree is indexed under both names).
   *
   * <p>Walks the {@code events_by_path} index under {@code root}, skipping each path's entries
   * outside the window by seeking, and reads only the matching events; their keys (16 bytes each)
   * are held to put the paths' events in time order. For {@code /} every event matches, and {@link
   * #forEach} streams them without the index.
   */
  public void forTree(PathBytes root, long fromNs, long untilNs, Consumer<ChangeEvent> sink)
      throws StoreException {
    byte[] r = root.toBytes();
    if (r.length == 1 && r[0] == '/') {
      forEach(fromNs, untilNs, sink);
      return;
    }
    // The root's own entries (root + 0x00 + event key), then those below it (root + '/' + …).
    byte[] own = Arrays.copyOf(r, r.length + 1);
    byte[] below = Arrays.copyOf(r, r.length + 1);
    below[r.length] = '/';
    List<byte[]> keys = new ArrayList<>();
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS_BY_PATH))) {
      for (byte[] prefix : List.of(own, below)) {
        it.seek(prefix);
        while (it.isValid()) {
          byte[] k = it.key();
          if (!startsWith(k, prefix)) {
            break;
          }
          int pathEnd = k.length - 1 - EVENT_KEY_BYTES;
          long timeNs = ByteBuffer.wrap(k, pathEnd + 1, 8).getLong();
          if (timeNs >= fromNs && timeNs < untilNs) {
            keys.add(Arrays.copyOfRange(k, pathEnd + 1, k.length));
            it.next();
            continue;
          }
          // Before the window: this path's first entry in it; after it: the next path (path + 0x01
          // sorts after
          // every path + 0x00 + event key). A time before 1970 sorts last, so seek only forward.
          byte[] target =
              timeNs < fromNs
                  ? pathKey(k, pathEnd, eventKey(fromNs, 0))
                  : Arrays.copyOf(k, pathEnd + 1);
          if (timeNs >= fromNs) {
            target[pathEnd] = 1;
          }
          if (Arrays.compareUnsigned(target, k) > 0) {
            it.seek(target);
          } else {
            it.next();
          }
        }
        store.checkIterator(it, Column.EVENTS_BY_PATH);
      }
    }
    keys.sort(Arrays::compareUnsigned);
    byte[] previous = null;
    for (byte[] key : keys) {
      if (!Arrays.equals(key, previous)) {
        byte[] v = store.get(Column.EVENTS, key);
        if (v != null) {
          sink.accept(decode(v));
        }
      }
      previous = key;
    }
  }

  /**
   * The last {@code limit} events that name exactly {@code path} (as path or old path), newest
   * first.
   */
  public List<ChangeEvent> latestForPath(PathBytes path, int limit) throws StoreException {
    List<ChangeEvent> out = new ArrayList<>();
    byte[] prefix = pathKey(path, new byte[0]);
    byte[] last = new byte[EVENT_KEY_BYTES];
    Arrays.fill(last, (byte) 0xff);
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS_BY_PATH))) {
      for (it.seekForPrev(pathKey(path, last)); it.isValid() && out.size() < limit; it.prev()) {
        if (!startsWith(it.key(), prefix)) {
          break;
        }
        byte[] v = store.get(Column.EVENTS, it.value());
        if (v != null) {
          out.add(decode(v));
        }
      }
      store.checkIterator(it, Column.EVENTS_BY_PATH);
    }
    return out;
  }

  private static boolean startsWith(byte[] k, byte[] prefix) {
    return k.length >= prefix.length
        && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * The highest sequence recorded in {@code store} (0 when none): every recorded event has a
   * sequence at or below it.
   */
  public static long headSequence(Store store) throws StoreException {
    String s = store.getMetaString(META_SEQUENCE);
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database " + store.dir() + " has an unreadable event sequence (" + s + ")");
    }
  }

  /**
   * Where the events recorded after sequence {@code after} are (up to {@code head}, from {@link
   * #headSequence}), in sequence order: {@code keys[2i]} is the i-th one's time, {@code keys[2i+1]}
   * its sequence; read each with {@link #stored}.
   *
   * <p>Events are keyed by time, and time order is not sequence order (a coalesced change keeps its
   * first observation's time; the clock may step back), so this cannot seek. It reads keys only,
   * from the newest backwards, and stops once it found all {@code head - after} sequences, which is
   * at once when few are pending (a shipper that keeps up); it reads to the oldest only when there
   * is a gap in the sequences (a write that failed after taking its number) or when most are
   * pending. Holds 16 bytes per pending event.
   */
  public long[] pendingAfter(long after, long head) throws StoreException {
    if (head <= after) {
      return new long[0];
    }
    long wanted = head - after;
    long[] found = new long[(int) Math.min(2 * wanted, 1 << 20)];
    int n = 0;
    try (RocksIterator it = store.db().newIterator(store.handle(Column.EVENTS))) {
      for (it.seekToLast(); it.isValid() && n / 2 < wanted; it.prev()) {
        byte[] key = it.key();
        if (key.length != EVENT_KEY_BYTES) {
          continue;
        }
        ByteBuffer b = ByteBuffer.wrap(key);
        long time = b.getLong();
        long seq = b.getLong();
        if (seq > after && seq <= head) {
          if (n == found.length) {
            found = Arrays.copyOf(found, found.length * 2);
          }
          found[n++] = time;
          found[n++] = seq;
        }
      }
      store.checkIterator(it, Column.EVENTS);
    }
    return sortBySequence(found, n);
  }

  /**
   * The (time, sequence) pairs, found newest first, in sequence order: reversed, which is the order
   * when times rise with sequences (the usual case, no sort), else sorted.
   */
  private static long[] sortBySequence(long[] pairs, int n) {
    int count = n / 2;
    long[] out = new long[n];
    boolean sorted = true;
    for (int i = 0; i < count; i++) {
      out[2 * i] = pairs[n - 2 - 2 * i];
      out[2 * i + 1] = pairs[n - 1 - 2 * i];
      sorted &= i == 0 || out[2 * i + 1] > out[2 * i - 1];
    }
    if (sorted) {
      return out;
    }
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(pairs[2 * a + 1], pairs[2 * b + 1]));
    for (int i = 0; i < count; i++) {
      out[2 * i] = pairs[2 * order[i]];
      out[2 * i + 1] = pairs[2 * order[i] + 1];
    }
    return out;
  }

  /** The stored bytes of the event at ({@code timeNs}, {@code seq}), or null when there is none. */
  public byte[] stored(long timeNs, long seq) throws StoreException {
    return store.get(Column.EVENTS, eventKey(timeNs, seq));
  }

  /**
   * Decodes a stored event's bytes read elsewhere (a fleet report's shipped copy); thread-safe.
   *
   * @throws IllegalArgumentException when they are not an event record this fim reads
   */
  public static ChangeEvent decodeShipped(byte[] v) {
    try {
      return ChangeEventCodec.decode(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Decodes a stored event (from {@link #forEachRaw}); thread-safe. */
  public ChangeEvent decode(byte[] v) throws StoreException {
    try {
      return ChangeEventCodec.decode(v);
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database " + store.dir() + ": a change event cannot be decoded (" + e.getMessage() + ")",
          e);
    }
  }

  /** An {@code events} key (also the {@code approvals} key). */
  static byte[] eventKey(long timeNs, long seq) {
    return ByteBuffer.allocate(EVENT_KEY_BYTES).putLong(timeNs).putLong(seq).array();
  }

  private static byte[] pathKey(PathBytes path, byte[] eventKey) {
    byte[] p = path.toBytes();
    return pathKey(p, p.length, eventKey);
  }

  /** {@code path[0, pathLength)} + 0x00 + {@code eventKey}: an {@code events_by_path} key. */
  private static byte[] pathKey(byte[] path, int pathLength, byte[] eventKey) {
    byte[] k = new byte[pathLength + 1 + eventKey.length];
    System.arraycopy(path, 0, k, 0, pathLength);
    System.arraycopy(eventKey, 0, k, pathLength + 1, eventKey.length);
    return k;
  }
}
