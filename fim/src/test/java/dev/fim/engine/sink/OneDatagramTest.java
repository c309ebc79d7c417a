package dev.fim.engine.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UnixDatagram#send}, the one datagram of the evidence seal's syslog anchor, in a JVM of its
 * own: it arrives whole, its failures are worded as before, and it generates no jnr-ffi binding
 * (which cost every writing command ~0.1 s of CPU before its scan).
 */
class OneDatagramTest {
  @TempDir Path tmp;

  @Test
  void oneDatagramIsSentWholeWithoutGeneratingTheJnrFfiSocketBinding() throws Exception {
    String sock = tmp.resolve("log.sock").toString();
    String message = "<13>fim[1]: evidence seal sequence=0 digest=ab é";
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 10)) {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xlog:class+load=info",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SendOne.class.getName(),
                  sock,
                  message,
                  tmp.resolve("missing.sock").toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertEquals(message, r.receive());
      assertTrue(
          out.contains(
              "missing: send to "
                  + tmp.resolve("missing.sock")
                  + ": No such file or directory (IOException)"),
          out);
      assertTrue(out.contains("too long: TooLongException"), out);
      List<String> bound =
          out.lines()
              .filter(l -> l.contains("SocketCalls") || l.contains("AsmLibraryLoader"))
              .toList();
      assertFalse(out.lines().noneMatch(l -> l.contains("OneDatagram")), "OneDatagram not used");
      assertEquals(List.of(), bound, "jnr-ffi's socket binding was generated");
    }
  }

  /** Sends one datagram, then one to a missing socket and one too long, printing the failures. */
  public static final class SendOne {
    public static void main(String[] args) throws IOException {
      UnixDatagram.send(args[0], args[1].getBytes(StandardCharsets.UTF_8));
      try {
        UnixDatagram.send(args[2], new byte[] {1});
        System.out.println("missing: sent");
      } catch (IOException e) {
        System.out.println(
            "missing: " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
      }
      try {
        UnixDatagram.send(args[0], new byte[4 << 20]); // above any datagram's limit (EMSGSIZE)
        System.out.println("too long: sent");
      } catch (UnixDatagram.TooLongException e) {
        System.out.println("too long: TooLongException");
      }
    }
  }
}
