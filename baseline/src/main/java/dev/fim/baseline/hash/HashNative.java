package dev.fim.baseline.hash;

import com.kenai.jffi.Type;
import dev.fim.store.sys.LibcFunction;

/**
 * The libc call that reads file content; its only caller is {@link ContentHasher}. The buffer
 * crosses as a raw address: it is native memory this package owns. (No {@code mmap}: see {@link
 * Xxh3Stream} for why a mapping of a file that may shrink is not safe to hash.) Called through
 * jffi's invoker ({@link LibcFunction}): no jnr-ffi class generation at start-up.
 */
final class HashNative {
  /**
   * {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}: positional, so a retry of
   * the hash never depends on the fd's offset.
   */
  static final LibcFunction PREAD =
      LibcFunction.of("pread", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SLONG);

  private HashNative() {}

  static long pread(int fd, long buf, long count, long offset) {
    return PREAD.call(fd, buf, count, offset);
  }
}
