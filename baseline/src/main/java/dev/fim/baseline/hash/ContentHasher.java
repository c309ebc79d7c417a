package dev.fim.baseline.hash;

import com.kenai.jffi.MemoryIO;
import dev.fim.baseline.walk.NativeException;
import dev.fim.store.Digest;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Errno;
import jnr.ffi.Runtime;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * Hashes the content of an open regular file with the requested algorithms, from native memory.
 *
 * <p>Files up to the buffer size (1 MiB by default) are {@code pread} whole into a reusable
 * native buffer; larger ones are mapped whole ({@code mmap}, {@code MADV_SEQUENTIAL}), hashed and
 * unmapped, so a 100 GB file costs address space, not heap or RAM. A 0-byte file is not read: it
 * has the digest of empty input. Holes of sparse files read as zeros, as they do for
 * {@code xxh128sum}.
 *
 * <p>XXH3-128 comes from zero-allocation-hashing, which has no streaming API: it must see the
 * whole content in one memory range, hence the mapping. Its two 64-bit halves are written
 * high then low, big-endian: the canonical form {@code xxh128sum} prints. SHA-256/512 go through
 * {@link MessageDigest} over direct {@link java.nio.ByteBuffer} views of the same memory, at most
 * 1 GiB each (a buffer's capacity is an int).
 *
 * <p>Not thread-safe: one per worker thread. {@link #close()} frees the buffer.
 */
public final class ContentHasher implements AutoCloseable {
  public static final int DEFAULT_BUFFER_SIZE = 1 << 20;
  private static final long VIEW_CHUNK = 1L << 30;
  /** Where mmap is refused (ENODEV: some FUSE and pseudo file systems), read into a temporary buffer up to this size. */
  private static final long READ_FALLBACK_MAX = 256L << 20;
  private static final HashNative.LibC LIBC = HashNative.LIBC;
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  private static final MemoryIO IO = MemoryIO.getInstance();
  private static final LongTupleHashFunction XXH128 = LongTupleHashFunction.xx128();

  private final int bufferSize;
  private long buffer;
  private final long[] xx = XXH128.newResultArray();
  private MessageDigest sha256;
  private MessageDigest sha512;

  public ContentHasher() {
    this(DEFAULT_BUFFER_SIZE);
  }

  public ContentHasher(int bufferSize) {
    if (bufferSize < 4096) {
      throw new IllegalArgumentException("hash buffer must be at least 4096 bytes, got " + bufferSize);
    }
    this.bufferSize = bufferSize;
    this.buffer = IO.allocateMemory(bufferSize, false);
    if (buffer == 0) {
      throw new OutOfMemoryError("cannot allocate a " + bufferSize + "-byte native hash buffer");
    }
  }

  public int bufferSize() {
    return bufferSize;
  }

  /**
   * Hashes {@code size} bytes of {@code fd} (its {@code fstat} size just before this call).
   * Reads from offset 0 whatever the fd's position. If the file grew, the extra bytes are not
   * hashed; the caller's second {@code fstat} notices and asks again.
   */
  public HashResult hash(int fd, long size, List<HashAlgorithm> algorithms, PathBytes path) throws NativeException {
    if (buffer == 0) {
      throw new IllegalStateException("ContentHasher is closed");
    }
    if (size <= 0) {
      return new HashResult(digest(buffer, 0, algorithms), 0, false);
    }
    if (size <= bufferSize) {
      long n = readFully(fd, buffer, bufferSize, path);
      return new HashResult(digest(buffer, n, algorithms), n, false);
    }
    long addr = LIBC.syscall(HashNative.SYS_mmap, 0, size, HashNative.PROT_READ, HashNative.MAP_PRIVATE, fd, 0);
    if (addr == HashNative.MAP_FAILED) {
      int e = RUNTIME.getLastError();
      if (e == Errno.ENODEV.intValue() && size <= READ_FALLBACK_MAX) {
        return hashViaTemporaryBuffer(fd, size, algorithms, path);
      }
      throw new NativeException("mmap", path, e);
    }
    try {
      // Advice only: a failure changes speed, not the result.
      LIBC.madvise(addr, size, HashNative.MADV_SEQUENTIAL);
      try {
        return new HashResult(digest(addr, size, algorithms), size, false);
      } catch (InternalError e) {
        // Pages past a new EOF raise SIGBUS; HotSpot turns a SIGBUS inside an Unsafe access
        // into this error instead of crashing. The file shrank: not a digest of anything.
        if (e.getMessage() != null && e.getMessage().contains("fault occurred")) {
          return new HashResult(List.of(), 0, true);
        }
        throw e;
      }
    } finally {
      LIBC.munmap(addr, size);
    }
  }

  private HashResult hashViaTemporaryBuffer(int fd, long size, List<HashAlgorithm> algorithms, PathBytes path)
      throws NativeException {
    long tmp = IO.allocateMemory(size, false);
    if (tmp == 0) {
      throw new OutOfMemoryError("cannot allocate " + size + " bytes to hash " + path.display());
    }
    try {
      long n = readFully(fd, tmp, size, path);
      return new HashResult(digest(tmp, n, algorithms), n, false);
    } finally {
      IO.freeMemory(tmp);
    }
  }

  /** pread until EOF or {@code capacity} bytes. */
  private static long readFully(int fd, long into, long capacity, PathBytes path) throws NativeException {
    long done = 0;
    while (done < capacity) {
      long n = LIBC.pread(fd, into + done, capacity - done, done);
      if (n < 0) {
        int e = RUNTIME.getLastError();
        if (e == Errno.EINTR.intValue()) {
          continue;
        }
        throw new NativeException("read", path, e);
      }
      if (n == 0) {
        break;
      }
      done += n;
    }
    return done;
  }

  private List<Digest> digest(long addr, long len, List<HashAlgorithm> algorithms) {
    List<Digest> out = new ArrayList<>(algorithms.size());
    for (HashAlgorithm a : algorithms) {
      out.add(switch (a) {
        case XXH3_128 -> xxh3(addr, len);
        case SHA256 -> sha(sha256(), a, addr, len);
        case SHA512 -> sha(sha512(), a, addr, len);
      });
    }
    return out;
  }

  private Digest xxh3(long addr, long len) {
    XXH128.hashMemory(addr, len, xx);
    byte[] v = new byte[16];
    putBigEndian(v, 0, xx[1]); // high 64 bits first: xxh128sum's canonical form
    putBigEndian(v, 8, xx[0]);
    return new Digest(HashAlgorithm.XXH3_128, v);
  }

  private static Digest sha(MessageDigest md, HashAlgorithm a, long addr, long len) {
    md.reset();
    for (long off = 0; off < len; off += VIEW_CHUNK) {
      int chunk = (int) Math.min(VIEW_CHUNK, len - off);
      md.update(IO.newDirectByteBuffer(addr + off, chunk));
    }
    return new Digest(a, md.digest());
  }

  private MessageDigest sha256() {
    if (sha256 == null) {
      sha256 = messageDigest("SHA-256");
    }
    return sha256;
  }

  private MessageDigest sha512() {
    if (sha512 == null) {
      sha512 = messageDigest("SHA-512");
    }
    return sha512;
  }

  private static MessageDigest messageDigest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " is required of every Java platform", e);
    }
  }

  private static void putBigEndian(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  @Override
  public void close() {
    if (buffer != 0) {
      IO.freeMemory(buffer);
      buffer = 0;
    }
  }
}
