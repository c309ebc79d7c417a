package dev.fim.store.sys;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc socket calls fim makes, declared once for every layer: auditlink's {@code NETLINK_AUDIT}
 * socket and the engine's Unix datagram sockets (syslog, journal, sd_notify), with the calls that
 * pass a sealed memfd over such a socket (journald's way for an entry larger than a datagram). Java
 * 17 has neither netlink nor Unix datagram sockets, so both go through jnr-ffi; one declaration
 * means one place where a signature (a {@code size_t}, a value-result length) can be wrong.
 *
 * <p>Loaded on first use (the holder idiom): a command that opens no socket never loads it. Callers
 * check every return themselves and read {@code errno} through {@link #lastError()}; {@link LibC}
 * must be public because jnr-ffi generates its implementation in a class loader of its own.
 */
public final class SocketCalls {
  private SocketCalls() {}

  /** The calls, as libc declares them. */
  public interface LibC {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In byte[] addr, int addrlen);

    @SaveError
    @ssize_t
    long sendto(
        int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] destAddr, int addrlen);

    @SaveError
    @ssize_t
    long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

    /**
     * Fills {@code buf} and {@code srcAddr}; {@code addrlen} (an int) is value-result. All three
     * are native memory the caller reuses: no Java array is marshalled per datagram.
     */
    @SaveError
    @ssize_t
    long recvfrom(
        int fd, Pointer buf, @size_t long len, int flags, Pointer srcAddr, Pointer addrlen);

    /** {@code msg} is a {@code struct msghdr} in native memory the caller laid out. */
    @SaveError
    @ssize_t
    long sendmsg(int fd, Pointer msg, int flags);

    @SaveError
    @ssize_t
    long recvmsg(int fd, Pointer msg, int flags);

    @SaveError
    int memfd_create(String name, int flags);

    @SaveError
    @ssize_t
    long write(int fd, Pointer buf, @size_t long len);

    /** fcntl(2) with an int argument (F_ADD_SEALS, F_GET_SEALS). */
    @SaveError
    int fcntl(int fd, int cmd, int arg);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    @SaveError
    int getsockname(int fd, @Out byte[] addr, @In @Out int[] addrlen);

    @SaveError
    int close(int fd);

    @IgnoreError
    int getpid();

    String strerror(int errno);
  }

  private static final class Holder {
    static final LibC LIBC = Libc.bindNow(LibC.class);
    static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
  }

  /** The bound calls (loaded on the first call of this method). */
  public static LibC libc() {
    return Holder.LIBC;
  }

  /** The jnr-ffi runtime of {@link #libc()}, for native memory the caller allocates. */
  public static jnr.ffi.Runtime runtime() {
    return Holder.RUNTIME;
  }

  /** {@code errno} as the last {@link SaveError} call of this thread left it. */
  public static int lastError() {
    return Holder.RUNTIME.getLastError();
  }
}
