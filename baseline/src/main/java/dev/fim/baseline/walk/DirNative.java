package dev.fim.baseline.walk;

import static com.kenai.jffi.Type.POINTER;
import static com.kenai.jffi.Type.SINT;
import static com.kenai.jffi.Type.SLONG;
import static com.kenai.jffi.Type.ULONG;

import dev.fim.store.sys.LibcFunction;

/**
 * The libc calls of a tree walk, and only those. Bound once; its only caller is {@link DirCalls},
 * which checks every return and reads errno ({@link LibcFunction#errno}). Paths cross as the
 * address of a NUL-terminated copy ({@link dev.fim.store.sys.CString}), buffers as addresses of
 * native memory the caller owns. Called through jffi's invoker ({@link LibcFunction}), not a
 * jnr-ffi binding: no classes generated at start-up. An {@code int} result is the low half of the
 * word.
 *
 * <p>{@code fstatat}/{@code fstat} are real exported symbols since glibc 2.33 (before, only {@code
 * __fxstatat}); {@code getdents64} since glibc 2.30. {@code openat2} has no glibc wrapper, so it
 * goes through {@code syscall(2)}.
 */
final class DirNative {
  /**
   * {@code int openat(int dirfd, const char *path, int flags, mode_t mode)}; {@code mode} is
   * ignored without O_CREAT, passed so the varargs slot is defined.
   */
  static final LibcFunction OPENAT = LibcFunction.of("openat", SINT, SINT, POINTER, SINT, SINT);

  /** {@code long syscall(SYS_openat2, dirfd, path, &how, sizeof how)}: openat2(2), Linux 5.6+. */
  static final LibcFunction SYSCALL =
      LibcFunction.of("syscall", SLONG, SLONG, SINT, POINTER, POINTER, ULONG);

  /**
   * {@code ssize_t getdents64(int fd, void *buf, size_t count)}: fills {@code buf} with {@code
   * struct linux_dirent64} records.
   */
  static final LibcFunction GETDENTS64 = LibcFunction.of("getdents64", SLONG, SINT, POINTER, ULONG);

  /**
   * {@code int fstatat(int dirfd, const char *path, struct stat *buf, int flags)}; the walk always
   * passes AT_SYMLINK_NOFOLLOW.
   */
  static final LibcFunction FSTATAT =
      LibcFunction.of("fstatat", SINT, SINT, POINTER, POINTER, SINT);

  /** {@code int fstat(int fd, struct stat *buf)}. */
  static final LibcFunction FSTAT = LibcFunction.of("fstat", SINT, SINT, POINTER);

  /**
   * {@code ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)}: no NUL is
   * appended; the return is the length.
   */
  static final LibcFunction READLINKAT =
      LibcFunction.of("readlinkat", SLONG, SINT, POINTER, POINTER, ULONG);

  /** {@code int close(int fd)}. */
  static final LibcFunction CLOSE = LibcFunction.of("close", SINT, SINT);

  private DirNative() {}
}
