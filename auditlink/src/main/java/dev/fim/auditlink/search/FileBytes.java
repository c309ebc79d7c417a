package dev.fim.auditlink.search;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The first {@code size} bytes of one input file for the reads around a candidate (its lines, their
 * starts and ends), through a few cached blocks read with pread.
 *
 * <p>Not a mapping of the file: copying out of a fresh mapping faults each page in once, and in a
 * search that touches a few pages every 300 KB those faults were 8 % of the CPU time (perf,
 * bench/audit-search.sh); a 64 KB pread costs less than the faults of its 16 pages. A read past
 * what the file now holds (truncated since it was sized) is an IOException. Not thread-safe: one
 * per thread and file.
 */
final class FileBytes {
  static final int BLOCK = 64 << 10;
  private static final int CACHED = 4;

  private final FileChannel ch;
  private final java.nio.file.Path path;
  private final int size;
  private final byte[][] blocks = new byte[CACHED][];
  private final ByteBuffer[] views = new ByteBuffer[CACHED];
  private final long[] blockAt = new long[CACHED];
  private final int[] blockLen = new int[CACHED];
  private int victim;

  /** Blocks read so far (tests bound the work a hostile log can cause). */
  long blockReads;

  /**
   * The block the byte search has just read from this file ({@link #lend}), which serves the reads
   * around the candidates it finds there; null when none.
   */
  private NativeBytes lent;

  private int lentAt;

  /**
   * @param path the file's name, for errors
   * @param size bytes of the file to serve, at most {@link Integer#MAX_VALUE}
   */
  FileBytes(FileChannel ch, java.nio.file.Path path, int size) {
    this.ch = ch;
    this.path = path;
    this.size = size;
    java.util.Arrays.fill(blockAt, -1);
  }

  int limit() {
    return size;
  }

  /**
   * Lends this file's bytes [at, at + data.length()) as the byte search has just read them into
   * {@code data}: reads within them are served from there until {@link #unlend} or the next lend.
   * Most of an event's lines lie within the 256 KB block its candidate was found in, and reading
   * them again cost ~100 KB of pread per candidate (bench/audit-search.sh). The caller keeps {@code
   * data} unchanged while lent.
   */
  void lend(NativeBytes data, int at) {
    this.lent = data;
    this.lentAt = at;
  }

  void unlend() {
    this.lent = null;
  }

  /**
   * The lent block when it holds all of [at, at + len) (offsets in it start at {@link #lentAt}),
   * else null.
   */
  NativeBytes lentHolding(int at, int len) {
    NativeBytes d = lent;
    return d != null && at >= lentAt && len >= 0 && (long) at + len <= (long) lentAt + d.length()
        ? d
        : null;
  }

  /** Where the lent block starts in the file. */
  int lentAt() {
    return lentAt;
  }

  /** Copies [at, at + len) to {@code dst[off, off + len)}; 0 ≤ at, at + len ≤ limit. */
  void get(int at, byte[] dst, int off, int len) throws IOException {
    if (at < 0 || len < 0 || len > size - at) {
      throw new IndexOutOfBoundsException(
          "bytes [" + at + ", " + ((long) at + len) + ") of " + size);
    }
    NativeBytes d = lentHolding(at, len);
    if (d != null) {
      d.copyTo(at - lentAt, dst, off, len);
      return;
    }
    while (len > 0) {
      int b = block(at);
      int in = (int) (at - blockAt[b]);
      int n = Math.min(len, blockLen[b] - in);
      System.arraycopy(blocks[b], in, dst, off, n);
      at += n;
      off += n;
      len -= n;
    }
  }

  /** The cache slot holding the block of {@code at}, read now if it is not cached. */
  private int block(int at) throws IOException {
    long start = (long) at / BLOCK * BLOCK;
    for (int i = 0; i < CACHED; i++) {
      if (blockAt[i] == start) return i;
    }
    int i = victim;
    victim = (victim + 1) % CACHED;
    if (blocks[i] == null) {
      blocks[i] = new byte[BLOCK];
      views[i] = ByteBuffer.wrap(blocks[i]);
    }
    int want = (int) Math.min(BLOCK, size - start);
    ByteBuffer v = views[i].clear().limit(want);
    blockAt[i] = -1; // not valid until read whole
    blockReads++;
    while (v.hasRemaining()) {
      if (ch.read(v, start + v.position()) < 0) {
        throw new IOException(
            path
                + " is shorter than when the search began ("
                + (start + v.position())
                + " of "
                + size
                + " bytes): truncated while being searched");
      }
    }
    blockAt[i] = start;
    blockLen[i] = want;
    return i;
  }
}
