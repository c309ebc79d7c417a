package dev.fim.engine.sink;

import static dev.fim.store.sys.SocketFunctions.AF_UNIX;
import static dev.fim.store.sys.SocketFunctions.SOCK_CLOEXEC;
import static dev.fim.store.sys.SocketFunctions.SOCK_DGRAM;
import static dev.fim.store.sys.SocketFunctions.SOL_SOCKET;
import static dev.fim.store.sys.SocketFunctions.SO_RCVBUF;
import static dev.fim.store.sys.SocketFunctions.SO_RCVTIMEO;

import dev.fim.store.sys.SocketCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Unix datagram sockets, which Java 17 lacks (its UNIX sockets are streams only): one datagram to a
 * path, as {@code logger} sends to {@code /dev/log} (the evidence seal's syslog anchor); a {@link
 * Sender} that keeps its socket for a stream of datagrams (the syslog and journal outputs); and,
 * for tests, a bound {@link Receiver}. Thread-safe (no shared state).
 */
public final class UnixDatagram {
  private static final int SO_SNDTIMEO = 21;
  private static final int SUN_PATH = 108;
  private static final int EAGAIN = 11;
  private static final int EMSGSIZE = 90;
  private static final int EINTR = 4;
  private static final int SCM_RIGHTS = 1;
  private static final int MFD_CLOEXEC = 1;
  private static final int MFD_ALLOW_SEALING = 2;
  private static final int F_ADD_SEALS = 1033;
  private static final int F_GET_SEALS = 1034;

  /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: nothing can change the content. */
  public static final int ALL_SEALS = 1 | 2 | 4 | 8;

  // struct msghdr and struct cmsghdr on LP64 Linux (x86_64, aarch64: the package's architectures)
  private static final int MSGHDR_SIZE = 56;
  private static final int CMSG_LEN_ONE_FD = 16 + 4;
  private static final int CMSG_SPACE_ONE_FD = 24;

  /** libc's socket calls, declared once for every layer. */
  private static final class Holder {
    static final SocketCalls.LibC LIBC = SocketCalls.libc();
    static final jnr.ffi.Runtime RUNTIME = SocketCalls.runtime();
  }

  private UnixDatagram() {}

  /** A datagram the socket refused as too long (EMSGSIZE): shorten it and send again. */
  public static final class TooLongException extends IOException {
    TooLongException(String message) { // also thrown by OneDatagram
      super(message);
    }
  }

  /**
   * Sends {@code message} as one datagram to the socket at {@code path}; an IOException names the
   * errno.
   */
  public static void send(String path, byte[] message) throws IOException {
    OneDatagram.send(path, message); // without jnr-ffi's binding: see OneDatagram
  }

  /**
   * A socket that sends datagrams to one path, as many as asked. {@link #send} blocks while the
   * receiver's queue is full, at most {@code timeoutMs} per call (0: no limit), then fails with
   * EAGAIN; the caller decides whether to try again. A receiver that restarts (rsyslog, journald)
   * is found again by the next send: the socket is not connected, each datagram names the path.
   */
  public static final class Sender implements AutoCloseable {
    private final String path;
    private final byte[] addr;
    private final int fd;

    public Sender(String path, long timeoutMs) throws IOException {
      this.path = path;
      this.addr = address(path);
      SocketCalls.LibC c = Holder.LIBC;
      int s = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (s < 0) {
        throw failure("socket", path);
      }
      this.fd = s;
      if (timeoutMs > 0 && c.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, timeval(timeoutMs), 16) < 0) {
        IOException e = failure("set the send timeout of a socket for", path);
        c.close(fd);
        throw e;
      }
    }

    /** Sends one datagram; {@link TooLongException} when it exceeds what the socket takes. */
    public void send(byte[] message) throws IOException {
      send(message, message.length);
    }

    /** Sends {@code message[0, length)} as one datagram. */
    public void send(byte[] message, int length) throws IOException {
      if (Holder.LIBC.sendto(fd, message, length, 0, addr, addr.length) < 0) {
        int errno = Holder.RUNTIME.getLastError();
        String m = "send to " + path + ": " + Holder.LIBC.strerror(errno);
        throw errno == EMSGSIZE ? new TooLongException(m) : new IOException(m);
      }
    }

