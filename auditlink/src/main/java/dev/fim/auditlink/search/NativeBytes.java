package dev.fim.auditlink.search;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * A block of native memory that pread fills and the byte search reads: libc's {@code memmem} where
 * jffi binds it ({@link LibcMemmem}), else Java loops that read eight bytes at a time.
 *
 * <p>Why not a byte array and a byte-array-view VarHandle: {@code bin/fim} runs a search with C1
 * alone (C2's compile threads cost more than they save in a sub-second run on 2 cores), and C1
 * neither inlines a VarHandle's access chain as well nor spares the copy a heap buffer costs: a
 * FileChannel reads into a temporary direct buffer and copies that into the array. {@code
 * sun.misc.Unsafe.getLong(address)} is a C1 intrinsic (one load), and pread lands where the search
 * reads. Measured on the bench log (287 MB, one thread, C1): pread + search 0.19 s against 0.24 s;
 * and the VarHandle's first use spun classes with ASM for ~10 ms at start-up. {@code
 * sun.misc.Unsafe} is in the jdk.unsupported module, readable without flags (as {@code
 * sun.misc.Signal} is for the CLI).
 *
 * <p>An Unsafe read outside the data would not throw but read stale or foreign memory (or crash the
 * JVM), so single reads are checked against the data's length and the word loops' bounds keep every
 * word inside it (see each loop; {@code ByteSearchTest} plants needles at the edges). The memory is
 * the direct buffer's and is freed with it. Not thread-safe: one per thread.
 */
final class NativeBytes {
  private static final sun.misc.Unsafe U;
  private static final long ADDRESS;

  /**
   * Whether this class can be used here; when not, {@link WindowedSearch#open} declines and the
   * search reads every line in order (the same events, slower). See {@link #usable}.
   */
  static final boolean AVAILABLE;

  static {
    sun.misc.Unsafe u = null;
    long address = -1;
    if (usable(Runtime.version().feature(), ByteOrder.nativeOrder())) {
      try {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        u = (sun.misc.Unsafe) f.get(null);
        address = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        u = null; // a JVM without it (or that refuses it): the sequential scan serves
      }
    }
    U = u;
    ADDRESS = address;
    AVAILABLE = u != null;
  }

  /**
   * Java before 23 (from 23 on, Unsafe's memory access methods are deprecated for removal and print
   * warnings from 24; fim is built and measured for 17), and a little-endian machine: the lowest
   * flagged byte of a word is the first position only in that order.
   */
  static boolean usable(int javaFeature, ByteOrder order) {
    return javaFeature < 23 && order == ByteOrder.LITTLE_ENDIAN;
  }

  private final ByteBuffer buffer;
  private final long address;
  private final int capacity;

  /**
   * Whether the searches call libc's {@code memmem} ({@link LibcMemmem}) once it is bound, rather
   * than the loops.
   */
  private final boolean libc;

  /**
   * How a search for the needles over the whole data calls libc ({@link #search(byte[][], int,
   * long, WindowedSearch.LongList)}, a part's chunk). Both ways find the same positions; which is
   * faster depends on the C library and the CPU. glibc 2.36's {@code memmem} is a scalar loop, its
   * {@code strstr} has an AVX-512 version: for the two needles of {@code -k fim-bench} over the 573
   * MB bench log in 256 KiB preads, one thread in C on this project's bench host (AMD EPYC with
   * AVX-512), memmem took 0.09–0.16 s beyond the reads, strstr 0.04–0.05 s and, with the {@code
   * memchr} check for NUL bytes that strstr needs, 0.06 s. With AVX-512 masked
   * (GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,...) strstr's SSE2 version and the check took
   * 0.12–0.13 s against memmem's 0.10 s. Hence {@link #MEASURED}.
   */
  enum LibcSearch {
    /** {@code memmem} for each needle. */
    MEMMEM,
    /**
     * {@code strstr} for each needle when the data holds no NUL (checked with {@code memchr}; it
     * would end a C string) and neither does a needle; else {@code memmem}.
     */
    STRSTR,
    /**
     * Each way on alternate chunks for the first {@link #TRIALS} chunks of at least {@link
     * #TRIAL_BYTES}, then the one whose fastest chunk took less time per byte, for the rest.
     */
    MEASURED
  }

