package dev.fim.engine;

import dev.fim.store.sys.Libc;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of {@link QueueReader}, and only those: reading a kernel event queue (a fanotify
 * or inotify fd) and the eventfd that stops it. Loaded once; {@link QueueReader} is its only caller
 * and checks every return.
 */
final class QueueNative {
  /**
   * Public only because jnr-ffi implements it in its own class loader (as jnr-unixsocket's {@code
   * Native.LibC}).
   */
  public interface LibC {
    /** read(2) into a direct buffer, reused for every read; its position is 0. */
    @SaveError
    @ssize_t
    long read(int fd, @Out ByteBuffer buf, @size_t long count);

    /**
     * read(2) into the reused direct buffer at an offset (after a held tail), by address: a
     * ByteBuffer argument is passed from its start, and a slice per read would allocate.
     */
    @SaveError
    @ssize_t
    long read(int fd, @intptr_t long buf, @size_t long count);

    /** write(2): only the 8-byte counter of the stop eventfd. */
    @SaveError
    @ssize_t
    long write(int fd, @In byte[] buf, @size_t long count);

    /** poll(2) over a reused array of {@code struct pollfd}; {@code nfds_t} is unsigned long. */
    @SaveError
    int poll(Pointer fds, @size_t long nfds, int timeout);

    /** eventfd(2) (glibc 2.7+): the reader's stop signal. */
    @SaveError
    int eventfd(int initval, int flags);

    @SaveError
    int close(int fd);
  }

  static final LibC LIBC = Libc.bind(LibC.class);

  private QueueNative() {}
}
