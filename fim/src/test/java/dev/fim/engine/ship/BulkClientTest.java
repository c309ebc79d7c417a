package dev.fim.engine.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile or broken cluster can do to the client: answer its headers and then stall the
 * body, answer an endless body, echo the credentials back. A real HTTP server on 127.0.0.1.
 */
class BulkClientTest {
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private Destination destination(String authorization) {
    return new Destination(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), authorization, null);
  }

  /**
   * Headers and a first part of the body, then nothing: HttpRequest.timeout alone waits for ever.
   */
  @Test
  @Timeout(60)
  void aBodyThatStallsAfterTheHeadersEndsAtTheTimeout() {
    server.createContext(
        "/_bulk",
        x -> {
          x.sendResponseHeaders(200, 1000);
          OutputStream o = x.getResponseBody();
          o.write("{\"took\":1,".getBytes(StandardCharsets.UTF_8));
          o.flush();
          try {
            release.await(); // stall until the test ends
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.close();
        });
    BulkClient client = new BulkClient(destination(null), Duration.ofSeconds(2));
    IOException e = assertThrows(IOException.class, () -> client.bulk("{}\n"));
    assertTrue(e instanceof java.net.http.HttpTimeoutException, e.toString());
    assertEquals(ShipException.Reason.UNREACHABLE, client.failure(e).reason()); // retried
  }

  /** A body past the bound is not read into memory: the request fails, to be retried. */
  @Test
  @Timeout(60)
  void anAnswerLongerThanTheBoundIsRefusedUnread() {
    byte[] chunk = new byte[64 << 10];
    java.util.Arrays.fill(chunk, (byte) 'x');
    server.createContext(
        "/_bulk",
        x -> {
          x.sendResponseHeaders(200, 0); // chunked, no length announced
          try (OutputStream o = x.getResponseBody()) {
            for (int i = 0; i < 64; i++) { // 4 MiB
              o.write(chunk);
            }
          } catch (IOException closedByTheClient) {
            // expected once the client stops reading
          }
        });
    BulkClient client = new BulkClient(destination(null), Duration.ofSeconds(30), 1 << 20);
    IOException e = assertThrows(IOException.class, () -> client.bulk("{}\n"));
    assertTrue(e.getMessage().contains("longer than 1048576 bytes"), e.toString());
  }

  /**
   * Whatever answers may echo the Authorization header in an error; fim prints errors on stderr
   * (the journal): no form of the credentials survives in the body fim keeps.
   */
  @Test
  void echoedCredentialsAreRemovedFromTheAnswer() throws Exception {
    server.createContext(
        "/_bulk",
        x -> {
          String auth = x.getRequestHeaders().getFirst("Authorization");
          String token = auth.substring(auth.indexOf(' ') + 1);
          String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
          byte[] b =
              ("{\"error\":\"bad header " + auth + " token " + token + " plain " + decoded + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(500, b.length);
          try (OutputStream o = x.getResponseBody()) {
            o.write(b);
          }
        });
    String secret = "s3cret-Pa55word";
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("fim:" + secret).getBytes(StandardCharsets.UTF_8));
    BulkClient client = new BulkClient(destination(auth), Duration.ofSeconds(10));
    BulkClient.Response r = client.bulk("{}\n");
    assertEquals(500, r.status());
    assertFalse(r.body().contains(secret), r.body());
    assertFalse(r.body().contains(auth.substring(6)), r.body());
    assertTrue(r.body().contains("bad header [credentials removed]"), r.body());
  }
}
