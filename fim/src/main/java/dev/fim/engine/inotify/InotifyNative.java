package dev.fim.engine.inotify;

import dev.fim.store.sys.Libc;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.NulTerminate;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls of the inotify backend, and only those (glibc 2.9+ for {@code inotify_init1}).
 * Loaded once; its only caller is {@link InotifyCalls}, which checks every return. Reading the
 * instance and stopping the reader are the shared {@link dev.fim.engine.QueueReader}'s; listing
 * directories is baseline's {@code DirCalls}.
 */
final class InotifyNative {
  /**
   * Public only because jnr-ffi implements it in its own class loader (as jnr-unixsocket's {@code
   * Native.LibC}).
   */
  public interface LibC {
    /** inotify_init1(2). */
    @SaveError
    int inotify_init1(int flags);

    /**
     * inotify_add_watch(2): {@code int inotify_add_watch(int fd, const char *pathname, uint32_t
     * mask)}.
     */
    @SaveError
    int inotify_add_watch(int fd, @In @NulTerminate byte[] pathname, int mask);

    /** inotify_rm_watch(2). */
    @SaveError
    int inotify_rm_watch(int fd, int wd);
  }

  static final LibC LIBC = Libc.bind(LibC.class);

  private InotifyNative() {}
}
