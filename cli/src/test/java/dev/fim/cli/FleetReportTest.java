package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.fim.cli.ship.Cluster;
import dev.fim.cli.ship.EmbeddedOpenSearch;
import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.Destination;
import dev.fim.engine.ship.FleetSearch;
import dev.fim.engine.ship.HostIdentity;
import dev.fim.engine.ship.IndexTemplate;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.engine.ship.ShipState;
import dev.fim.engine.ship.Shipper;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fim report --source} against a real OpenSearch node in this JVM: three databases, each
 * with real {@code fim init}/{@code fim check} changes, shipped by the real {@link Shipper} under
 * three host identities (host-a 3 changes, host-b 1, host-c 2), then reported from the cluster.
 */
class FleetReportTest {
  private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C = "cccccccccccccccccccccccccccccccc";

  private static EmbeddedOpenSearch node;
  private static Cluster cluster;
  private static Path dir;

  @BeforeAll
  static void threeHostsShipped() throws Exception {
    node = EmbeddedOpenSearch.start();
    cluster = new Cluster(node.uri());
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-fleet-");
    BulkClient client =
        new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(60));
    IndexTemplate.setUp(client);
    host(client, "host-a", A, 3);
    host(client, "host-b", B, 1);
    host(client, "host-c", C, 2);
    cluster.call("POST", "/fim-events-*/_refresh", null);
    assertEquals(6, cluster.count("fim-events-*"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
      EmbeddedOpenSearch.delete(node.home());
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  /** A database with {@code changes} changes (1: modified, 2: +created, 3: +deleted), shipped. */
  private static void host(BulkClient client, String name, String id, int changes)
      throws Exception {
    Path h = Files.createDirectories(dir.resolve(name));
    Path tree = Files.createDirectories(h.resolve("tree/etc"));
    Path db = h.resolve("db");
    Path conf = h.resolve("fim.conf");
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n");
    Files.writeString(tree.resolve("gone"), "bye\n");
    Files.writeString(conf, "ALL = p+ftype+u+g+s+xxh3\n" + h.resolve("tree") + " ALL\n");
    Path key = h.resolve("seal.key");
    assertEquals(0, Fim.on(db, key, conf, "init").exit());
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n10.0.0.1 " + name + "\n");
    if (changes >= 2) {
      Files.writeString(tree.resolve("new"), "new\n");
    }
    if (changes >= 3) {
      Files.delete(tree.resolve("gone"));
    }
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertTrue(check.exit() != 0, check.toString());
    String dbId;
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      dbId = s.databaseId();
    }
    Shipper shipper =
        new Shipper(
            client,
            new ShipDocuments(new HostIdentity(name, id), dbId, "test"),
            ShipState.of(db, dbId, node.uri().toString()),
            new Shipper.Settings(1000, 1 << 20, 0, Duration.ofSeconds(60), 1_000_000),
            line -> {});
    shipper.follow(db, true, Duration.ofSeconds(1), r -> {});
  }

  private static Fim.Run report(String... more) {
    List<String> a =
        new ArrayList<>(
            List.of("report", "--source", node.uri().toString(), "--since", "2000-01-01"));
    a.addAll(List.of(more));
    return Fim.run(a.toArray(String[]::new));
  }

  private static String sha(Fim.Run r) {
    Matcher m = Pattern.compile("data SHA-256 ([0-9a-f]{64})").matcher(r.err());
    assertTrue(m.find(), r.toString());
    return m.group(1);
  }

  /** The JSON must parse as one object, whole. */
  private static void parses(String json) throws Exception {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      p.skipChildren();
      assertEquals(null, p.nextToken(), "one JSON object, nothing after it");
    }
  }

