package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fim watch --ship} to something hostile at the cluster's address (a real HTTP server in
 * this JVM that shows fim's template, then hangs, fails with the credentials echoed, or answers
 * garbage): the watch goes on reporting every change at once, says why shipping waits, never prints
 * the credentials, and stops in order.
 */
class WatchShipHostileClusterTest {
  private enum Bulk {
    HANG,
    ECHO_500,
    GARBAGE
  }

  private final AtomicReference<Bulk> mode = new AtomicReference<>(Bulk.HANG);
  private final AtomicInteger bulks = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private Path dir;
  private Path tree;
  private Path passwordFile;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/_index_template/fim-events",
        x ->
            answer(
                x,
                200,
                "{\"index_templates\":[{\"name\":\"fim-events\",\"index_template\":"
                    + "{\"_meta\":{\"fim_template_version\":2}}}]}"));
    server.createContext("/_bulk", this::bulk);
    server.start();
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watch-hostile-");
    tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("a"), "a\n");
    passwordFile = dir.resolve("pw");
    Files.writeString(passwordFile, WatchShipTest.PASSWORD + "\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  private void bulk(HttpExchange x) throws IOException {
    bulks.incrementAndGet();
    x.getRequestBody().readAllBytes();
    switch (mode.get()) {
      case HANG -> {
        try {
          release.await(); // never answers while the test runs
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        x.close();
      }
      case ECHO_500 ->
          answer(
              x,
              500,
              "{\"error\":\"overloaded; you sent Authorization: "
                  + x.getRequestHeaders().getFirst("Authorization")
                  + "\"}");
      case GARBAGE -> answer(x, 200, "<html>this is not a bulk answer");
    }
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  private WatchProcess watch(String... more) throws Exception {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "--db",
                dir.resolve("db").toString(),
                "--key",
                dir.resolve("key").toString(),
                "--attribution",
                "proc",
                "--ship",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "--user",
                "fim",
                "--password-file",
                passwordFile.toString(),
                tree.toString()));
    args.addAll(java.util.List.of(more));
    return WatchProcess.start(dir, args.toArray(String[]::new));
  }

  private void awaitBulks(int n, WatchProcess w) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (bulks.get() < n) {
      assertTrue(System.nanoTime() < end, () -> "no bulk request came: " + w);
      TimeUnit.MILLISECONDS.sleep(20); // polling a counter with a deadline
    }
  }

  @Test
  void aClusterThatNeverAnswersDoesNotHoldUpTheWatchsReports() throws Exception {
    try (WatchProcess w = watch()) {
      Files.writeString(tree.resolve("a"), "changed\n");
      w.awaitOut(tree.resolve("a").toString());
      awaitBulks(1, w); // the shipping thread is now stuck in a request that gets no answer
      for (int i = 0; i < 5; i++) {
        Path f = tree.resolve("while-hung-" + i);
        Files.writeString(f, "x\n");
        w.awaitOut(f.toString()); // each reported at once all the same
      }
      w.stop(); // and the watch stops in order with the request still in flight
      WatchShipTest.assertNoCredentials(w.out() + w.err());
    }
  }

  @Test
  void aFailingOrGarbageAnsweringClusterPausesShippingOnlyAndNeverShowsTheCredentials()
      throws Exception {
    mode.set(Bulk.ECHO_500);
    try (WatchProcess w = watch("--backlog-warn", "0")) {
      Files.writeString(tree.resolve("a"), "changed\n");
      w.awaitOut(tree.resolve("a").toString());
      w.awaitErr("fim watch: warning: shipping: the cluster answered 500");
      assertTrue(w.err().contains("[credentials removed]"), w::toString);
      // past the bound (0 here): one ship-backlog notice, recorded and reported by the watch itself
      w.awaitOut("\"attribution_reason\":\"ship-backlog\"");
      mode.set(Bulk.GARBAGE); // the retry gets an answer that is not JSON
      w.awaitErr("the cluster's bulk response cannot be read");
      w.awaitErr("the watch goes on and the events wait in the database");
      Path f = tree.resolve("after-garbage");
      Files.writeString(f, "x\n");
      w.awaitOut(f.toString());
      w.stop();
      WatchShipTest.assertNoCredentials(w.out() + w.err());
      assertFalse(w.err().contains("\tat "), w::toString); // no stack trace
      assertEquals(-1, w.err().indexOf("Exception in thread"), w::toString);
      assertEquals(1, w.out().split("\"attribution_reason\":\"ship-backlog\"", -1).length - 1);
    }
  }
}
