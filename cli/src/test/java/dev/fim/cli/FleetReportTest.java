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
 * three host identities (host-a 3 changes, host-b 1, host-c 2; host-c's /etc/new approved with a
 * real {@code fim accept} before shipping), then reported from the cluster by the local report's
 * own renderers, in every format, and verified against it.
 */
class FleetReportTest {
  private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C = "cccccccccccccccccccccccccccccccc";

  private static EmbeddedOpenSearch node;
  private static Cluster cluster;
  private static Path dir;

  /** After everything was shipped: the end of a period whose reports are the same every run. */
  private static String shipped;

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
    // host-c's accept re-scans /etc/new and records it again (origin accept): 7 events, both of
    // host-c's /etc/new changes approved
    assertEquals(7, cluster.count("fim-events-*"));
    assertEquals(2, cluster.count("fim-approvals-*"));
    shipped = java.time.Instant.now().toString(); // in the past for every test: a fixed period
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
    if (changes == 2) {
      Fim.Run accept =
          Fim.on(db, key, conf, "accept", tree.resolve("new").toString(), "--note", "CHG-42 new");
      assertEquals(0, accept.exit(), accept.toString());
    }
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
            line -> {},
            (waiting, bound) -> {
              throw new AssertionError("no backlog here: " + waiting);
            });
    shipper.follow(db, true, Duration.ofSeconds(1), r -> {});
    if (changes == 2) {
      // the approvals' acknowledgement lost: both are sent again, the cluster keeps one copy each
      ShipState approvals = ShipState.of(db, dbId, node.uri().toString()).approvals();
      assertTrue(approvals.acknowledged() > 0);
      Files.delete(approvals.file());
      shipper.follow(db, true, Duration.ofSeconds(1), r -> {});
      assertTrue(approvals.acknowledged() > 0);
    }
  }

  private static Fim.Run report(String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "report",
                "--source",
                node.uri().toString(),
                "--since",
                "2000-01-01",
                "--until",
                shipped));
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
  void totalsPerHostAndApprovalsAreExactInEveryFormatWithOneDigest() throws Exception {
    Fim.Run json = report("--format", "json");
    assertEquals(0, json.exit(), json.toString());
    parses(json.out());
    String host =
        "\"by_host\":{\"host-a (" + A + ")\":3,\"host-c (" + C + ")\":3,\"host-b (" + B + ")\":1}";
    assertTrue(json.out().contains(host), json.out());
    assertTrue(json.out().contains("\"changes\":7,\"approved\":2,\"unapproved\":5"), json.out());
    assertTrue(
        json.out().contains("\"documents_read\":7,\"documents_counted\":7,\"suspect\":0"),
        json.out());
    // no fim watch ran on these hosts: each is shown not watched, as its own report shows it
    assertTrue(
        json.out()
            .contains("\"coverage\":{\"by_host\":{\"host-a (" + A + ")\":{\"period_seconds\":"),
        json.out());
    assertEquals(3, json.out().split("\"watched_seconds\":0,\"watch_runs\":\\[\\],").length - 1);
    // each change: its host, the event as the host recorded it, its approval
    assertTrue(
        json.out().contains("{\"host\":\"host-c (" + C + ")\",\"event\":{\"@timestamp\""),
        json.out());
    assertTrue(json.out().contains("\"note\":\"CHG-42 new\""), json.out());
    assertTrue(json.out().contains("source=" + node.uri()), json.out());

    Fim.Run text = report();
    assertEquals(0, text.exit(), text.toString());
    String t = text.out();
    assertTrue(t.startsWith("fim compliance report\nfim-report-v1 since="), t);
    assertTrue(
        t.contains(
            "  by host:   host-a (" + A + ") 3, host-c (" + C + ") 3, host-b (" + B + ") 1\n"),
        t);
    assertTrue(t.contains("Changes:     7 (2 approved, 5 UNAPPROVED)"), t);
    assertTrue(t.contains("Evidence:    NOT SEALED: a shared cluster has no seal"), t);
    assertTrue(t.contains("\nCoverage:    host-b (" + B + "): fim watch ran 0s of "), t);
    assertTrue(t.contains("\nHost host-a (" + A + "):\nUNAPPROVED "), t);
    assertTrue(t.contains("           accepted "), t);
    assertTrue(t.contains(": CHG-42 new\n"), t);
    assertTrue(
        t.indexOf("Host host-a") < t.indexOf("Host host-b")
            && t.indexOf("Host host-b") < t.indexOf("Host host-c"),
        t);
    assertTrue(t.contains("; 0 SUSPECT\n"), t);
    assertFalse(t.contains("\n  SUSPECT "), t);

    Fim.Run html = report("--format", "html");
    assertEquals(0, html.exit(), html.toString());
    assertTrue(
        html.out().contains("<tr class=\"host\"><th colspan=\"6\">Host host-b (" + B + ")"),
        html.out());
    assertTrue(
        html.out().contains("<h3>By host</h3>") || html.out().contains("By host"), html.out());

    Fim.Run csv = report("--format", "csv");
    assertEquals(0, csv.exit(), csv.toString());
    String[] rows = csv.out().split("\r\n");
    assertEquals(8, rows.length, csv.out());
    assertTrue(rows[0].startsWith("host,time,sequence,action,path,"), rows[0]);
    assertTrue(rows[1].startsWith("host-a (" + A + "),"), rows[1]);
    assertTrue(rows[7].startsWith("host-c (" + C + "),"), rows[7]);
    assertTrue(rows[1].endsWith(",unsealed"), rows[1]);
    assertEquals(2, csv.out().split(",approved,", -1).length - 1, csv.out());

    assertEquals(sha(json), sha(text), "the digest is of the documents, not of the format");
    assertEquals(sha(json), sha(html));
    assertEquals(sha(json), sha(csv));
  }

  /**
   * A fleet report's copy verifies against the cluster (made again from the documents, byte for
   * byte); an edited copy does not, and neither does the report once a document of its period is
   * added.
   */
  @Test
  void verifyWithSourceMakesTheReportAgainFromTheCluster() throws Exception {
    Path copy = dir.resolve("fleet.html");
    Fim.Run made = report("--format", "html", "-o", copy.toString());
    assertEquals(0, made.exit(), made.toString());
    Fim.Run ok = Fim.run("report", "--verify", copy.toString(), "--source", node.uri().toString());
    assertEquals(0, ok.exit(), ok.toString());
    assertTrue(ok.out().contains(": verified"), ok.toString());

    Fim.Run local =
        Fim.run("report", "--verify", copy.toString(), "--db", dir.resolve("host-a/db").toString());
    assertEquals(ExitCodes.USAGE, local.exit(), local.toString());
    assertTrue(local.err().contains("is a fleet report of " + node.uri()), local.toString());

    Path edited = dir.resolve("edited.html");
    Files.writeString(edited, Files.readString(copy).replace("CHG-42 new", "CHG-43 new"));
    Fim.Run bad =
        Fim.run("report", "--verify", edited.toString(), "--source", node.uri().toString());
    assertEquals(ExitCodes.NOT_VERIFIED, bad.exit(), bad.toString());
    assertTrue(bad.err().contains("this copy was modified"), bad.toString());
  }

  /**
   * A document the search cannot reach: a forged copy of one of host-b's events under another id
   * has the same sort keys (host.id, agent.id, event.sequence, @timestamp) as the original, so
   * search_after steps over one of the two at a page's edge. Read page by page (one document a
   * page: every document is at an edge), one is not read: the report states it as NOT READ against
   * the cluster's own count in every format, and its digest is not that of the whole read.
   */
  @Test
  void aDocumentHiddenByEqualSortKeysIsStatedAsNotRead() throws Exception {
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
    Cluster.Reply put =
        cluster.call("PUT", "/" + index + "/_doc/" + B + "-tie-1?refresh=true", src.group(2));
    try {
      assertEquals(201, put.status(), put.body());
      BulkClient client =
          new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(60));
      java.time.Instant until = java.time.Instant.parse(shipped);
      for (dev.fim.cli.report.ReportFormat format :
          List.of(dev.fim.cli.report.ReportFormat.TEXT, dev.fim.cli.report.ReportFormat.JSON)) {
        dev.fim.cli.report.FleetSource onePerPage =
            new dev.fim.cli.report.FleetSource(
                new dev.fim.cli.report.FleetSource.Search() {
                  @Override
                  public FleetSearch.Counts events(
                      String from, String to, List<String> hosts, FleetSearch.Sink s)
                      throws java.io.IOException,
                          InterruptedException,
                          dev.fim.engine.ship.ShipException {
                    return FleetSearch.read(client, from, to, hosts, 1, s);
                  }

                  @Override
                  public FleetSearch.Counts approvals(
                      String from, String to, List<String> hosts, FleetSearch.Sink s)
                      throws java.io.IOException,
                          InterruptedException,
                          dev.fim.engine.ship.ShipException {
                    return FleetSearch.readApprovals(client, from, to, hosts, s);
                  }

                  @Override
                  public FleetSearch.Counts coverage(
                      String from, String to, List<String> hosts, FleetSearch.Sink s)
                      throws java.io.IOException,
                          InterruptedException,
                          dev.fim.engine.ship.ShipException {
                    return FleetSearch.readCoverage(client, from, to, hosts, s);
                  }
                },
                node.uri().toString());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        dev.fim.cli.report.ComplianceReport.write(
            onePerPage,
            dev.fim.cli.report.ReportParameters.of(
                    java.time.Instant.parse("2000-01-01T00:00:00Z"),
                    until,
                    until,
                    "test",
                    2,
                    format)
                .withSource(node.uri().toString(), List.of()),
            new dev.fim.store.EvidenceChain.Verification(true, null, null),
            out,
            dir);
        String r = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (format == dev.fim.cli.report.ReportFormat.TEXT) {
          assertTrue(
              r.contains(
                  "7 documents read, 8 counted by the cluster (1 NOT READ: documents with equal"
                      + " sort keys, forged copies)"),
              r);
          assertTrue(r.contains("Changes:     7 "), r);
        } else {
          parses(r);
          assertTrue(r.contains("\"documents_read\":7,\"documents_counted\":8,"), r);
        }
      }
      // read whole (1,000 a page), both copies are read: the copy is SUSPECT, nothing NOT READ
      Fim.Run whole = report();
      assertEquals(0, whole.exit(), whole.toString());
      assertTrue(whole.out().contains("8 documents read, 8 counted by the cluster;"), whole.out());
      assertFalse(whole.out().contains("NOT READ"), whole.out());
      assertTrue(
          whole.out().contains("\n  SUSPECT " + index + "/" + B + "-tie-1: _id "), whole.out());
    } finally {
      cluster.call("DELETE", "/" + index + "/_doc/" + B + "-tie-1?refresh=true", null);
    }
  }

  /**
   * --verify of a fleet report names the cluster it made the report again from, never "the
   * database" (there is none): verified, data changed (a document added to the period) and file
   * edited.
   */
  @Test
  void verifyMessagesOfAFleetReportNameTheClusterNotADatabase() throws Exception {
    Path copy = dir.resolve("fleet-words.txt");
    Fim.Run made = report("-o", copy.toString());
    assertEquals(0, made.exit(), made.toString());
    String url = node.uri().toString();
    Fim.Run ok = Fim.run("report", "--verify", copy.toString(), "--source", url);
    assertEquals(0, ok.exit(), ok.toString());
    assertTrue(
        ok.out()
            .contains(": verified: unmodified, and the cluster " + url + " holds the same data"),
        ok.toString());
    assertFalse(ok.out().contains("database"), ok.toString());

    Path edited = dir.resolve("fleet-words-edited.txt");
    Files.writeString(edited, Files.readString(copy).replace("CHG-42 new", "CHG-43 new"));
    Fim.Run bad = Fim.run("report", "--verify", edited.toString(), "--source", url);
    assertEquals(ExitCodes.NOT_VERIFIED, bad.exit(), bad.toString());
    assertTrue(
        bad.err().contains(": NOT verified: the cluster " + url + " holds the data it states"),
        bad.toString());
    assertFalse(bad.err().contains("database"), bad.toString());

    Cluster.Reply hit =
        cluster.call(
            "POST",
            "/fim-events-*/_search",
            "{\"size\":1,\"query\":{\"term\":{\"host.id\":\"" + A + "\"}}}");
    Matcher src =
        Pattern.compile("\"_index\":\"([^\"]+)\".*?\"_source\":(\\{.*\\})\\}\\]\\}\\}")
            .matcher(hit.body());
    assertTrue(src.find(), hit.body());
    String index = src.group(1);
    Cluster.Reply put =
        cluster.call("PUT", "/" + index + "/_doc/" + A + "-added-1?refresh=true", src.group(2));
    try {
      assertEquals(201, put.status(), put.body());
      Fim.Run changed = Fim.run("report", "--verify", copy.toString(), "--source", url);
      assertEquals(ExitCodes.NOT_VERIFIED, changed.exit(), changed.toString());
      assertTrue(
          changed.err().contains(": NOT verified: it states data SHA-256 ")
              && changed.err().contains(", but the cluster " + url + " has for its period (as of ")
              && changed.err().contains("the cluster's documents changed since"),
          changed.toString());
      assertFalse(changed.err().contains("database"), changed.toString());
    } finally {
      cluster.call("DELETE", "/" + index + "/_doc/" + A + "-added-1?refresh=true", null);
    }
  }

  @Test
  void hostFilterReadsOnlyThoseHosts() throws Exception {
    Fim.Run r = report("--format", "json", "--host", "host-b", "--host", "host-c");
    assertEquals(0, r.exit(), r.toString());
    parses(r.out());
    assertTrue(
        r.out().contains("\"by_host\":{\"host-c (" + C + ")\":3,\"host-b (" + B + ")\":1}"),
        r.out());
    assertTrue(r.out().contains("\"documents_read\":4,"), r.out());
    assertTrue(r.out().contains(" hosts=host-b,host-c "), r.out());
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
        new FleetSearch.Counts(7, 7),
        FleetSearch.read(client, from, until, List.of(), 4, d -> paged.add(d.id())));
    assertEquals(
        new FleetSearch.Counts(7, 7),
        FleetSearch.read(client, from, until, List.of(), 1000, d -> whole.add(d.id())));
    assertEquals(whole, paged);
    assertEquals(7, paged.stream().distinct().count(), paged.toString());
    assertTrue(paged.get(0).startsWith(A + "-") && paged.get(0).endsWith("-1"), paged.toString());
    assertTrue(paged.get(6).startsWith(C + "-") && paged.get(6).endsWith("-3"), paged.toString());
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
          new FleetSearch.Counts(7, 7),
          FleetSearch.read(
              client,
              "2000-01-01T00:00:00Z",
              "2100-01-01T00:00:00Z",
              List.of(),
              4,
              d -> paged.add(d.id())));
      assertEquals(7, paged.stream().distinct().count(), paged.toString());
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
  void digestIsStableAcrossRuns() throws Exception {
    Fim.Run one = report("--format", "json");
    Fim.Run two = report("--format", "json");
    assertEquals(0, two.exit(), two.toString());
    assertEquals(sha(one), sha(two));
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
    String forged = src.group(2); // the same record, under another id
    Cluster.Reply put =
        cluster.call("PUT", "/" + index + "/_doc/" + B + "-forged-99?refresh=true", forged);
    try {
      assertEquals(201, put.status(), put.body());
      Fim.Run after = report("--format", "json");
      assertEquals(0, after.exit(), after.toString());
      parses(after.out());
      assertTrue(
          after.out().contains("\"documents_read\":8,\"documents_counted\":8,\"suspect\":1"),
          after.out());
      assertTrue(
          after.out().contains("/" + B + "-forged-99: _id " + B + "-forged-99 is not " + B),
          after.out());
      assertTrue(after.out().contains("\"changes\":8,"), after.out()); // shown, not dropped
      assertNotEquals(sha(before), sha(after));
      Fim.Run text = report();
      assertTrue(
          text.out().contains("\n  SUSPECT " + index + "/" + B + "-forged-99: _id "), text.out());
    } finally {
      cluster.call("DELETE", "/" + index + "/_doc/" + B + "-forged-99?refresh=true", null);
    }
  }
}