  @Test
  void totalsPerHostAreExactInJsonAndText() throws Exception {
    Fim.Run json = report("--format", "json");
    assertEquals(0, json.exit(), json.toString());
    parses(json.out());
    assertTrue(
        json.out()
            .contains(
                "\"by_host\":{\"host-a ("
                    + A
                    + ")\":3,\"host-b ("
                    + B
                    + ")\":1,\"host-c ("
                    + C
                    + ")\":2}"),
        json.out());
    assertTrue(json.out().contains("\"documents\":6,\"suspect\":0"), json.out());
    assertTrue(json.out().contains("\"coverage\":\"not available from the cluster"), json.out());

    Fim.Run text = report();
    assertEquals(0, text.exit(), text.toString());
    assertTrue(text.out().contains("\n         3  host-a (" + A + ")\n"), text.out());
    assertTrue(text.out().contains("\n         1  host-b (" + B + ")\n"), text.out());
    assertTrue(text.out().contains("\n         2  host-c (" + C + ")\n"), text.out());
    assertTrue(text.out().contains("documents: 6 (suspect: 0)"), text.out());
    assertFalse(text.out().contains("SUSPECT"), text.out());
    assertEquals(sha(json), sha(text), "the digest is of the documents, not of the format");
  }

  @Test
  void hostFilterReadsOnlyThoseHosts() throws Exception {
    Fim.Run r = report("--format", "json", "--host", "host-b", "--host", "host-c");
    assertEquals(0, r.exit(), r.toString());
    parses(r.out());
    assertTrue(
        r.out().contains("\"by_host\":{\"host-b (" + B + ")\":1,\"host-c (" + C + ")\":2}"),
        r.out());
    assertTrue(r.out().contains("\"documents\":3,"), r.out());
  }

