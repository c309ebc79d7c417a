package dev.fim.auditlink.netlink;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls this package makes, and only those (socket(2), bind(2), sendto(2), recvfrom(2),
 * setsockopt(2), getsockname(2), close(2), getpid(2)). Loaded once by {@link NetlinkSocket}, its
 * only caller; callers never see the raw -1 returns. Addresses cross as {@code struct sockaddr_nl}
 * bytes ({@link Layouts.SockaddrNl}).
 *
 * <p>The holder is package-private; {@link LibC} itself must be public because jnr-ffi generates
 * its implementation in a class loader of its own (as jnr-unixsocket's {@code Native.LibC}).
 */
final class NetlinkNative {
  private NetlinkNative() {}

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

    /**
     * Fills {@code buf} and {@code srcAddr}; {@code addrlen} (an int) is value-result. All three
     * are native memory the caller reuses: no Java array is marshalled per datagram.
     */
    @SaveError
    @ssize_t
    long recvfrom(
        int fd, Pointer buf, @size_t long len, int flags, Pointer srcAddr, Pointer addrlen);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    @SaveError
    int getsockname(int fd, @Out byte[] addr, @In @Out int[] addrlen);

    @SaveError
    int close(int fd);

    @IgnoreError
    int getpid();
  }
}