    /**
     * Sends {@code message} the way journald takes what exceeds a datagram (sd_journal_sendv does
     * the same): written into a memfd named {@code name}, sealed against any change, and its
     * descriptor passed alone in an SCM_RIGHTS message. The receiver reads the sealed copy; fim
     * closes its descriptor once sent.
     */
    public void sendInMemfd(byte[] message, String name) throws IOException {
      SocketCalls.LibC c = Holder.LIBC;
      jnr.ffi.Runtime rt = Holder.RUNTIME;
      int mfd = c.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
      if (mfd < 0) {
        throw failure("memfd_create for", path);
      }
      try {
        jnr.ffi.Pointer bytes = jnr.ffi.Memory.allocateDirect(rt, Math.max(1, message.length));
        bytes.put(0, message, 0, message.length);
        for (long off = 0; off < message.length; ) {
          long n = c.write(mfd, bytes.slice(off), message.length - off);
          if (n == 0 || (n < 0 && rt.getLastError() != EINTR)) {
            throw failure("write a memfd for", path); // 0: no progress, never loop on it
          }
          off += Math.max(0, n);
        }
        if (c.fcntl(mfd, F_ADD_SEALS, ALL_SEALS) < 0) {
          throw failure("seal a memfd for", path);
        }
        jnr.ffi.Pointer to = jnr.ffi.Memory.allocateDirect(rt, addr.length);
        to.put(0, addr, 0, addr.length);
        jnr.ffi.Pointer control = jnr.ffi.Memory.allocateDirect(rt, CMSG_SPACE_ONE_FD, true);
        control.putLong(0, CMSG_LEN_ONE_FD);
        control.putInt(8, SOL_SOCKET);
        control.putInt(12, SCM_RIGHTS);
        control.putInt(16, mfd);
        jnr.ffi.Pointer msg = jnr.ffi.Memory.allocateDirect(rt, MSGHDR_SIZE, true);
        msg.putAddress(0, to.address()); // msg_name
        msg.putInt(8, addr.length); // msg_namelen; msg_iov NULL, msg_iovlen 0: no data bytes
        msg.putAddress(32, control.address()); // msg_control
        msg.putLong(40, CMSG_SPACE_ONE_FD); // msg_controllen
        long sent = c.sendmsg(fd, msg, 0);
        // the native blocks are freed when unreachable: keep them until the kernel has read them
        java.lang.ref.Reference.reachabilityFence(to);
        java.lang.ref.Reference.reachabilityFence(control);
        java.lang.ref.Reference.reachabilityFence(msg);
        if (sent < 0) {
          throw failure("send a memfd to", path);
        }
      } finally {
        c.close(mfd);
      }
    }

    /** The path datagrams go to. */
    public String path() {
      return path;
    }