  @Test
  void searchAfterPagesReadEveryDocumentOnceInTheSameOrder() throws Exception {
    BulkClient client =
        new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(60));
    List<String> paged = new ArrayList<>();
    List<String> whole = new ArrayList<>();
    String from = "2000-01-01T00:00:00Z";
    String until = "2100-01-01T00:00:00Z";
    assertEquals(
        new FleetSearch.Counts(6, 6),
        FleetSearch.read(client, from, until, List.of(), 4, d -> paged.add(d.id())));
    assertEquals(
        new FleetSearch.Counts(6, 6),
        FleetSearch.read(client, from, until, List.of(), 1000, d -> whole.add(d.id())));
    assertEquals(whole, paged);
    assertEquals(6, paged.stream().distinct().count(), paged.toString());
    assertTrue(paged.get(0).startsWith(A + "-") && paged.get(0).endsWith("-1"), paged.toString());
    assertTrue(paged.get(5).startsWith(C + "-") && paged.get(5).endsWith("-2"), paged.toString());
  }

  /**
   * Elasticsearch 8 refuses to sort on _id (indices.id_field_data.enabled is false there): the same
   * setting on this node made the search that sorted on _id fail; the fleet search sorts on fields
   * only, still paged.
   */
  @Test
  void theSearchNeedsNoIdFieldDataAsOnElasticsearch8() throws Exception {
    String off = "{\"transient\":{\"indices.id_field_data.enabled\":false}}";
    Cluster.Reply set = cluster.call("PUT", "/_cluster/settings", off);
    assertEquals(200, set.status(), set.body());
    try {
      Cluster.Reply byId =
          cluster.call("POST", "/fim-events-*/_search", "{\"sort\":[{\"_id\":\"asc\"}]}");
      assertEquals(400, byId.status(), "a sort on _id is refused now: " + byId.body());
      BulkClient client =
          new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(60));
      List<String> paged = new ArrayList<>();
      assertEquals(
          new FleetSearch.Counts(6, 6),
          FleetSearch.read(
              client,
              "2000-01-01T00:00:00Z",
              "2100-01-01T00:00:00Z",
              List.of(),
              4,
              d -> paged.add(d.id())));
      assertEquals(6, paged.stream().distinct().count(), paged.toString());
      Fim.Run r = report("--format", "json");
      assertEquals(0, r.exit(), r.toString());
    } finally {
      cluster.call(
          "PUT", "/_cluster/settings", "{\"transient\":{\"indices.id_field_data.enabled\":null}}");
    }
  }

  @Test
  void helpNamesTheFleetReportAndHostNeedsSource() {
    Fim.Run help = Fim.run("report", "--help");
    assertEquals(0, help.exit(), help.toString());
    for (String s :
        List.of("--source=URL", "--host=NAME", "--api-key-file", "--ca-file", "SUSPECT")) {
      assertTrue(help.out().contains(s), s + " in\n" + help.out());
    }
    Fim.Run alone = Fim.run("report", "--since", "-1h", "--host", "web1");
    assertEquals(ExitCodes.USAGE, alone.exit(), alone.toString());
    assertTrue(alone.err().contains("--host goes with --source"), alone.toString());
  }

  @Test
  void anUnreachableClusterIsTheShipExitWithItsAddressNotATrace() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Fim.Run r =
        Fim.run(
            "report", "--source", "http://127.0.0.1:" + port, "--since", "-1h", "--format", "json");
    assertEquals(ExitCodes.SHIP, r.exit(), r.toString());
    assertTrue(r.err().contains("cannot reach http://127.0.0.1:" + port), r.toString());
    assertFalse(r.err().contains("\tat "), r.toString());
    assertEquals("", r.out(), "no half report");
  }

  @Test
  void digestIsStableAcrossRunsAndHtmlIsRefusedClearly() throws Exception {
    Fim.Run one = report("--format", "json");
    Fim.Run two = report("--format", "json");
    assertEquals(0, two.exit(), two.toString());
    assertEquals(sha(one), sha(two));
    String until = "\"until\":\"[^\"]*\"";
    assertEquals(one.out().replaceAll(until, ""), two.out().replaceAll(until, ""));

    Fim.Run html = report("--format", "html");
    assertEquals(ExitCodes.USAGE, html.exit(), html.toString());
    assertTrue(html.err().contains("the fleet report is text or json"), html.toString());
  }

  @Test
  void aForgedDocumentIsMarkedSuspectAndChangesTheDigest() throws Exception {
    Fim.Run before = report("--format", "json");
    // Another host with write access plants a change in host-b's name: its _id cannot be
    // host-b's (host.id-database id-sequence) unless it also guesses the database id.
    Cluster.Reply hit =
        cluster.call(
            "POST",
            "/fim-events-*/_search",
            "{\"size\":1,\"query\":{\"term\":{\"host.id\":\"" + B + "\"}}}");
    Matcher src =
        Pattern.compile("\"_index\":\"([^\"]+)\".*?\"_source\":(\\{.*\\})\\}\\]\\}\\}")
            .matcher(hit.body());
    assertTrue(src.find(), hit.body());
    String index = src.group(1);
    String forged = src.group(2).replace("10.0.0.1 host-b", "x");
    Cluster.Reply put =
        cluster.call("PUT", "/" + index + "/_doc/" + B + "-forged-99?refresh=true", forged);
    try {
      assertEquals(201, put.status(), put.body());
      Fim.Run after = report("--format", "json");
      assertEquals(0, after.exit(), after.toString());
      parses(after.out());
      assertTrue(after.out().contains("\"documents\":7,\"suspect\":1"), after.out());
      assertTrue(after.out().contains("\"id\":\"" + B + "-forged-99\""), after.out());
      assertTrue(
          after.out().contains("\"suspect\":\"_id " + B + "-forged-99 is not " + B), after.out());
      assertNotEquals(sha(before), sha(after));
      Fim.Run text = report();
      assertTrue(text.out().contains("SUSPECT: _id " + B + "-forged-99"), text.out());
    } finally {
      cluster.call("DELETE", "/" + index + "/_doc/" + B + "-forged-99?refresh=true", null);
    }
  }
}
