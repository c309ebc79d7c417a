package dev.fim.auditlink.netlink;

import dev.fim.store.sys.NativeException;
import dev.fim.store.sys.SocketCalls;
import java.time.Duration;
import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Sock;
import jnr.constants.platform.SocketLevel;
import jnr.constants.platform.SocketOption;
import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * A {@code NETLINK_AUDIT} socket over libc's socket calls ({@link SocketCalls}). Checks every
 * return, retries {@code EINTR}, and throws {@link NativeException} with the call, the errno and a
 * reason; callers never see -1. Not thread-safe: one thread uses a socket at a time (the listener's
 * thread, or a client's caller), and {@link #close()} happens after that thread stopped.
 */
final class NetlinkSocket implements AutoCloseable {
  /** netlink.h:18. */
  static final int NETLINK_AUDIT = 9;

  /** include/linux/socket.h: SOL_NETLINK 270 (not in jnr-constants). */
  static final int SOL_NETLINK = 270;

  /** netlink.h:163. */
  static final int NETLINK_ADD_MEMBERSHIP = 1;

  /** netlink.h:167. */
  static final int NETLINK_NO_ENOBUFS = 5;

  /** include/linux/net.h (via fcntl): SOCK_CLOEXEC = O_CLOEXEC = 02000000 on x86 and arm. */
  static final int SOCK_CLOEXEC = 0x80000;

  /** Returned by {@link #receive} when the receive timeout passed without a message. */
  static final int TIMED_OUT = -1;

  /**
   * Returned by {@link #receive} on ENOBUFS: the socket's receive queue overflowed and messages
   * were dropped.
   */
  static final int OVERRUN = -2;

  private static final SocketCalls.LibC LIBC = SocketCalls.libc();
  private static final Runtime RUNTIME = SocketCalls.runtime();
  private static final int SOCKADDR_NL_SIZE = Struct.size(new Layouts.SockaddrNl());

  /**
   * Where sockaddr_nl.nl_pid is; read directly per datagram (a Struct per datagram cost more than
   * the parse).
   */
  private static final long NL_PID_OFFSET = new Layouts.SockaddrNl().nl_pid.offset();

  private final int fd;
  private final int portId;
  private final Pointer buffer;
  private final int bufferSize;

  /**
   * struct sockaddr_nl of the sender, then its socklen_t, in native memory reused for every
   * datagram.
   */
  private final Pointer from;

  private final Pointer fromLen;
  private boolean closed;

  private NetlinkSocket(int fd, int portId, int bufferSize) {
    this.fd = fd;
    this.portId = portId;
    this.bufferSize = bufferSize;
    this.buffer = Memory.allocateDirect(RUNTIME, bufferSize);
    this.from = Memory.allocateDirect(RUNTIME, SOCKADDR_NL_SIZE);
    this.fromLen = Memory.allocateDirect(RUNTIME, Integer.BYTES);
  }

  /**
   * Opens and binds a socket with a kernel-assigned port ID.
   *
   * @param bufferSize the largest datagram {@link #receive} takes (larger ones are truncated by the
   *     kernel)
   */
  static NetlinkSocket open(int bufferSize) throws NativeException {
    int fd =
        LIBC.socket(
            AddressFamily.AF_NETLINK.intValue(),
            Sock.SOCK_RAW.intValue() | SOCK_CLOEXEC,
            NETLINK_AUDIT);
    if (fd < 0) {
      int errno = errno();
      throw new AuditLinkException(
          "socket(AF_NETLINK, NETLINK_AUDIT)",
          errno,
          errno == Errno.EPROTONOSUPPORT.intValue()
              ? "this kernel has no audit support (CONFIG_AUDIT)"
              : "");
    }
    try {
      byte[] addr = sockaddr(0, 0);
      check(LIBC.bind(fd, addr, addr.length), "bind(NETLINK_AUDIT)", "");
      byte[] local = new byte[SOCKADDR_NL_SIZE];
      int[] len = {local.length};
      check(LIBC.getsockname(fd, local, len), "getsockname(NETLINK_AUDIT)", "");
      int portId = (int) Layouts.over(new Layouts.SockaddrNl(), local, 0).nl_pid.get();
      return new NetlinkSocket(fd, portId, bufferSize);
    } catch (NativeException e) {
      LIBC.close(fd);
      throw e;
    }
  }

  /** The file descriptor (tests: to read the socket's options back). */
  int fd() {
    return fd;
  }

  /** The port ID the kernel assigned (netlink(7): the first socket of a process gets its pid). */
  int portId() {
    return portId;
  }

  /**
   * getpid(2): the audit pid the kernel expects in AUDIT_SET (it checks it against the sender's
   * tgid).
   */
  static int processId() {
    return LIBC.getpid();
  }

  /** Joins a multicast group (AUDIT_NLGRP_READLOG = 1 needs CAP_AUDIT_READ). */
  void joinGroup(int group) throws NativeException {
    byte[] v = int32(group);
    if (LIBC.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, v, v.length) < 0) {
      int errno = errno();
      throw new AuditLinkException(
          "setsockopt(NETLINK_ADD_MEMBERSHIP, " + group + ")",
          errno,
          errno == Errno.EPERM.intValue()
              ? "reading the audit multicast group needs CAP_AUDIT_READ (run as root)"
              : "");
    }
  }

  /**
   * NETLINK_NO_ENOBUFS: a full receive buffer no longer latches the socket as congested. Without
   * it, the first overflow (the kernel's send waited its 100 ms for room in vain) marks the socket
   * congested and ENOBUFS, and the kernel then delivers nothing more until the reader has emptied
   * the whole buffer (af_netlink.c: netlink_overrun, netlink_rcv_wake): while fim is the audit pid,
   * kauditd's sends meanwhile fail, their retries too, and it gives the records up (printed to the
   * console; counted lost only when audit was on at boot). With it, a send fails only while the
   * buffer is really full, and the reader's next reads make room at once. A lost record still shows
   * as a gap in the serials ({@code EventStream#eventsLost}); no ENOBUFS is reported any more.
   */
  void setNoEnobufs() throws NativeException {
    byte[] v = int32(1);
    check(
        LIBC.setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, v, v.length),
        "setsockopt(NETLINK_NO_ENOBUFS)",
        "");
  }

  /**
   * Sets the receive buffer: SO_RCVBUFFORCE (CAP_NET_ADMIN, may exceed net.core.rmem_max), else
   * SO_RCVBUF (capped at rmem_max). Bursts of audit records overflow the default buffer as ENOBUFS.
   */
  void setReceiveBuffer(int bytes) throws NativeException {
    byte[] v = int32(bytes);
    if (LIBC.setsockopt(
            fd,
            SocketLevel.SOL_SOCKET.intValue(),
            SocketOption.SO_RCVBUFFORCE.intValue(),
            v,
            v.length)
        == 0) {
      return;
    }
    check(
        LIBC.setsockopt(
            fd, SocketLevel.SOL_SOCKET.intValue(), SocketOption.SO_RCVBUF.intValue(), v, v.length),
        "setsockopt(SO_RCVBUF, " + bytes + ")",
        "");
  }

  /** SO_RCVTIMEO: {@link #receive} returns {@link #TIMED_OUT} after this long without a message. */
  void setReceiveTimeout(Duration timeout) throws NativeException {
    Layouts.Timeval tv = new Layouts.Timeval();
    byte[] v = new byte[Struct.size(tv)];
    Layouts.over(tv, v, 0);
    tv.tv_sec.set(timeout.getSeconds());
    tv.tv_usec.set(timeout.getNano() / 1000);
    check(
        LIBC.setsockopt(
            fd,
            SocketLevel.SOL_SOCKET.intValue(),
            SocketOption.SO_RCVTIMEO.intValue(),
            v,
            v.length),
        "setsockopt(SO_RCVTIMEO)",
        "");
  }

  /** Sends one datagram to the kernel (port 0), retrying EINTR. */
  void send(byte[] message, String what) throws NativeException {
    byte[] kernel = sockaddr(0, 0);
    while (true) {
      long n = LIBC.sendto(fd, message, message.length, 0, kernel, kernel.length);
      if (n >= 0) {
        return;
      }
      int errno = errno();
      if (errno != Errno.EINTR.intValue()) {
        throw new AuditLinkException(
            "sendto(" + what + ")",
            errno,
            errno == Errno.ECONNREFUSED.intValue()
                ? "the kernel audit socket refused the message"
                : "");
      }
    }
  }

  /**
   * Receives one datagram from the kernel into {@code dst}, retrying EINTR and skipping datagrams
   * not sent by the kernel (port ID 0; anything else on an audit socket is spoofed).
   *
   * @return its length, {@link #TIMED_OUT} or {@link #OVERRUN}
   */
  int receive(byte[] dst) throws NativeException {
    while (true) {
      fromLen.putInt(0, SOCKADDR_NL_SIZE);
      long n = LIBC.recvfrom(fd, buffer, Math.min(bufferSize, dst.length), 0, from, fromLen);
      if (n < 0) {
        int errno = errno();
        if (errno == Errno.EINTR.intValue()) {
          continue;
        }
        if (errno == Errno.EAGAIN.intValue() || errno == Errno.EWOULDBLOCK.intValue()) {
          return TIMED_OUT;
        }
        if (errno == Errno.ENOBUFS.intValue()) {
          return OVERRUN;
        }
        throw new AuditLinkException("recvfrom(NETLINK_AUDIT)", errno, "");
      }
      if (from.getInt(NL_PID_OFFSET) != 0) {
        continue;
      }
      buffer.get(0, dst, 0, (int) n);
      return (int) n;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LIBC.close(
          fd); // close(2) on Linux releases the fd even when it reports EINTR; nothing to retry
    }
  }

  private static byte[] sockaddr(int pid, int groups) {
    byte[] b = new byte[SOCKADDR_NL_SIZE];
    Layouts.SockaddrNl a = Layouts.over(new Layouts.SockaddrNl(), b, 0);
    a.nl_family.set(AddressFamily.AF_NETLINK.intValue());
    a.nl_pid.set(pid);
    a.nl_groups.set(groups);
    return b;
  }

  private static byte[] int32(int v) {
    byte[] b = new byte[4];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).putInt(v);
    return b;
  }

  private static void check(int rc, String call, String reason) throws NativeException {
    if (rc < 0) {
      throw new AuditLinkException(call, errno(), reason);
    }
  }

  private static int errno() {
    return LastError.getLastError(RUNTIME);
  }
}
