package dev.fim.engine.fanotify;

import dev.fim.store.sys.Libc;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.NulTerminate;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of the fanotify reader and the handle resolver, and only those. Loaded once; its
 * only caller is {@link FanotifyCalls}, which checks every return. Paths cross as NUL-terminated
 * bytes.
 *
 * <p>{@code fanotify_init}/{@code fanotify_mark} are glibc wrappers since 2.13, {@code
 * open_by_handle_at} since 2.14. On x86_64 the 64-bit {@code mask} of {@code fanotify_mark} is one
 * register argument, so the call has five arguments. (jnr-ffi with jffi 1.4.3 was seen to mangle a
 * six-argument call, {@code mmap}, unless {@code -Djnr.ffi.asm.enabled=false}; the kernel test
 * {@code FanotifyReaderKernelTest} checks that the five-argument {@code fanotify_mark} reaches the
 * kernel intact: a wrong mask or path would give EINVAL or ENOENT, or no events.) A 32-bit ABI
 * would split the mask in two: {@link FanotifyCalls} refuses non-64-bit JVMs.
 */
final class FanotifyNative {
  /**
   * jnr-ffi generates the implementation in its own class loader, which may only implement a public
   * interface: it is public but nested in this package-private class (as jnr-unixsocket's {@code
   * Native.LibC}).
   */
  public interface LibC {
    /**
     * fanotify_init(2): {@code int fanotify_init(unsigned int flags, unsigned int event_f_flags)}.
     */
    @SaveError
    int fanotify_init(int flags, int eventFFlags);

    /**
     * fanotify_mark(2): {@code int fanotify_mark(int fd, unsigned int flags, uint64_t mask, int
     * dirfd, const char *pathname)}.
     */
    @SaveError
    int fanotify_mark(int fd, int flags, long mask, int dirfd, @In @NulTerminate byte[] pathname);

    /**
     * open_by_handle_at(2); {@code handle} is a {@code struct file_handle} in native byte order.
     */
    @SaveError
    int open_by_handle_at(int mountFd, @In byte[] handle, int flags);

    /** open(2) of a watched root, for a mount fd; {@code mode} is unused without O_CREAT. */
    @SaveError
    int open(@In @NulTerminate byte[] path, int flags, int mode);

    /** readlink(2) of {@code /proc/self/fd/N}: no NUL is appended; the return is the length. */
    @SaveError
    @ssize_t
    long readlink(@In @NulTerminate byte[] path, @Out byte[] buf, @size_t long bufsiz);

    /** fstat(2); only {@code st_nlink} is read (x86_64 layout). */
    @SaveError
    int fstat(int fd, @Out byte[] statbuf);

    /** fstatfs(2); only {@code f_fsid} is read, the fsid fanotify reports. */
    @SaveError
    int fstatfs(int fd, @Out byte[] statfsbuf);

    @SaveError
    int close(int fd);
  }

  static final LibC LIBC = Libc.bind(LibC.class);

  private FanotifyNative() {}
}
