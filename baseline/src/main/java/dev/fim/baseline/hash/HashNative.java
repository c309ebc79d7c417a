package dev.fim.baseline.hash;

import dev.fim.store.sys.Libc;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc call that reads file content; its only caller is {@link ContentHasher}. The buffer
 * crosses as a raw address: it is native memory this package owns. (No {@code mmap}: see {@link
 * Xxh3Stream} for why a mapping of a file that may shrink is not safe to hash.)
 */
final class HashNative {
  /** Public only because jnr-ffi's generated class must be able to implement it (see DirNative). */
  public interface LibC {
    /** pread(2): positional, so a retry of the hash never depends on the fd's offset. */
    @ssize_t
    long pread(int fd, @intptr_t long buf, @size_t long count, @off_t long offset);
  }

  static final LibC LIBC = Libc.bind(LibC.class);

  private HashNative() {}
}
