package dev.fim.store.sys;

import static com.kenai.jffi.Type.POINTER;
import static com.kenai.jffi.Type.SINT;
import static com.kenai.jffi.Type.SLONG;
import static com.kenai.jffi.Type.UINT;
import static com.kenai.jffi.Type.ULONG;

/**
 * libc's socket calls as {@link LibcFunction}s, called through jffi's invoker: for the sockets fim
 * opens for a few calls (auditlink's {@code NETLINK_AUDIT} socket of {@code fim audit status} and
 * of the watch's audit listener, the one datagram of a seal's syslog anchor), where jnr-ffi's
 * {@link SocketCalls} binding cost more than the calls: {@code fim audit status} loaded ~400
 * classes (its generated stub, the asm that writes it, struct layouts) for four calls (issue 18).
 * Callers check every return and read errno with {@link LibcFunction#errno}; buffers cross as
 * addresses of native memory the caller owns and keeps reachable across the call ({@link
 * NativeBuffer}, {@code Reference.reachabilityFence}). An {@code int} result is the low half of the
 * word. Bound on first use.
 */
public final class SocketFunctions {
  // The constants these calls take, as Linux defines them on x86_64 and arm64 (asm-generic; the
  // struct offsets fim uses are x86_64's too). Literals rather than jnr-constants' enums, whose
  // first use cost a short command ~10-30 ms each (SocketFunctionsTest checks them against those).

  /** AF_UNIX (socket.h). */
  public static final int AF_UNIX = 1;

  /** AF_NETLINK (socket.h). */
  public static final int AF_NETLINK = 16;

  /** SOCK_DGRAM. */
  public static final int SOCK_DGRAM = 2;

  /** SOCK_RAW. */
  public static final int SOCK_RAW = 3;

  /** SOCK_CLOEXEC = O_CLOEXEC = 02000000. */
  public static final int SOCK_CLOEXEC = 0x80000;

  /** SOL_SOCKET (asm-generic/socket.h). */
  public static final int SOL_SOCKET = 1;

  /** SO_RCVBUF. */
  public static final int SO_RCVBUF = 8;

  /** SO_RCVTIMEO (SO_RCVTIMEO_OLD: a struct timeval of two longs on 64-bit). */
  public static final int SO_RCVTIMEO = 20;

  /** SO_RCVBUFFORCE: beyond net.core.rmem_max, with CAP_NET_ADMIN. */
  public static final int SO_RCVBUFFORCE = 33;

  /** {@code int socket(int domain, int type, int protocol)}. */
  public static final LibcFunction SOCKET = LibcFunction.of("socket", SINT, SINT, SINT, SINT);

  /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}. */
  public static final LibcFunction BIND = LibcFunction.of("bind", SINT, SINT, POINTER, UINT);

  /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}: len value-result. */
  public static final LibcFunction GETSOCKNAME =
      LibcFunction.of("getsockname", SINT, SINT, POINTER, POINTER);

  /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len)}. */
  public static final LibcFunction SETSOCKOPT =
      LibcFunction.of("setsockopt", SINT, SINT, SINT, SINT, POINTER, UINT);

  /**
   * {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr
   * *to, socklen_t tolen)}.
   */
  public static final LibcFunction SENDTO =
      LibcFunction.of("sendto", SLONG, SINT, POINTER, ULONG, SINT, POINTER, UINT);

  /**
   * {@code ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
   * socklen_t *fromlen)}: fromlen value-result.
   */
  public static final LibcFunction RECVFROM =
      LibcFunction.of("recvfrom", SLONG, SINT, POINTER, ULONG, SINT, POINTER, POINTER);

  /** {@code int close(int fd)}. */
  public static final LibcFunction CLOSE = LibcFunction.of("close", SINT, SINT);

  /** {@code pid_t getpid(void)}. */
  public static final LibcFunction GETPID = LibcFunction.of("getpid", SINT);

  private SocketFunctions() {}
}
