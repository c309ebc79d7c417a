package dev.fim.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.rocksdb.RocksIterator;

/**
 * Approvals of recorded changes, in the {@code approvals} column family keyed like {@code events}
 * (big-endian time ns + sequence). Keyed alike, approvals and events are both in time order, so a
 * report walks the two side by side ({@link Cursor}) instead of looking each event up. An approval
 * is written once and never changed: accepting again leaves earlier approvals as they are.
 *
 * <p>A database opened read-only that predates the column family has no approvals. Thread-safe
 * (RocksDB is).
 */
public final class Approvals {
  private static final int VERSION = 1;
  private final Store store;

  public Approvals(Store store) {
    this.store = store;
  }

  /** The approval of the event {@code (timeNs, sequence)}, or null. */
  public Approval get(long timeNs, long sequence) throws StoreException {
    if (!store.has(Column.APPROVALS)) {
      return null;
    }
    byte[] v = store.get(Column.APPROVALS, EventLog.eventKey(timeNs, sequence));
    return v == null ? null : decode(v);
  }

  /** Receives one stored approval ({@link #forEach}). */
  public interface Sink {
    void accept(long eventTimeNs, long eventSequence, Approval approval, byte[] stored)
        throws StoreException;
  }

  /**
   * Every approval, in the key order of the events they approve (fim ship sends them; there are as
   * many as changes were accepted, far fewer than events).
   */
  public void forEach(Sink sink) throws StoreException {
    if (!store.has(Column.APPROVALS)) {
      return;
    }
    try (RocksIterator it = store.db().newIterator(store.handle(Column.APPROVALS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        ByteBuffer k = ByteBuffer.wrap(it.key());
        byte[] v = it.value();
        sink.accept(k.getLong(), k.getLong(), decode(v), v);
      }
      store.checkIterator(it, Column.APPROVALS);
    }
  }

  /**
   * Decodes an approval's stored bytes read elsewhere (a fleet report's shipped copy).
   *
   * @throws IllegalArgumentException when they are not an approval this fim reads
   */
  public static Approval decodeShipped(byte[] v) {
    try {
      return decodeBytes(v);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated", e);
    }
  }

  /** Stores {@code approval} for every one of {@code events}, in one atomic write. */
  public void approve(List<ChangeEvent> events, Approval approval) throws StoreException {
    byte[] value = encode(approval);
    try (SealedBatch batch =
        new SealedBatch(store)) { // sealed into the evidence chain (EvidenceChain)
      for (ChangeEvent e : events) {
        batch.put(Column.APPROVALS, EventLog.eventKey(e.timeNs(), e.sequence()), value);
      }
      batch.write();
    }
  }

  /**
   * A forward-only reader for events visited in time order (as {@link EventLog#forEach} gives
   * them): {@link #of} answers each event's approval by moving one iterator along, not by a lookup
   * per event. Close it. Not thread-safe.
   *
   * @param fromNs the first event time that will be asked for
   */
  public Cursor cursor(long fromNs) {
    return new Cursor(fromNs, null);
  }

  /**
   * As {@link #cursor(long)}, handing every approval record the cursor steps past to {@code passed}
   * (key and stored value, in key order, each once): matched or not, accepted before the report's
   * time or after it. With {@link Cursor#position} this partitions the approvals from {@code
   * fromNs} on, so a reader tags them for the evidence chain from the read it makes anyway ({@code
   * EvidenceChain.Pass#approval}).
   */
  public Cursor cursor(long fromNs, Passed passed) {
    return new Cursor(fromNs, passed);
  }

  /** Receives each approval record a {@link Cursor} steps past. */
  public interface Passed {
    void approval(byte[] key, byte[] stored);
  }

  /** See {@link #cursor}. */
  public final class Cursor implements AutoCloseable {
    private final org.rocksdb.ReadOptions options;
    private final RocksIterator it;
    private final Passed passed;
    private byte[] lastStored;

    /** The stored value at the iterator's position once copied out (matched), else null. */
    private byte[] atValue;

    /**
     * The iterator's key, copied out once per position (null: not yet): most events have no
     * approval, so the same key is compared with several events' keys in turn, and each {@code
     * it.key()} is a copy through JNI (a million-event report, bench/report.sh).
     */
    private byte[] at;

    private Cursor(long fromNs, Passed passed) {
      this.passed = passed;
      if (store.has(Column.APPROVALS)) {
        // One pass in key order (a report): not through the block cache, which it would churn.
        options = Store.passOptions();
        it = store.db().newIterator(store.handle(Column.APPROVALS), options);
        it.seek(EventLog.eventKey(Math.max(fromNs, 0), 0));
      } else {
        options = null;
        it = null;
      }
    }

    /** The approval of {@code e}, or null; events must come in key (time, sequence) order. */
    public Approval of(ChangeEvent e) throws StoreException {
      return ofKey(EventLog.eventKey(e.timeNs(), e.sequence()));
    }

    /**
     * The approval of the event stored under {@code key} (see {@link EventLog#forEachRaw}), or
     * null; in key order.
     */
    public Approval ofKey(byte[] key) throws StoreException {
      if (it == null) {
        return null;
      }
      lastStored = null;
      while (at != null || it.isValid()) {
        if (at == null) {
          at = it.key();
        }
        int c = java.util.Arrays.compareUnsigned(at, key);
        if (c == 0) {
          lastStored = it.value();
          atValue = lastStored;
          return decode(lastStored);
        }
        if (c > 0) {
          return null;
        }
        if (passed != null) { // stepped past: handed over exactly once, here
          passed.approval(at, atValue != null ? atValue : it.value());
        }
        it.next();
        at = null;
        atValue = null;
      }
      store.checkIterator(it, Column.APPROVALS); // a damaged block is not "no more approvals"
      return null;
    }

    /**
     * The key of the first approval this cursor has not stepped past (every approval from the
     * cursor's start up to it, and no other, went to its {@link Passed}), or null when none is left
     * (or there are no approvals).
     */
    public byte[] position() throws StoreException {
      if (it == null) {
        return null;
      }
      if (at != null) {
        return at;
      }
      if (it.isValid()) {
        return it.key();
      }
      store.checkIterator(it, Column.APPROVALS); // a damaged block is not "no more approvals"
      return null;
    }

    /**
     * The stored bytes of the approval {@link #of} returned last, or null when it returned null.
     */
    public byte[] lastStored() {
      return lastStored;
    }

    @Override
    public void close() {
      if (it != null) {
        it.close();
        options.close();
      }
    }
  }

  static byte[] encode(Approval a) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(a.acceptedNs());
      out.writeLong(a.auid());
      writeString(out, a.auidName());
      out.writeLong(a.uid());
      writeString(out, a.uidName());
      writeString(out, a.note());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  private Approval decode(byte[] v) throws StoreException {
    try {
      return decodeBytes(v);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database " + store.dir() + ": an approval cannot be decoded (" + e.getMessage() + ")",
          e);
    }
  }

  private static Approval decodeBytes(byte[] v) {
    ByteBuffer in = ByteBuffer.wrap(v);
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "approval encoding version " + version + " (this fim reads " + VERSION + ")");
    }
    long at = in.getLong();
    long auid = in.getLong();
    String auidName = readString(in);
    long uid = in.getLong();
    String uidName = readString(in);
    String note = readString(in);
    return new Approval(at, auid, auidName, uid, uidName, note == null ? "" : note);
  }

  /** Length-prefixed UTF-8; length -1 for null (a note may hold any text, including newlines). */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0) {
      return null;
    }
    if (n > in.remaining()) {
      throw new IllegalArgumentException("string length " + n);
    }
    String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }
}
