package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster goes away in the middle of shipping 20,000 events and comes back on the same data
 * directory and port: fim ship retries, and at the end every event is there exactly once (no loss,
 * no duplicate) and the acknowledged sequence is the last one.
 */
class ShipOutageTest {
  private static final int EVENTS = 20_000;

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
  void aClusterThatStopsMidStreamAndComesBackGetsEveryEventExactlyOnce() throws Exception {
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-ship-outage-");
    Path db = dir.resolve("db");
    long start = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(s);
      for (int b = 0; b < EVENTS / 1000; b++) {
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          int n = b * 1000 + i;
          batch.add(ShipCommandTest.event(start + n * 1_000_000L, "/srv/data/f" + n));
        }
        log.append(batch);
      }
    }
    String dbId;
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      dbId = s.databaseId();
    }
    Path home = Files.createTempDirectory("fim-opensearch-");
    node = EmbeddedOpenSearch.start(home, 0);
    int port = node.port();
    String url = node.uri().toString();
    Cluster cluster = new Cluster(node.uri());
    IndexTemplate.setUp(
        new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(30)));
    ShipState state = ShipState.of(db, dbId, url);

    CompletableFuture<Fim.Run> shipping =
        CompletableFuture.supplyAsync(
            () ->
                Fim.run(
                    "ship",
                    "--db",
                    db.toString(),
                    "--to",
                    url,
                    "--once",
                    "--batch",
                    "500",
                    "--max-rate",
                    "4000",
                    "--retry-for",
                    "300"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (state.acknowledged() < 2000) {
      assertTrue(System.nanoTime() < deadline, "fim ship did not get going");
      assertTrue(!shipping.isDone(), () -> "fim ship ended early: " + shipping.join());
      Thread.onSpinWait();
    }
    node.close(); // the outage: mid-stream, a bulk request may be in flight
    long atOutage = state.acknowledged();
    assertTrue(atOutage < EVENTS, "the outage came after the last event: " + atOutage);
    node = EmbeddedOpenSearch.start(home, port); // the same data, the same URL

    Fim.Run run = shipping.get(300, TimeUnit.SECONDS);
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.err().contains("retrying (events stay in the store)"), run.toString());
    assertEquals(EVENTS, state.acknowledged());
    // _count over all of them: a document sent twice would be counted twice (its id and index
    // are fixed, so create refuses it: 409)
    assertEquals(EVENTS, new Cluster(node.uri()).count("fim-events-*"));
    // and a second run sends nothing
    Fim.Run again = Fim.run("ship", "--db", db.toString(), "--to", url, "--once");
    assertTrue(again.out().contains("0 events shipped"), again.toString());
    assertEquals(EVENTS, cluster.count("fim-events-*"));
  }
}