  /** Chunks searched to choose between memmem and strstr ({@link LibcSearch#MEASURED}). */
  static final int TRIALS = 8;

  /** Chunks shorter than this are searched with memmem and not timed: too short to tell. */
  static final int TRIAL_BYTES = 64 << 10;

  private final LibcSearch chunkSearch;

  /** {@link LibcSearch#MEASURED}: chunks timed so far, and each way's fastest, in ns per byte. */
  private int trials;

  private double memmemNsPerByte = Double.MAX_VALUE;
  private double strstrNsPerByte = Double.MAX_VALUE;

  /** {@link LibcSearch#MEASURED}: the way chosen once {@link #TRIALS} chunks were timed. */
  private LibcSearch chosen;

  /** The needles of a {@code memmem} search, copied to native memory (grown when needed). */
  private ByteBuffer needleBuffer;

  private long needleAddress;

  /** Bytes that hold data: the last read's or copy's. */
  private int length;

  /**
   * @throws IllegalStateException when not {@link #AVAILABLE}
   */
  NativeBytes(int capacity) {
    this(capacity, true);
  }

  /**
   * @param libc search with libc's {@code memmem} whenever {@link LibcMemmem#ready()}, else always
   *     with the word loops below (tests compare both)
   * @throws IllegalStateException when not {@link #AVAILABLE}
   */
  NativeBytes(int capacity, boolean libc) {
    this(capacity, libc, LibcSearch.MEASURED);
  }

  /**
   * @param libc as for {@link #NativeBytes(int, boolean)}
   * @param chunkSearch which of libc's functions {@link #search(byte[][], int, long,
   *     WindowedSearch.LongList)} calls (tests pin one)
   * @throws IllegalStateException when not {@link #AVAILABLE}
   */
  NativeBytes(int capacity, boolean libc, LibcSearch chunkSearch) {
    this.libc = libc;
    this.chunkSearch = chunkSearch;
    if (!AVAILABLE) {
      throw new IllegalStateException("no Unsafe memory access on this JVM");
    }
    // One byte more than the data can fill: the NUL that ends it for strstr (searchWith).
    this.buffer = ByteBuffer.allocateDirect(capacity + 1);
    this.address = U.getLong(buffer, ADDRESS);
    this.capacity = capacity;
  }

  int capacity() {
    return capacity;
  }

  /** Whether the searches call libc's {@code memmem} now. */
  boolean searchesWithLibc() {
    return libc && LibcMemmem.ready();
  }

  /**
   * Reads up to {@code want} bytes of {@code ch} at {@code at} into the start; fewer only at the
   * file's end (a file shorter than when it was sized: truncated since). Returns the count.
   */
  int read(FileChannel ch, long at, int want) throws IOException {
    if (want < 0 || want > capacity) {
      throw new IndexOutOfBoundsException("read of " + want + " bytes into " + capacity);
    }
    buffer.clear().limit(want);
    while (buffer.hasRemaining()) {
      if (ch.read(buffer, at + buffer.position()) < 0) break;
    }
    length = buffer.position();
    return length;
  }

  /** Copies {@code b[off, off + len)} to the start (tests, and inputs already in memory). */
  void put(byte[] b, int off, int len) {
    if (len < 0 || len > capacity) {
      throw new IndexOutOfBoundsException("copy of " + len + " bytes into " + capacity);
    }
    buffer.clear();
    buffer.put(b, off, len);
    length = len;
  }

  /** Bytes that hold data: the last read's or copy's. */
  int length() {
    return length;
  }

  /**
   * Copies data bytes {@code [from, from + len)} to {@code dst[off, off + len)}: the reads around a
   * candidate served from the block just searched ({@link FileBytes#lend}).
   */
  void copyTo(int from, byte[] dst, int off, int len) {
    check(from, len);
    java.util.Objects.checkFromIndexSize(off, len, dst.length);
    U.copyMemory(null, address + from, dst, sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + off, len);
  }

