package dev.fim.auditlink.netlink;

import dev.fim.store.sys.LibcFunction;
import dev.fim.store.sys.NativeBuffer;
import dev.fim.store.sys.NativeException;
import dev.fim.store.sys.SocketFunctions;
import java.lang.ref.Reference;
import java.time.Duration;
import jnr.constants.platform.Errno;

/**
 * A {@code NETLINK_AUDIT} socket over libc's socket calls ({@link SocketFunctions}). Checks every
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

  /** Returned by {@link #receive} when the receive timeout passed without a message. */
  static final int TIMED_OUT = -1;

  /**
   * Returned by {@link #receive} on ENOBUFS: the socket's receive queue overflowed and messages
   * were dropped.
   */
  static final int OVERRUN = -2;

  private final int fd;
  private final int portId;

  /** The datagram being received, in native memory reused for every datagram. */
  private final NativeBuffer received;

  /**
   * struct sockaddr_nl of the sender, then its socklen_t, in native memory reused for every
   * datagram.
   */
  private final NativeBuffer from = new NativeBuffer(Layouts.SOCKADDR_NL_SIZE + Integer.BYTES);

  /** The kernel's address (port 0), the destination of every request. */
  private final NativeBuffer kernel = sockaddr(0, 0);

  /** The request being sent; grows to the largest. */
  private NativeBuffer outgoing = new NativeBuffer(1024);

  private boolean closed;

  private NetlinkSocket(int fd, int portId, int bufferSize) {
    this.fd = fd;
    this.portId = portId;
    this.received = new NativeBuffer(bufferSize);
  }

  /**
   * Opens and binds a socket with a kernel-assigned port ID.
   *
   * @param bufferSize the largest datagram {@link #receive} takes (larger ones are truncated by the
   *     kernel)
   */
  static NetlinkSocket open(int bufferSize) throws NativeException {
    int fd =
        (int)
            SocketFunctions.SOCKET.call(
                SocketFunctions.AF_NETLINK,
                SocketFunctions.SOCK_RAW | SocketFunctions.SOCK_CLOEXEC,
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
      NativeBuffer any = sockaddr(0, 0);
      check(
          (int) SocketFunctions.BIND.call(fd, any.address(), Layouts.SOCKADDR_NL_SIZE),
          "bind(NETLINK_AUDIT)",
          "");
      NativeBuffer local = new NativeBuffer(Layouts.SOCKADDR_NL_SIZE + Integer.BYTES);
      local.putInt(Layouts.SOCKADDR_NL_SIZE, Layouts.SOCKADDR_NL_SIZE);
      check(
          (int)
              SocketFunctions.GETSOCKNAME.call(
                  fd, local.address(), local.address() + Layouts.SOCKADDR_NL_SIZE),
          "getsockname(NETLINK_AUDIT)",
          "");
      int portId = local.getInt(Layouts.NL_PID);
      Reference.reachabilityFence(any);
      Reference.reachabilityFence(local);
      return new NetlinkSocket(fd, portId, bufferSize);
    } catch (NativeException e) {
      SocketFunctions.CLOSE.call(fd);
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
    return (int) SocketFunctions.GETPID.call();
  }

  /** Joins a multicast group (AUDIT_NLGRP_READLOG = 1 needs CAP_AUDIT_READ). */
  void joinGroup(int group) throws NativeException {
    if (setInt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group) < 0) {
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
    check(setInt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1), "setsockopt(NETLINK_NO_ENOBUFS)", "");
  }

  /**
   * Sets the receive buffer: SO_RCVBUFFORCE (CAP_NET_ADMIN, may exceed net.core.rmem_max), else
   * SO_RCVBUF (capped at rmem_max). Bursts of audit records overflow the default buffer as ENOBUFS.
   */
  void setReceiveBuffer(int bytes) throws NativeException {
    int level = SocketFunctions.SOL_SOCKET;
    if (setInt(level, SocketFunctions.SO_RCVBUFFORCE, bytes) == 0) {
      return;
    }
    check(
        setInt(level, SocketFunctions.SO_RCVBUF, bytes),
        "setsockopt(SO_RCVBUF, " + bytes + ")",
        "");
  }

  /** SO_RCVTIMEO: {@link #receive} returns {@link #TIMED_OUT} after this long without a message. */
  void setReceiveTimeout(Duration timeout) throws NativeException {
    NativeBuffer tv = new NativeBuffer(Layouts.TIMEVAL_SIZE);
    tv.putLong(0, timeout.getSeconds());
    tv.putLong(8, timeout.getNano() / 1000);
    int rc =
        (int)
            SocketFunctions.SETSOCKOPT.call(
                fd,
                SocketFunctions.SOL_SOCKET,
                SocketFunctions.SO_RCVTIMEO,
                tv.address(),
                Layouts.TIMEVAL_SIZE);
    Reference.reachabilityFence(tv);
    check(rc, "setsockopt(SO_RCVTIMEO)", "");
  }

  /** Sends one datagram to the kernel (port 0), retrying EINTR. */
  void send(byte[] message, String what) throws NativeException {
    if (outgoing.size() < message.length) {
      outgoing = new NativeBuffer(message.length);
    }
    outgoing.put(0, message, 0, message.length);
    while (true) {
      long n =
          SocketFunctions.SENDTO.call(
              fd,
              outgoing.address(),
              message.length,
              0,
              kernel.address(),
              Layouts.SOCKADDR_NL_SIZE);
      Reference.reachabilityFence(outgoing);
      Reference.reachabilityFence(kernel);
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
      from.putInt(Layouts.SOCKADDR_NL_SIZE, Layouts.SOCKADDR_NL_SIZE);
      long n =
          SocketFunctions.RECVFROM.call(
              fd,
              received.address(),
              Math.min(received.size(), dst.length),
              0,
              from.address(),
              from.address() + Layouts.SOCKADDR_NL_SIZE);
      Reference.reachabilityFence(received);
      Reference.reachabilityFence(from);
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
      if (from.getInt(Layouts.NL_PID) != 0) {
        continue;
      }
      received.get(0, dst, 0, (int) n);
      return (int) n;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      // close(2) on Linux releases the fd even when it reports EINTR; nothing to retry
      SocketFunctions.CLOSE.call(fd);
    }
  }

  /** A struct sockaddr_nl in native memory. */
  private static NativeBuffer sockaddr(int pid, int groups) {
    NativeBuffer b = new NativeBuffer(Layouts.SOCKADDR_NL_SIZE);
    b.putShort(Layouts.NL_FAMILY, (short) SocketFunctions.AF_NETLINK); // nl_pad stays 0
    b.putInt(Layouts.NL_PID, pid);
    b.putInt(Layouts.NL_GROUPS, groups);
    return b;
  }

  /** setsockopt with an int value; returns its result (callers check it). */
  private int setInt(int level, int name, int value) {
    NativeBuffer v = new NativeBuffer(Integer.BYTES);
    v.putInt(0, value);
    int rc = (int) SocketFunctions.SETSOCKOPT.call(fd, level, name, v.address(), Integer.BYTES);
    Reference.reachabilityFence(v);
    return rc;
  }

  private static void check(int rc, String call, String reason) throws NativeException {
    if (rc < 0) {
      throw new AuditLinkException(call, errno(), reason);
    }
  }

  private static int errno() {
    return LibcFunction.errno();
  }
}
