package dev.fim.engine.sink;

import dev.fim.store.sys.LibcFunction;
import dev.fim.store.sys.NativeBuffer;
import dev.fim.store.sys.NativeException;
import dev.fim.store.sys.SocketFunctions;
import java.io.IOException;
import java.lang.ref.Reference;

/**
 * One datagram to a Unix socket path, sent through libc's {@code socket}, {@code sendto} and {@code
 * close} called by jffi directly ({@link SocketFunctions}): what {@link UnixDatagram#send} does for
 * the evidence seal's syslog anchor and sd_notify. Every writing command (init, check, update)
 * sends the anchor once at start-up, before its scan; through jnr-ffi's {@code SocketCalls} binding
 * that one datagram first cost the generation of a class for all fifteen socket calls on the main
 * thread (~0.1 s of CPU, issue 18). The sockets that send streams of datagrams or receive ({@link
 * UnixDatagram.Sender}, {@link UnixDatagram.Receiver}) keep the binding. Thread-safe.
 */
final class OneDatagram {
  private static final int EMSGSIZE = 90;

  private OneDatagram() {}

  /**
   * Sends {@code message} as one datagram to the socket at {@code path}; the IOException says what
   * failed and the errno's text, as {@link UnixDatagram.Sender} words it ({@link
   * UnixDatagram.TooLongException} for EMSGSIZE).
   */
  static void send(String path, byte[] message) throws IOException {
    byte[] addr = UnixDatagram.address(path);
    NativeBuffer to = new NativeBuffer(addr.length);
    to.put(0, addr, 0, addr.length);
    NativeBuffer data = new NativeBuffer(Math.max(1, message.length));
    data.put(0, message, 0, message.length);
    int fd =
        (int)
            SocketFunctions.SOCKET.call(
                SocketFunctions.AF_UNIX,
                SocketFunctions.SOCK_DGRAM | SocketFunctions.SOCK_CLOEXEC,
                0);
    if (fd < 0) {
      throw new IOException(
          "socket " + path + ": " + NativeException.errnoDescription(LibcFunction.errno()));
    }
    try {
      long sent =
          SocketFunctions.SENDTO.call(
              fd, data.address(), message.length, 0, to.address(), addr.length);
      // the buffers' memory is freed with them: kept reachable until the call has returned
      Reference.reachabilityFence(data);
      Reference.reachabilityFence(to);
      if (sent < 0) {
        int errno = LibcFunction.errno();
        String m = "send to " + path + ": " + NativeException.errnoDescription(errno);
        throw errno == EMSGSIZE ? new UnixDatagram.TooLongException(m) : new IOException(m);
      }
    } finally {
      SocketFunctions.CLOSE.call(fd);
    }
  }
}