  /** Byte {@code i}, 0 ≤ i &lt; length. */
  byte get(int i) {
    check(i, 1);
    return U.getByte(address + i);
  }

  /** Whether {@code needle} lies at {@code i}. */
  boolean startsWith(int i, byte[] needle) {
    check(i, needle.length);
    long a = address + i;
    for (int k = 0; k < needle.length; k++) {
      if (U.getByte(a + k) != needle[k]) return false;
    }
    return true;
  }

  /**
   * Adds {@code at + k} to {@code out} for each k in [0, starts) where one of {@code needles}
   * starts within the first {@code length} bytes (unordered; a position where two start counts
   * twice). With libc's {@code memmem} ({@link LibcMemmem}, the default where it is bound), each
   * needle in turn; otherwise two needles (a value and its hex form) are searched in one pass: half
   * the work of two passes. Each needle's byte at {@link #checkOffset} and its last byte are
   * compared eight positions at a time as words ("has zero byte", Bit Twiddling Hacks); the rare
   * positions flagged are compared whole.
   */
  void search(byte[][] needles, int starts, long at, WindowedSearch.LongList out) {
    if (libc && LibcMemmem.ready() && needles.length > 0 && minLength(needles) > 0) {
      LibcSearch way = chunkSearch == LibcSearch.MEASURED ? chosen : chunkSearch;
      if (!LibcMemmem.strstrReady() || !noNul(needles)) way = LibcSearch.MEMMEM;
      if (way == null && length < TRIAL_BYTES) way = LibcSearch.MEMMEM;
      if (way != null) {
        searchWith(way, needles, starts, at, out);
        return;
      }
      // Choosing: time this chunk's search one way or the other.
      way = (trials & 1) == 0 ? LibcSearch.MEMMEM : LibcSearch.STRSTR;
      long t = System.nanoTime();
      searchWith(way, needles, starts, at, out);
      double perByte = (double) (System.nanoTime() - t) / length;
      if (way == LibcSearch.MEMMEM) memmemNsPerByte = Math.min(memmemNsPerByte, perByte);
      else strstrNsPerByte = Math.min(strstrNsPerByte, perByte);
      if (++trials == TRIALS) {
        chosen = strstrNsPerByte < memmemNsPerByte ? LibcSearch.STRSTR : LibcSearch.MEMMEM;
      }
    } else if (needles.length == 2) {
      searchTwo(needles[0], needles[1], starts, at, out);
    } else {
      for (byte[] n : needles) search(n, checkOffset(n), starts, at, out);
    }
  }

  /**
   * As {@link #search(byte[][], int, long, WindowedSearch.LongList)} for one needle, {@code check}
   * compared first.
   */
  void search(byte[] needle, int check, int starts, long at, WindowedSearch.LongList out) {
    search(needle, check, 0, starts, at, out);
  }

  /**
   * As {@link #search(byte[], int, int, long, WindowedSearch.LongList)} over the data from byte
   * {@code from} on: adds {@code at + k} for each k in [0, starts) where {@code needle} starts at
   * {@code from + k} and ends within the data. The serial searches around a candidate run here on
   * the block just searched for the needles instead of reading its bytes again.
   */
  void search(
      byte[] needle, int check, int from, int starts, long at, WindowedSearch.LongList out) {
    int n = needle.length;
    if (check < 0 || check >= n) {
      throw new IllegalArgumentException(
          "check offset " + check + " outside a needle of " + n + " bytes");
    }
    if (from < 0 || from > length) {
      throw new IndexOutOfBoundsException("search from " + from + " of " + length);
    }
    int avail = length - from; // data bytes from 'from' on
    if (libc && LibcMemmem.ready()) {
      copyNeedles(needle);
      memmem(address + from, avail, needleAddress, n, starts, at, out);
      return;
    }
    starts = Math.min(starts, avail - n + 1);
    long first = broadcast(needle[check]);
    long last = broadcast(needle[n - 1]);
    int i = 0;
    // Words read: from + [i + check, i + check + 8) and from + [i + n - 1, i + n + 7), both
    // within the data (i + n + 7 <= avail).
    for (long a = address + from; i + 8 <= starts && i + n + 7 <= avail; i += 8, a += 8) {
      long x = (U.getLong(a + check) ^ first) | (U.getLong(a + n - 1) ^ last);
      long t = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      while (t != 0) {
        int k = i + (Long.numberOfTrailingZeros(t) >>> 3);
        if (startsWith(from + k, needle)) out.add(at + k);
        t &= t - 1;
      }
    }
    for (; i < starts; i++) {
      if (startsWith(from + i, needle)) out.add(at + i);
    }
  }

