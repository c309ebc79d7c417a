package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shipping as an output of the commands that record: {@code fim watch --ship} (a real watch in a
 * JVM of its own, real file changes) and {@code fim check/update --ship}, against a real OpenSearch
 * node in this JVM; the same acknowledged state as {@code fim ship}, so nothing is sent twice.
 */
class WatchShipTest {
  static final String PASSWORD = "Wsh1p-s3cret-pw";

  private static EmbeddedOpenSearch node;
  private static Cluster cluster;

  private Path dir;
  private Path tree;
  private Path db;
  private Path conf;
  private Path key;
  private Path passwordFile;

  @BeforeAll
  static void startNode() throws Exception {
    node = EmbeddedOpenSearch.start();
    cluster = new Cluster(node.uri());
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
      EmbeddedOpenSearch.delete(node.home());
    }
  }

  @BeforeEach
  void tree() throws Exception {
    cluster.call("DELETE", "/fim-events-*", null);
    IndexTemplate.setUp(
        new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(30)));
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watch-ship-");
    tree = Files.createDirectories(dir.resolve("tree"));
    db = dir.resolve("db");
    key = dir.resolve("seal.key");
    Files.createDirectories(tree.resolve("etc"));
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(tree.resolve("etc/motd"), "hi\n");
    Files.writeString(tree.resolve("etc/gone"), "bye\n");
    conf = dir.resolve("fim.conf");
    Files.writeString(conf, "ALL = p+ftype+u+g+s+xxh3\n" + tree + " ALL\n");
    passwordFile = dir.resolve("ship.password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    assertEquals(0, fim("init").exit());
  }

  @AfterEach
  void cleanUp() throws Exception {
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private Fim.Run fim(String... args) {
    return Fim.on(db, key, conf, args);
  }

  static String url() {
    return node.uri().toString();
  }

  /** The secret in each form it could leak in: as written, and in a Basic header. */
  static void assertNoCredentials(String text) {
    assertFalse(text.contains(PASSWORD), text);
    String basic =
        Base64.getEncoder().encodeToString(("fim:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertFalse(text.contains(basic), text);
  }

  private String databaseId() throws Exception {
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      return s.databaseId();
    }
  }

  private long acknowledged() throws Exception {
    return ShipState.of(db, databaseId(), url()).acknowledged();
  }

  private List<ChangeEvent> recorded() throws Exception {
    List<ChangeEvent> all = new ArrayList<>();
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      new EventLog(s).forEach(Long.MIN_VALUE, Long.MAX_VALUE, all::add);
    }
    return all;
  }

  /** The one document of {@code path}, once it is searchable (polled with a deadline). */
  static String awaitDocument(String path) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      Cluster.Reply hit =
          cluster.call(
              "POST",
              "/fim-events-*/_search?ignore_unavailable=true",
              "{\"query\":{\"term\":{\"file.path\":\"" + path + "\"}}}");
      if (hit.status() == 200 && hit.body().contains("\"total\":{\"value\":1,")) {
        return hit.body();
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the cluster with a deadline
    }
    fail("no document of " + path + " became searchable");
    return null;
  }

  private void awaitAcknowledged(long seq, WatchProcess w) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged() != seq) {
      assertTrue(System.nanoTime() < end, () -> "acknowledged stays below " + seq + ": " + w);
      TimeUnit.MILLISECONDS.sleep(20); // polling the state file with a deadline
    }
  }

  @Test
  void aWatchedChangeIsSearchableWithItsFieldsAndFimShipLaterSendsNothingTwice() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    String hosts = tree.resolve("etc/hosts").toString();
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
            url(),
            "--user",
            "fim",
            "--password-file",
            passwordFile.toString(),
            tree.toString())) {
      w.awaitErr("fim watch: shipping to " + url());
      Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n10.0.0.1 evil\n");
      w.awaitOut(hosts);
      String doc = awaitDocument(hosts); // watch → store → shipping thread → searchable
      ChangeEvent e =
          recorded().stream().filter(x -> x.path().display().equals(hosts)).findFirst().get();
      String machineId = Files.readString(Path.of("/etc/machine-id")).trim();
      assertTrue(doc.contains("\"action\":\"updated\""), doc);
      assertTrue(doc.contains("\"sequence\":" + e.sequence()), doc);
      assertTrue(doc.contains("\"agent\":{\"type\":\"fim\""), doc);
      assertTrue(doc.contains("\"id\":\"" + databaseId() + "\""), doc); // agent.id
      assertTrue(
          doc.contains("\"_id\":\"" + machineId + "-" + databaseId() + "-" + e.sequence() + "\""),
          doc);
      assertTrue(doc.contains("\"xxh3_128\":\""), doc); // the new hash, as recorded
      long head = recorded().stream().mapToLong(ChangeEvent::sequence).max().getAsLong();
      awaitAcknowledged(head, w); // the watch's thread acknowledged what it shipped
      w.stop();
      assertNoCredentials(w.out() + w.err());
    }
    int all = recorded().size();
    assertEquals(all, cluster.count("fim-events-*"));
    // fim ship resumes from the watch's acknowledged sequence: nothing sent again
    Fim.Run ship = Fim.run("ship", "--db", db.toString(), "--to", url(), "--once");
    assertEquals(0, ship.exit(), ship.toString());
    assertTrue(
        ship.out().contains("fim ship: 0 events shipped to " + url() + ";"), ship.toString());
    assertEquals(all, cluster.count("fim-events-*"));
  }

  @Test
  void checkAndUpdateShipExactlyTheirEventsAndAShipFailureKeepsTheExitCode() throws Exception {
    String[] auth = {"--user", "fim", "--password-file", passwordFile.toString()};
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n10.0.0.1 evil\n");
    Files.writeString(tree.resolve("etc/new"), "new\n");
    Files.delete(tree.resolve("etc/gone"));
    Fim.Run check = fim(concat("check", "--ship", url(), auth[0], auth[1], auth[2], auth[3]));
    assertEquals(1 | 2 | 4, check.exit(), check.toString());
    assertTrue(
        check
            .err()
            .contains("fim: shipped 3 events to " + url() + "; acknowledged up to sequence 3"),
        check.toString());
    assertEquals(3, recorded().size());
    assertEquals(3, cluster.count("fim-events-*"));
    awaitDocument(tree.resolve("etc/new").toString());

    Files.writeString(tree.resolve("etc/motd"), "changed\n");
    Fim.Run update =
        fim(
            concat(
                "update", "--ship", url(), auth[0], auth[1], auth[2],
                auth[3])); // 4 against the old baseline
    assertEquals(1 | 2 | 4, update.exit(), update.toString());
    assertTrue(update.err().contains("fim: shipped 4 events to " + url()), update.toString());
    assertEquals(7, recorded().size());
    assertEquals(7, cluster.count("fim-events-*"));
    assertEquals(7, acknowledged());

    // a cluster that cannot be reached: the check's own exit code, the reason on stderr, and the
    // event waits for the next ship
    // A bound socket that never listens: connecting to its port is refused, and no other process
    // can take the port while the test holds it (a closed ServerSocket's port could be reused).
    Fim.Run failed;
    try (java.net.Socket holder = new java.net.Socket()) {
      holder.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      String deadUrl = "http://127.0.0.1:" + holder.getLocalPort();
      Files.writeString(tree.resolve("etc/motd"), "changed again\n");
      failed =
          fim(
              concat(
                  "check",
                  "--ship",
                  deadUrl,
                  "--retry-for",
                  "1",
                  auth[0],
                  auth[1],
                  auth[2],
                  auth[3]));
      assertEquals(4, failed.exit(), failed.toString());
      assertTrue(
          failed.err().contains("fim: shipping to " + deadUrl + " failed: cannot reach " + deadUrl)
              && failed.err().contains("the events wait in the database for the next fim ship"),
          failed.toString());
      assertFalse(failed.err().contains("\tat "), failed.toString()); // no stack trace
      assertEquals(8, recorded().size());
    }
    Fim.Run later = Fim.run("ship", "--db", db.toString(), "--to", url(), "--once");
    assertTrue(
        later.out().contains("fim ship: 1 events shipped to " + url() + ";"), later.toString());
    assertEquals(8, cluster.count("fim-events-*"));
    for (Fim.Run r : List.of(check, update, failed)) {
      assertNoCredentials(r.out() + r.err());
    }
  }

  private static String[] concat(String... parts) {
    List<String> a = new ArrayList<>(List.of(parts));
    return a.toArray(String[]::new);
  }
}