    @Override
    public void close() {
      Holder.LIBC.close(fd);
    }
  }

  /** A datagram socket bound at {@code path} (tests stand it in for /dev/log). Close it. */
  public static final class Receiver implements AutoCloseable {
    private final int fd;

    public Receiver(String path, int timeoutSeconds) throws IOException {
      SocketCalls.LibC c = Holder.LIBC;
      fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw failure("socket", path);
      }
      byte[] addr = address(path);
      byte[] tv = timeval(timeoutSeconds * 1000L);
      if (c.bind(fd, addr, addr.length) < 0
          || c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length) < 0) {
        IOException e = failure("bind", path);
        c.close(fd);
        throw e;
      }
    }

    /**
     * Sets the receive buffer (SO_RCVBUF; the kernel doubles it and applies its minimum): a small
     * one lets a test fill the queue so that senders block, as behind a stalled syslog daemon.
     */
    public void receiveBuffer(int bytes) throws IOException {
      byte[] v =
          java.nio.ByteBuffer.allocate(4)
              .order(java.nio.ByteOrder.nativeOrder())
              .putInt(bytes)
              .array();
      if (Holder.LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, v, 4) < 0) {
        throw failure("set the receive buffer of", "a receiver");
      }
    }

    /** The next datagram as UTF-8, or null when none came within the timeout. */
    public String receive() throws IOException {
      byte[] b = receiveBytes(0);
      return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** The next datagram already queued, or null when there is none (does not wait). */
    public String receiveQueued() throws IOException {
      byte[] b = receiveBytes(0x40); // MSG_DONTWAIT
      return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** A file received as a descriptor (SCM_RIGHTS), its content and its seals. */
    public record PassedFile(byte[] content, int seals) {}

    /**
     * The next message's passed descriptor (as {@link Sender#sendInMemfd} sends it), read whole and
     * closed; null when none came within the timeout or the message carried no descriptor.
     */
    public PassedFile receivePassedFile() throws IOException {
      SocketCalls.LibC c = Holder.LIBC;
      jnr.ffi.Runtime rt = Holder.RUNTIME;
      jnr.ffi.Pointer data = jnr.ffi.Memory.allocateDirect(rt, 16, true);
      jnr.ffi.Pointer iov = jnr.ffi.Memory.allocateDirect(rt, 16, true);
      iov.putAddress(0, data.address());
      iov.putLong(8, 16);
      jnr.ffi.Pointer control = jnr.ffi.Memory.allocateDirect(rt, 64, true);
      jnr.ffi.Pointer msg = jnr.ffi.Memory.allocateDirect(rt, MSGHDR_SIZE, true);
      msg.putAddress(16, iov.address());
      msg.putLong(24, 1);
      msg.putAddress(32, control.address());
      msg.putLong(40, 64);
      long n = c.recvmsg(fd, msg, 0);
      java.lang.ref.Reference.reachabilityFence(data);
      java.lang.ref.Reference.reachabilityFence(iov);
      java.lang.ref.Reference.reachabilityFence(control);
      if (n < 0) {
        if (rt.getLastError() == EAGAIN) {
          return null;
        }
        throw new IOException("recvmsg: " + c.strerror(rt.getLastError()));
      }
      if (msg.getLong(40) < CMSG_LEN_ONE_FD
          || control.getInt(8) != SOL_SOCKET
          || control.getInt(12) != SCM_RIGHTS) {
        return null;
      }
      int passed = control.getInt(16);
      try {
        int seals = c.fcntl(passed, F_GET_SEALS, 0);
        return new PassedFile(
            java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/fd/" + passed)),
            seals);
      } finally {
        c.close(passed);
      }
    }

    /** The next datagram's bytes, or null when none came within the timeout. */
    public byte[] receiveBytes() throws IOException {
      return receiveBytes(0);
    }

    private byte[] receiveBytes(int flags) throws IOException {
      byte[] buf = new byte[256 * 1024];
      long n = Holder.LIBC.recv(fd, buf, buf.length, flags);
      if (n < 0) {
        int errno = Holder.RUNTIME.getLastError();
        if (errno == EAGAIN) { // the timeout passed
          return null;
        }
        throw new IOException("recv: " + Holder.LIBC.strerror(errno));
      }
      return java.util.Arrays.copyOf(buf, (int) n);
    }

    @Override
    public void close() {
      Holder.LIBC.close(fd);
    }
  }

  private static byte[] timeval(long ms) {
    return java.nio.ByteBuffer.allocate(16)
        .order(java.nio.ByteOrder.nativeOrder())
        .putLong(ms / 1000)
        .putLong((ms % 1000) * 1000)
        .array();
  }

  /**
   * The sockaddr_un for {@code path}. A path that starts with {@code @} names a socket in the
   * abstract namespace (as systemd's {@code $NOTIFY_SOCKET} may): the first byte of sun_path is NUL
   * and the address is exactly as long as the name, with no terminating NUL (which would be part of
   * the name).
   */
  static byte[] address(String path) throws IOException {
    boolean abstractName = path.startsWith("@");
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    if (p.length >= SUN_PATH || (abstractName && p.length < 2)) {
      throw new IOException(
          "socket path "
              + path
              + " is "
              + (p.length < 2 ? "empty" : "longer than a unix socket address holds"));
    }
    byte[] addr = new byte[2 + p.length + (abstractName ? 0 : 1)];
    // sa_family_t in host byte order
    java.nio.ByteBuffer.wrap(addr)
        .order(java.nio.ByteOrder.nativeOrder())
        .putShort((short) AF_UNIX);
    System.arraycopy(p, 0, addr, 2, p.length);
    if (abstractName) {
      addr[2] = 0; // the '@' stands for the leading NUL
    }
    return addr;
  }

  private static IOException failure(String what, String path) {
    int errno = Holder.RUNTIME.getLastError();
    return new IOException(what + " " + path + ": " + Holder.LIBC.strerror(errno));
  }
}
