package dev.fim.store.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.OpenFlags;
import jnr.constants.platform.Sock;
import jnr.constants.platform.SocketLevel;
import jnr.constants.platform.SocketOption;
import org.junit.jupiter.api.Test;

/** SocketFunctions' literal constants against jnr-constants' tables of this platform. */
class SocketFunctionsTest {
  @Test
  void theConstantsAreThisPlatformsValues() {
    assertEquals(AddressFamily.AF_UNIX.intValue(), SocketFunctions.AF_UNIX);
    assertEquals(AddressFamily.AF_NETLINK.intValue(), SocketFunctions.AF_NETLINK);
    assertEquals(Sock.SOCK_DGRAM.intValue(), SocketFunctions.SOCK_DGRAM);
    assertEquals(Sock.SOCK_RAW.intValue(), SocketFunctions.SOCK_RAW);
    assertEquals(OpenFlags.O_CLOEXEC.intValue(), SocketFunctions.SOCK_CLOEXEC);
    assertEquals(SocketLevel.SOL_SOCKET.intValue(), SocketFunctions.SOL_SOCKET);
    assertEquals(SocketOption.SO_RCVBUF.intValue(), SocketFunctions.SO_RCVBUF);
    assertEquals(SocketOption.SO_RCVTIMEO.intValue(), SocketFunctions.SO_RCVTIMEO);
    assertEquals(SocketOption.SO_RCVBUFFORCE.intValue(), SocketFunctions.SO_RCVBUFFORCE);
  }

  @Test
  void aDatagramSocketOpensAndCloses() {
    int fd =
        (int)
            SocketFunctions.SOCKET.call(
                SocketFunctions.AF_UNIX,
                SocketFunctions.SOCK_DGRAM | SocketFunctions.SOCK_CLOEXEC,
                0);
    assertEquals(true, fd >= 0, "socket: errno " + LibcFunction.errno());
    assertEquals(0L, SocketFunctions.CLOSE.call(fd));
  }
}
