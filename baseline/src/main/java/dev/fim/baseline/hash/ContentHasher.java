package dev.fim.baseline.hash;

import com.kenai.jffi.MemoryIO;
import dev.fim.store.Digest;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.LibcFunction;
import dev.fim.store.sys.NativeException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Errno;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * Hashes the content of an open regular file with the requested algorithms, from native memory,
 * never from the Java heap.
 *
 * <p>Files up to the buffer size (1 MiB by default) are {@code pread} whole into a reusable native
 * buffer and hashed in one go (XXH3 from 1 KiB by the system's libxxhash when it is installed,
 * {@link LibXxhash}, its SIMD kernels ~5× faster than Java on the bench VM; else and below by
 * {@link Xxh3Stream}'s loop, zero-allocation-hashing's for inputs of at most 240 bytes; {@link
 * MessageDigest} over a direct {@link java.nio.ByteBuffer} view). Larger files are read through the
 * same buffer chunk by chunk: SHA-256/512 are streams anyway, and XXH3-128 goes through the
 * library's streaming state or {@link Xxh3Stream}, so a 100 GB file costs 1 MiB of memory and no
 * mapping. (A whole-file {@code mmap} was the first design; it was dropped because a file truncated
 * while mapped sends SIGBUS into the hash loop, see {@link Xxh3Stream}; a truncation here is just a
 * short read. Nor would it be faster here: on the 2-core bench VM, reading the 100k-file tree
 * mapped cost 4.5–5.1 CPU seconds against 2.0–2.4 with pread and its copy, {@code
 * bench/io-floor.sh}; the buffer size barely matters, 2.03–2.35 s from 64 KiB to 1 MiB.) A 0-byte
 * file is not read: it has the digest of empty input. Holes of sparse files read as zeros, as they
 * do for {@code xxh128sum}.
 *
 * <p>XXH3-128's two 64-bit halves are written high then low, big-endian: the canonical form {@code
 * xxh128sum} prints.
 *
 * <p>Not thread-safe: one per worker thread. {@link #close()} frees the buffer.
 */
public final class ContentHasher implements AutoCloseable {
  public static final int DEFAULT_BUFFER_SIZE = 1 << 20;

  /**
   * Room before the chunk for the previous chunk's last 64 bytes (XXH3's last stripe may span
   * both).
   */
  private static final int TAIL = 64;

  private static final MemoryIO IO = MemoryIO.getInstance();
  private static final LongTupleHashFunction XXH128 = LongTupleHashFunction.xx128();

  /** The system's xxHash, loaded with this class (so the start-up's preload opens it). */
  private static final LibXxhash SYSTEM_XXHASH = LibXxhash.load();

  private final int bufferSize;

  /** The system's xxHash (SIMD kernels), or null: then {@link Xxh3Stream}, same digests. */
  private final LibXxhash lib;

  private long buffer;
  private final long[] xx = XXH128.newResultArray();
  private final Xxh3Stream xxStream = new Xxh3Stream();
  private long xxState; // LIB's streaming state, made on the first large file
  private MessageDigest sha256;
  private MessageDigest sha512;

  public ContentHasher() {
    this(DEFAULT_BUFFER_SIZE);
  }

  /** {@code bufferSize} is rounded down to a multiple of 1024 (XXH3's block), at least 4096. */
  public ContentHasher(int bufferSize) {
    this(bufferSize, SYSTEM_XXHASH);
  }

  /** With {@code lib} null, XXH3 is computed in Java ({@link Xxh3Stream}): for the tests. */
  ContentHasher(int bufferSize, LibXxhash lib) {
    this.lib = lib;
    if (bufferSize < 4096) {
      throw new IllegalArgumentException(
          "hash buffer must be at least 4096 bytes, got " + bufferSize);
    }
    this.bufferSize = bufferSize - bufferSize % Xxh3Stream.BLOCK;
    this.buffer = IO.allocateMemory(TAIL + this.bufferSize, false);
    if (buffer == 0) {
      throw new OutOfMemoryError("cannot allocate a " + bufferSize + "-byte native hash buffer");
    }
  }

  public int bufferSize() {
    return bufferSize;
  }

  /**
   * Hashes the first {@code size} bytes of {@code fd} ({@code size} is its {@code fstat} size just
   * before this call), from offset 0 whatever the fd's position. If the file grew, the extra bytes
   * are not hashed; if it shrank, the result is {@code truncated}. Either way the caller's second
   * {@code fstat} notices and asks again.
   */
  public HashResult hash(int fd, long size, List<HashAlgorithm> algorithms, PathBytes path)
      throws NativeException {
    if (buffer == 0) {
      throw new IllegalStateException("ContentHasher is closed");
    }
    long data = buffer + TAIL;
    if (size <= 0) {
      return new HashResult(digest(data, 0, algorithms), 0, false);
    }
    if (size <= bufferSize) {
      long n = readFully(fd, data, size, 0, path);
      if (n < size) {
        return new HashResult(List.of(), n, true);
      }
      return new HashResult(digest(data, n, algorithms), n, false);
    }
    return hashChunked(fd, size, algorithms, path);
  }

  /**
   * Streams the first {@code size} bytes of {@code fd} through {@code md} (reset first), chunk by
   * chunk through the native buffer: for a digest fim does not store, such as the MD5 a package's
   * {@code md5sums} records. Returns null when the file ended before {@code size} bytes (it shrank:
   * the caller's second {@code fstat} notices).
   */
  public byte[] digest(int fd, long size, MessageDigest md, PathBytes path) throws NativeException {
    if (buffer == 0) {
      throw new IllegalStateException("ContentHasher is closed");
    }
    long data = buffer + TAIL;
    md.reset();
    long offset = 0;
    while (offset < size) {
      long want = Math.min(bufferSize, size - offset);
      long n = readFully(fd, data, want, offset, path);
      md.update(IO.newDirectByteBuffer(data, (int) n));
      if (n < want) {
        return null;
      }
      offset += n;
    }
    return md.digest();
  }

  private HashResult hashChunked(int fd, long size, List<HashAlgorithm> algorithms, PathBytes path)
      throws NativeException {
    long data = buffer + TAIL;
    if (lib != null) {
      if (xxState == 0 && (xxState = lib.newState()) == 0) {
        throw new OutOfMemoryError("cannot allocate an XXH3 state");
      }
      lib.reset(xxState);
    } else {
      xxStream.reset();
    }
    for (HashAlgorithm a : algorithms) {
      if (a != HashAlgorithm.XXH3_128) {
        sha(a).reset();
      }
    }
    long offset = 0;
    while (true) {
      long want = Math.min(bufferSize, size - offset);
      long n = readFully(fd, data, want, offset, path);
      if (n < want) {
        return new HashResult(List.of(), offset + n, true);
      }
      boolean last = offset + n == size;
      for (HashAlgorithm a : algorithms) {
        if (a != HashAlgorithm.XXH3_128) {
          sha(a).update(IO.newDirectByteBuffer(data, (int) n));
        } else if (lib != null) {
          lib.update(xxState, data, n);
        } else if (!last) {
          xxStream.update(data, n);
        }
      }
      if (last) {
        List<Digest> out = new ArrayList<>(algorithms.size());
        for (HashAlgorithm a : algorithms) {
          if (a == HashAlgorithm.XXH3_128 && lib != null) {
            lib.digest(xxState, xx);
            out.add(xxh3Digest(xx[0], xx[1]));
          } else if (a == HashAlgorithm.XXH3_128) {
            long[] lowHigh = xxStream.finish(data, n);
            out.add(xxh3Digest(lowHigh[0], lowHigh[1]));
          } else {
            out.add(new Digest(a, sha(a).digest()));
          }
        }
        return new HashResult(out, size, false);
      }
      // Keep this chunk's last 64 bytes just before the next one.
      IO.copyMemory(data + n - TAIL, buffer, TAIL);
      offset += n;
    }
  }

  /** pread {@code want} bytes at file offset {@code at}, stopping early only at EOF. */
  private static long readFully(int fd, long into, long want, long at, PathBytes path)
      throws NativeException {
    long done = 0;
    while (done < want) {
      long n = HashNative.pread(fd, into + done, want - done, at + done);
      if (n < 0) {
        int e = LibcFunction.errno();
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
      out.add(
          switch (a) {
            case XXH3_128 -> xxh3(addr, len);
            case SHA256, SHA512 -> sha(sha(a), a, addr, len);
          });
    }
    return out;
  }

  private Digest xxh3(long addr, long len) {
    if (len >= Xxh3Stream.BLOCK && lib != null) {
      // the library's SIMD kernel; below 1 KiB jffi's call (~0.1 µs) costs more than it saves
      // (Xxh3Bench: 256 bytes 58 ns in Java, 120 through the library; 4 KiB 526 vs 212 ns)
      lib.hash(addr, len, xx);
      return xxh3Digest(xx[0], xx[1]);
    }
    if (len > Xxh3Stream.MIN_LENGTH) {
      // fim's own long-input loop: faster than the library's, above all before C2 (see Xxh3Stream)
      xxStream.reset();
      long[] lowHigh = xxStream.finish(addr, len);
      return xxh3Digest(lowHigh[0], lowHigh[1]);
    }
    XXH128.hashMemory(addr, len, xx);
    return xxh3Digest(xx[0], xx[1]);
  }

  private static Digest xxh3Digest(long low, long high) {
    byte[] v = new byte[16];
    putBigEndian(v, 0, high); // high 64 bits first: xxh128sum's canonical form
    putBigEndian(v, 8, low);
    return new Digest(HashAlgorithm.XXH3_128, v);
  }

  /** Over one buffer (at most the buffer size, so one direct ByteBuffer view). */
  private static Digest sha(MessageDigest md, HashAlgorithm a, long addr, long len) {
    md.reset();
    md.update(IO.newDirectByteBuffer(addr, (int) len));
    return new Digest(a, md.digest());
  }

  private MessageDigest sha(HashAlgorithm a) {
    if (a == HashAlgorithm.SHA256) {
      if (sha256 == null) {
        sha256 = messageDigest("SHA-256");
      }
      return sha256;
    }
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
    if (xxState != 0) {
      lib.free(xxState);
      xxState = 0;
    }
  }
}