  /**
   * Adds {@code at + k} for each k in [0, starts) where the {@code n} bytes at native {@code
   * needle} start within the {@code avail} data bytes at {@code data} (inside this block), found
   * with libc's {@code memmem}: each call covers only the data the remaining starts can reach, so
   * no match can end past them.
   */
  private void memmem(
      long data, int avail, long needle, int n, int starts, long at, WindowedSearch.LongList out) {
    starts = Math.min(starts, avail - n + 1);
    if (starts <= 0) return;
    long last = data + starts; // exclusive bound on a match's address
    long end = last + n - 1; // within data + avail
    for (long from = data; from < last; ) {
      long r = LibcMemmem.find(from, end - from, needle, n);
      if (r == 0) return;
      if (r < from || r >= last) {
        throw new IllegalStateException("memmem returned an address outside its haystack");
      }
      out.add(at + (r - data));
      from = r + 1;
    }
  }

  /** The libc search of the needles over the whole data, {@code way} MEMMEM or STRSTR. */
  private void searchWith(
      LibcSearch way, byte[][] needles, int starts, long at, WindowedSearch.LongList out) {
    if (way == LibcSearch.STRSTR && !LibcMemmem.hasNul(address, length)) {
      copyTerminated(needles);
      U.putByte(address + length, (byte) 0); // within the buffer: one byte past the capacity
      long off = 0;
      for (byte[] n : needles) {
        strstr(needleAddress + off, n.length, starts, at, out);
        off += n.length + 1;
      }
      return;
    }
    copyNeedles(needles);
    long off = 0;
    for (byte[] n : needles) {
      memmem(address, length, needleAddress + off, n.length, starts, at, out);
      off += n.length;
    }
  }

  /**
   * The way {@link LibcSearch#MEASURED} chose, with each way's fastest trial (ns per MB), for the
   * search's trace; null while choosing.
   */
  String chunkSearchChoice() {
    return chosen == null
        ? null
        : chosen
            + " (memmem "
            + Math.round(memmemNsPerByte * 1e6)
            + " ns/MB, strstr "
            + Math.round(strstrNsPerByte * 1e6)
            + " ns/MB)";
  }

  /**
   * As {@link #memmem} over the whole data, which holds no NUL and is followed by one, with {@code
   * strstr} (the needle at native {@code needle}, NUL-terminated, holds none either): the same
   * positions, found faster where libc's {@code strstr} is vectorised and its {@code memmem} is
   * not.
   */
  private void strstr(long needle, int n, int starts, long at, WindowedSearch.LongList out) {
    starts = Math.min(starts, length - n + 1);
    if (starts <= 0) return;
    long last = address + starts; // exclusive bound on a match's address
    for (long from = address; from < last; ) {
      long r = LibcMemmem.strstr(from, needle);
      if (r == 0 || r >= last) return;
      if (r < from) {
        throw new IllegalStateException("strstr returned an address outside its haystack");
      }
      out.add(at + (r - address));
      from = r + 1;
    }
  }

  private static boolean noNul(byte[][] needles) {
    for (byte[] n : needles) {
      for (byte b : n) if (b == 0) return false;
    }
    return true;
  }

