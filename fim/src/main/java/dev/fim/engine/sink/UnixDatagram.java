package dev.fim.engine.sink;

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
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 02000000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_SNDTIMEO = 21;
  private static final int SUN_PATH = 108;
  private static final int EAGAIN = 11;
  private static final int EMSGSIZE = 90;

  /** The libc calls used; public because jnr-ffi implements it in a class loader of its own. */
  /** libc's socket calls, declared once for every layer. */
  private static final class Holder {
    static final SocketCalls.LibC LIBC = SocketCalls.libc();
    static final jnr.ffi.Runtime RUNTIME = SocketCalls.runtime();
  }

  private UnixDatagram() {}

  /** A datagram the socket refused as too long (EMSGSIZE): shorten it and send again. */
  public static final class TooLongException extends IOException {
    TooLongException(String message) {
      super(message);
    }
  }

  /**
   * Sends {@code message} as one datagram to the socket at {@code path}; an IOException names the
   * errno.
   */
  public static void send(String path, byte[] message) throws IOException {
    try (Sender s = new Sender(path, 0)) {
      s.send(message);
    }
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
