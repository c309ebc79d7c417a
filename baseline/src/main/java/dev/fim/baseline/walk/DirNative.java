package dev.fim.baseline.walk;

import dev.fim.store.sys.Libc;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.NulTerminate;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Transient;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of a tree walk, and only those. Loaded once; its only caller is {@link DirCalls},
 * which checks every return. Paths cross as NUL-terminated bytes.
 *
 * <p>{@code fstatat}/{@code fstat} are real exported symbols since glibc 2.33 (before, only {@code
 * __fxstatat}); {@code getdents64} since glibc 2.30. {@code openat2} has no glibc wrapper, so it
 * goes through {@code syscall(2)}.
 */
final class DirNative {
  /**
   * jnr-ffi generates the implementation in its own class loader, which may only implement a public
   * interface: it is public but nested in this package-private class (as jnr-unixsocket's {@code
   * Native.LibC}), so nothing outside the package can name it.
   */
  public interface LibC {
    /**
     * openat(2). {@code mode} is ignored without O_CREAT; passed so the varargs slot is defined.
     */
    int openat(int dirfd, @In @NulTerminate byte[] path, int flags, int mode);

    /** syscall(SYS_openat2, dirfd, path, &how, sizeof how): openat2(2), Linux 5.6+. */
    long syscall(
        long number,
        int dirfd,
        @In @NulTerminate byte[] path,
        @In @Transient Pointer how,
        @size_t long size);

    /** getdents64(2): fills {@code buf} with {@code struct linux_dirent64} records. */
    @ssize_t
    long getdents64(int fd, @Out Pointer buf, @size_t long count);

    /** fstatat(2); the walk always passes AT_SYMLINK_NOFOLLOW. */
    int fstatat(int dirfd, @In @NulTerminate byte[] path, @Out Pointer statbuf, int flags);

    int fstat(int fd, @Out Pointer statbuf);

    /** readlinkat(2): no NUL is appended; the return is the length. */
    @ssize_t
    long readlinkat(
        int dirfd, @In @NulTerminate byte[] path, @Out Pointer buf, @size_t long bufsiz);

    int close(int fd);
  }

  static final LibC LIBC = Libc.bind(LibC.class);

  private DirNative() {}
}