  /** Copies the needles one after the other to {@link #needleAddress}, each followed by a NUL. */
  private void copyTerminated(byte[][] needles) {
    int total = 0;
    for (byte[] n : needles) total += n.length + 1;
    needleCapacity(total);
    for (byte[] n : needles) needleBuffer.put(n).put((byte) 0);
  }

  /** Copies the needles one after the other to {@link #needleAddress}. */
  private void copyNeedles(byte[][] needles) {
    int total = 0;
    for (byte[] n : needles) total += n.length;
    needleCapacity(total);
    for (byte[] n : needles) needleBuffer.put(n);
  }

  /** Copies one needle to {@link #needleAddress}. */
  private void copyNeedles(byte[] needle) {
    needleCapacity(needle.length);
    needleBuffer.put(needle);
  }

  private void needleCapacity(int total) {
    if (needleBuffer == null || needleBuffer.capacity() < total) {
      needleBuffer = ByteBuffer.allocateDirect(Math.max(64, total));
      needleAddress = U.getLong(needleBuffer, ADDRESS);
    }
    needleBuffer.clear();
  }

  private static int minLength(byte[][] needles) {
    int m = Integer.MAX_VALUE;
    for (byte[] n : needles) m = Math.min(m, n.length);
    return m;
  }

  private void searchTwo(byte[] p, byte[] q, int starts, long at, WindowedSearch.LongList out) {
    int np = p.length;
    int nq = q.length;
    int cp = checkOffset(p);
    int cq = checkOffset(q);
    int startsP = Math.min(starts, length - np + 1);
    int startsQ = Math.min(starts, length - nq + 1);
    long fp = broadcast(p[cp]);
    long lp = broadcast(p[np - 1]);
    long fq = broadcast(q[cq]);
    long lq = broadcast(q[nq - 1]);
    // i + 8 <= words: the four words read lie within length for both needles.
    int words = Math.min(Math.min(startsP, startsQ), length - Math.max(np, nq) + 1);
    int i = 0;
    for (long a = address; i + 8 <= words; i += 8, a += 8) {
      long x = (U.getLong(a + cp) ^ fp) | (U.getLong(a + np - 1) ^ lp);
      long y = (U.getLong(a + cq) ^ fq) | (U.getLong(a + nq - 1) ^ lq);
      long tx = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      long ty = (y - 0x0101010101010101L) & ~y & 0x8080808080808080L;
      if ((tx | ty) == 0) continue;
      for (; tx != 0; tx &= tx - 1) {
        int k = i + (Long.numberOfTrailingZeros(tx) >>> 3);
        if (startsWith(k, p)) out.add(at + k);
      }
      for (; ty != 0; ty &= ty - 1) {
        int k = i + (Long.numberOfTrailingZeros(ty) >>> 3);
        if (startsWith(k, q)) out.add(at + k);
      }
    }
    for (int k = i; k < startsP; k++) {
      if (startsWith(k, p)) out.add(at + k);
    }
    for (int k = i; k < startsQ; k++) {
      if (startsWith(k, q)) out.add(at + k);
    }
  }

  /**
   * Which byte of a needle to compare first (with its last one): the first capital letter or
   * non-ASCII byte, else the first byte. A value's hex form is digits and A-F, and its letters are
   * far rarer in a log than its digits: on the bench log "66696D2D…68"'s '6' and '8' 17 bytes apart
   * flag 490 positions a MB, its 'D' and '8' none.
   */
  static int checkOffset(byte[] needle) {
    for (int i = 0; i < needle.length - 1; i++) {
      if ((needle[i] >= 'A' && needle[i] <= 'Z') || needle[i] < 0) return i;
    }
    return 0;
  }

  private static long broadcast(byte b) {
    return (b & 0xffL) * 0x0101010101010101L;
  }

  private void check(int i, int n) {
    if (i < 0 || n > length - i) {
      throw new IndexOutOfBoundsException("bytes [" + i + ", " + (i + n) + ") of " + length);
    }
  }
}
