package dev.fim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Unix datagram sockets, which Java 17 lacks (its UNIX sockets are streams only): one datagram to a
 * path, as {@code logger} sends to {@code /dev/log}; and, for tests, a bound receiver. Thread-safe
 * (no state).
 */
final class UnixDatagram {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 02000000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SUN_PATH = 108;

  /** The libc calls used; public because jnr-ffi implements it in a class loader of its own. */
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

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    int close(int fd);

    String strerror(int errno);
  }

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
  }

  private UnixDatagram() {}

  /**
   * Sends {@code message} as one datagram to the socket at {@code path}; an IOException names the
   * errno.
   */
  static void send(String path, byte[] message) throws IOException {
    LibC c = Holder.LIBC;
    int fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw failure("socket", path);
    }
    try {
      byte[] addr = address(path);
      if (c.sendto(fd, message, message.length, 0, addr, addr.length) < 0) {
        throw failure("send to", path);
      }
    } finally {
      c.close(fd);
    }
  }

  /** A datagram socket bound at {@code path} (tests stand it in for /dev/log). Close it. */
  static final class Receiver implements AutoCloseable {
    private final int fd;

    Receiver(String path, int timeoutSeconds) throws IOException {
      LibC c = Holder.LIBC;
      fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw failure("socket", path);
      }
      byte[] addr = address(path);
      byte[] tv =
          java.nio.ByteBuffer.allocate(16)
              .order(java.nio.ByteOrder.nativeOrder())
              .putLong(timeoutSeconds)
              .putLong(0)
              .array();
      if (c.bind(fd, addr, addr.length) < 0
          || c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length) < 0) {
        IOException e = failure("bind", path);
        c.close(fd);
        throw e;
      }
    }

    /** The next datagram, or null when none came within the timeout. */
    String receive() throws IOException {
      return receive(0);
    }

    /** The next datagram already queued, or null when there is none (does not wait). */
    String receiveQueued() throws IOException {
      return receive(0x40); // MSG_DONTWAIT
    }

    private String receive(int flags) throws IOException {
      byte[] buf = new byte[8192];
      long n = Holder.LIBC.recv(fd, buf, buf.length, flags);
      if (n < 0) {
        int errno = Holder.RUNTIME.getLastError();
        if (errno == 11) { // EAGAIN: the timeout passed
          return null;
        }
        throw new IOException("recv: " + Holder.LIBC.strerror(errno));
      }
      return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      Holder.LIBC.close(fd);
    }
  }

  private static byte[] address(String path) throws IOException {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    if (p.length >= SUN_PATH) {
      throw new IOException("socket path " + path + " is longer than a unix socket address holds");
    }
    byte[] addr = new byte[2 + p.length + 1];
    // sa_family_t in host byte order (all Linux platforms fim runs on are little-endian or say so
    // here)
    java.nio.ByteBuffer.wrap(addr)
        .order(java.nio.ByteOrder.nativeOrder())
        .putShort((short) AF_UNIX);
    System.arraycopy(p, 0, addr, 2, p.length);
    return addr;
  }

  private static IOException failure(String what, String path) {
    int errno = Holder.RUNTIME.getLastError();
    return new IOException(what + " " + path + ": " + Holder.LIBC.strerror(errno));
  }
}
