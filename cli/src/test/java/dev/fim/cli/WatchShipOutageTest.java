package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.cli.ship.Cluster;
import dev.fim.cli.ship.EmbeddedOpenSearch;
import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.Destination;
import dev.fim.engine.ship.IndexTemplate;
import dev.fim.engine.ship.ShipState;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster stops while {@code fim watch --ship} runs: the watch goes on reporting every change
 * at once (the store is the buffer), and when the node is back on the same data and port every
 * event is there exactly once, and a later {@code fim ship} sends nothing.
 */
class WatchShipOutageTest {
  private Path dir;
  private EmbeddedOpenSearch node;

  @AfterEach
  void cleanUp() throws Exception {
    if (node != null) {
      node.close();
      EmbeddedOpenSearch.delete(node.home());
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  @Test
  void theWatchReportsEveryChangeWhileTheClusterIsDownAndShipsEachOnceWhenItIsBack()
      throws Exception {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watch-ship-outage-");
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("first"), "1\n");
    Path db = dir.resolve("db");
    Path key = dir.resolve("seal.key");
    Path conf = dir.resolve("fim.conf");
    Files.writeString(conf, "ALL = p+ftype+u+g+s+xxh3\n" + tree + " ALL\n");
    assertEquals(0, Fim.on(db, key, conf, "init").exit());
    Path home = Files.createTempDirectory("fim-opensearch-");
    node = EmbeddedOpenSearch.start(home, 0);
    int port = node.port();
    String url = node.uri().toString();
    IndexTemplate.setUp(
        new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(30)));

    try (WatchProcess w =
        WatchProcess.start(
            dir,
            "--db",
            db.toString(),
            "--key",
            key.toString(),
            "-c",
            conf.toString(),
            "--attribution",
            "proc",
            "--ship",
            url,
            tree.toString())) {
      Files.writeString(tree.resolve("first"), "changed\n");
      w.awaitOut(tree.resolve("first").toString());
      awaitAcknowledged(db, url, 1, w);

      node.close(); // the outage
      List<String> during = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Path f = tree.resolve("during-" + i);
        Files.writeString(f, "written while the cluster is down\n");
        during.add(f.toString());
        w.awaitOut(f.toString()); // reported at once: shipping does not hold the watch up
      }
      w.awaitErr("retrying (events stay in the store)");
      assertEquals(1, acknowledged(db, url));

      node = EmbeddedOpenSearch.start(home, port); // the same data, the same URL
      long head = head(db);
      assertEquals(6, head, w::toString);
      awaitAcknowledged(db, url, head, w);
      Cluster cluster = new Cluster(node.uri());
      assertEquals(head, cluster.count("fim-events-*")); // a resent document would count twice
      for (String p : during) {
        cluster.call("POST", "/fim-events-*/_refresh", null);
        assertEquals(
            1,
            cluster.count("fim-events-*", "{\"query\":{\"term\":{\"file.path\":\"" + p + "\"}}}"),
            p);
      }
      w.stop();
    }
    Fim.Run again = Fim.run("ship", "--db", db.toString(), "--to", url, "--once");
    assertTrue(
        again.out().contains("fim ship: 0 events shipped to " + url + ";"), again.toString());
    assertEquals(6, new Cluster(node.uri()).count("fim-events-*"));
  }

  private static long head(Path db) throws Exception {
    List<ChangeEvent> all = new ArrayList<>();
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      new EventLog(s).forEach(Long.MIN_VALUE, Long.MAX_VALUE, all::add);
    }
    return all.stream().mapToLong(ChangeEvent::sequence).max().orElse(0);
  }

  private static long acknowledged(Path db, String url) throws Exception {
    String id;
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      id = s.databaseId();
    }
    return ShipState.of(db, id, url).acknowledged();
  }

  private static void awaitAcknowledged(Path db, String url, long seq, WatchProcess w)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (acknowledged(db, url) != seq) {
      assertTrue(System.nanoTime() < end, () -> "acknowledged stays below " + seq + ": " + w);
      TimeUnit.MILLISECONDS.sleep(20); // polling the state file with a deadline
    }
  }
}
