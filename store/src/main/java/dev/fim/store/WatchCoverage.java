package dev.fim.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksIterator;

/**
 * When {@code fim watch} was running: one interval per watch run, in the {@code meta} column family
 * under {@code watch_coverage/} + big-endian start ns (DESIGN.md "watch coverage intervals"). An
 * auditor's report needs it: a change outside every interval was not seen live, only by a later
 * check or reconcile.
 *
 * <p>A run {@linkplain #begin begins} an interval, moves its end forward with {@link Run#heartbeat}
 * while it runs, and {@linkplain Run#end ends} it on an orderly stop. A run killed without a chance
 * to end (SIGKILL, power loss) leaves its interval ending at the last heartbeat, marked not {@link
 * Interval#ended()}: the report can say "coverage ends at the last sign of life", never claim more
 * than was watched.
 */
public final class WatchCoverage {
  private static final byte[] PREFIX = "watch_coverage/".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  private WatchCoverage() {}

  /**
   * One watch run.
   *
   * @param startNs when it started watching (ns since the epoch)
   * @param endNs when it stopped, or its last heartbeat if it did not stop cleanly (or is still
   *     running)
   * @param ended true when the run stopped in order (signal, end of watch); false while running or
   *     after a crash
   * @param host the host name it ran on
   * @param backend {@code fanotify} or {@code inotify}
   * @param attribution how changes were attributed ({@link Attribution#AUDIT}, {@code PROC} or
   *     {@code NONE}); stored as its label, an unknown label reads as {@code UNKNOWN}
   * @param trees the watched trees
   */
  public record Interval(
      long startNs,
      long endNs,
      boolean ended,
      String host,
      String backend,
      Attribution attribution,
      List<PathBytes> trees) {
    public Interval {
      trees = List.copyOf(trees);
    }

    /** True when this interval covers any instant in {@code [fromNs, untilNs)}. */
    public boolean overlaps(long fromNs, long untilNs) {
      return startNs < untilNs && endNs >= fromNs;
    }
  }

  /**
   * A running watch's interval; {@link #heartbeat} and {@link #end} rewrite its end. Thread-safe.
   */
  public static final class Run {
    private final Store store;
    private final byte[] key;
    private final Interval started;

    private Run(Store store, byte[] key, Interval started) {
      this.store = store;
      this.key = key;
      this.started = started;
    }

    /** Moves the end to {@code nowNs}: the run is still watching. */
    public void heartbeat(long nowNs) throws StoreException {
      write(nowNs, false);
    }

    /** Ends the interval at {@code nowNs} after an orderly stop. */
    public void end(long nowNs) throws StoreException {
      write(nowNs, true);
    }

    private synchronized void write(long nowNs, boolean ended) throws StoreException {
      Interval i = started;
      put(
          store,
          key,
          encode(
              new Interval(
                  i.startNs(),
                  Math.max(nowNs, i.startNs()),
                  ended,
                  i.host(),
                  i.backend(),
                  i.attribution(),
                  i.trees())));
    }
  }

  /**
   * This host's name as the kernel knows it (no DNS lookup): what a run records and a report names.
   */
  public static String thisHost() {
    try {
      return java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
          .trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Records the start of a watch run at {@code nowNs}. */
  public static Run begin(
      Store store,
      long nowNs,
      String host,
      String backend,
      Attribution attribution,
      List<PathBytes> trees)
      throws StoreException {
    Interval i = new Interval(nowNs, nowNs, false, host, backend, attribution, trees);
    byte[] key = key(nowNs);
    put(store, key, encode(i));
    return new Run(store, key, i);
  }

  /** Writes one interval, sealed into the evidence chain when one is attached (EvidenceChain). */
  private static void put(Store store, byte[] key, byte[] value) throws StoreException {
    try (SealedBatch batch = new SealedBatch(store)) {
      batch.put(Column.META, key, value);
      batch.write();
    }
  }

  /** Every recorded run that overlaps {@code [fromNs, untilNs)}, oldest first. */
  public static List<Interval> overlapping(Store store, long fromNs, long untilNs)
      throws StoreException {
    List<Interval> out = new ArrayList<>();
    try (RocksIterator it = store.db().newIterator(store.handle(Column.META))) {
      for (it.seek(PREFIX); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < PREFIX.length
            || !Arrays.equals(k, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
          break;
        }
        Interval i = decode(store, it.value());
        if (i.startNs() >= untilNs) {
          break; // keys are in start order
        }
        if (i.overlaps(fromNs, untilNs)) {
          out.add(i);
        }
      }
      store.checkIterator(it, Column.META);
    }
    return out;
  }

  /**
   * One recorded run as the store holds it: decoded, and its record's bytes (what {@code fim ship}
   * sends as {@code fim.record}, so a fleet report decodes it with this class's own code).
   */
  public record Stored(Interval interval, byte[] record) {}

  /**
   * Every recorded run that started at or after {@code fromStartNs}, oldest first, with its stored
   * record: what {@code fim ship} has not yet seen in its final form.
   */
  public static List<Stored> startingAt(Store store, long fromStartNs) throws StoreException {
    List<Stored> out = new ArrayList<>();
    try (RocksIterator it = store.db().newIterator(store.handle(Column.META))) {
      for (it.seek(key(fromStartNs)); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < PREFIX.length
            || !Arrays.equals(k, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
          break;
        }
        byte[] v = it.value();
        out.add(new Stored(decode(store, v), v));
      }
      store.checkIterator(it, Column.META);
    }
    return out;
  }

  /**
   * Decodes a record shipped to a cluster ({@link Stored#record}), where no database is at hand.
   *
   * @throws IllegalArgumentException when the bytes are not a coverage interval's record
   */
  public static Interval decodeShipped(byte[] v) {
    try {
      return decodeRecord(v);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static byte[] key(long startNs) {
    return ByteBuffer.allocate(PREFIX.length + 8).put(PREFIX).putLong(Math.max(startNs, 0)).array();
  }

  static byte[] encode(Interval i) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(i.startNs());
      out.writeLong(i.endNs());
      out.writeBoolean(i.ended());
      out.writeUTF(i.host());
      out.writeUTF(i.backend());
      out.writeUTF(i.attribution().label());
      out.writeInt(i.trees().size());
      for (PathBytes t : i.trees()) {
        byte[] b = t.toBytes();
        out.writeInt(b.length);
        out.write(b);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  static Interval decode(Store store, byte[] v) throws StoreException {
    try {
      return decodeRecord(v);
    } catch (IOException
        | IllegalArgumentException e) { // IAE: a tree with a NUL byte (PathBytes.of)
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database "
              + store.dir()
              + ": a watch coverage interval cannot be decoded ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static Interval decodeRecord(byte[] v) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(v))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("version " + version);
      }
      long start = in.readLong();
      long end = in.readLong();
      boolean ended = in.readBoolean();
      String host = in.readUTF();
      String backend = in.readUTF();
      Attribution attribution = Attribution.ofLabel(in.readUTF());
      int n = in.readInt();
      if (n < 0 || n > 1 << 16) {
        throw new IOException("tree count " + n);
      }
      List<PathBytes> trees = new ArrayList<>(n);
      for (int t = 0; t < n; t++) {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
          throw new IOException("tree length " + len);
        }
        trees.add(PathBytes.of(in.readNBytes(len)));
      }
      return new Interval(start, end, ended, host, backend, attribution, trees);
    }
  }
}
