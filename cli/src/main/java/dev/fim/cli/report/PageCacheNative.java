package dev.fim.cli.report;

import static com.kenai.jffi.Type.POINTER;
import static com.kenai.jffi.Type.SINT;
import static com.kenai.jffi.Type.SLONG;

import dev.fim.store.sys.LibcFunction;

/**
 * The libc calls that create a report's output and let it leave the page cache behind it, and only
 * those. Bound once; its only caller is {@link DropBehind}, which checks every return. Called
 * through jffi's invoker ({@link LibcFunction}): no jnr-ffi classes generated. An {@code int}
 * result is the low half of the word.
 */
final class PageCacheNative {
  /** {@code int open(const char *path, int flags, mode_t mode)}. */
  static final LibcFunction OPEN = LibcFunction.of("open", SINT, POINTER, SINT, SINT);

  /**
   * {@code int posix_fadvise(int fd, off_t offset, off_t len, int advice)}: returns the error
   * number itself (0 when done), not -1 and errno (posix_fadvise(3)).
   */
  static final LibcFunction POSIX_FADVISE =
      LibcFunction.of("posix_fadvise", SINT, SINT, SLONG, SLONG, SINT);

  /** {@code int close(int fd)}. */
  static final LibcFunction CLOSE = LibcFunction.of("close", SINT, SINT);

  /**
   * {@code O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC}: a new file of the caller's, never
   * one that was there, nor a symbolic link's target (include/uapi/asm-generic/fcntl.h; x86-64 uses
   * the generic values, as {@code DirCalls} does).
   */
  static final int CREATE_FLAGS = 01 | 0100 | 0200 | 0400000 | 02000000;

  /** The new file's mode: the report's owner alone, as {@code Files.createTempFile} made it. */
  static final int CREATE_MODE = 0600;

  /** {@code POSIX_FADV_DONTNEED} (include/uapi/linux/fadvise.h). */
  static final int POSIX_FADV_DONTNEED = 4;

  private PageCacheNative() {}
}
