package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fim.cli.ship.Cluster;
import dev.fim.cli.ship.EmbeddedOpenSearch;
import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.CoverageState;
import dev.fim.engine.ship.Destination;
import dev.fim.engine.ship.HostIdentity;
import dev.fim.engine.ship.IndexTemplate;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.engine.ship.ShipState;
import dev.fim.engine.ship.Shipper;
import dev.fim.store.Store;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watch coverage in the fleet report, against a real OpenSearch node in this JVM and real {@code
 * fim watch} processes (inotify, /proc attribution: no audit rules): four databases acting as four
 * hosts, shipped by the real {@link Shipper} under their own host identities.
 *
 * <ul>
 *   <li>host-a: one watch, stopped in order (SIGTERM);
 *   <li>host-b: a watch stopped in order, then another killed with SIGKILL: a gap between them, and
 *       the killed one covered up to its last heartbeat only;
 *   <li>host-c: never watched (init and check only);
 *   <li>host-s: a watch still running, whose coverage was shipped once and then no more (a host
 *       whose shipping stopped, or was stopped by an intruder).
 * </ul>
 *
 * The report is made more than {@link #SLACK} after the last sign of life of the killed watch and
 * of host-s's shipping, so neither counts as still running.
 */
class FleetCoverageTest {
  private static final String A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
  private static final String B = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
  private static final String C = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
  private static final String S = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
  private static final long DEADLINE_MS = 60_000;

  /** The report's slack for a running watch (Coverage.RUNNING_SLACK_NS) and a second more. */
  private static final Duration SLACK = Duration.ofSeconds(31);

  private static EmbeddedOpenSearch node;
  private static Cluster cluster;
  private static BulkClient client;
  private static Path dir;
  private static Host a;
  private static Host b;
  private static Host c;
  private static Host s;
  private static Process running;
  private static String since;
  private static String until;

  /** One database acting as one host. */
  private record Host(String name, String id, Path db, Path key, Path conf, Path tree) {
    String label() {
      return name + " (" + id + ")";
    }

    Shipper shipper() throws Exception {
      String dbId;
      try (Store st = Store.open(db, Store.OpenMode.READ_ONLY)) {
        dbId = st.databaseId();
      }
      return new Shipper(
          client,
          new ShipDocuments(new HostIdentity(name, id), dbId, "test"),
          ShipState.of(db, dbId, node.uri().toString()),
          new Shipper.Settings(1000, 1 << 20, 0, Duration.ofSeconds(60), 1_000_000),
          line -> {},
          (waiting, bound) -> {
            throw new AssertionError("no backlog here: " + waiting);
          });
    }

    void ship() throws Exception {
      shipper().follow(db, true, Duration.ofSeconds(1), r -> {});
    }

    CoverageState coverageState() throws Exception {
      try (Store st = Store.open(db, Store.OpenMode.READ_ONLY)) {
        return ShipState.of(db, st.databaseId(), node.uri().toString()).coverage();
      }
    }
  }

  @BeforeAll
  static void fourHosts() throws Exception {
    node = EmbeddedOpenSearch.start();
    cluster = new Cluster(node.uri());
    client = new BulkClient(new Destination(node.uri(), null, null), Duration.ofSeconds(60));
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-fleet-coverage-");
    assertEquals(IndexTemplate.Outcome.CREATED, IndexTemplate.setUp(client));
    since = Instant.now().minusSeconds(5).toString();
    b = host("host-b", B);
    watch(b).stop("TERM");
    Watch killed = watch(b);
    killed.stop("KILL");
    Instant lastSign = Instant.now();
    s = host("host-s", S);
    running = watch(s).process;
    a = host("host-a", A);
    watch(a).stop("TERM");
    c = host("host-c", C);
    for (Host h : List.of(a, b, c)) {
      h.ship();
    }
    s.ship(); // while its watch runs; then never again (until one test resumes it)
    lastSign = Instant.now().isAfter(lastSign) ? Instant.now() : lastSign;
    // the report's clock must be past the slack after the killed watch's and host-s's last sign of
    // life: only then do they count as stopped (waiting for the clock, not for another thread)
    Instant ready = lastSign.plus(SLACK);
    while (Instant.now().isBefore(ready)) {
      Thread.sleep(Math.max(1, Duration.between(Instant.now(), ready).toMillis()));
    }
    until = Instant.now().toString();
    cluster.call("POST", "/fim-*/_refresh", null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (running != null) {
      ChildFim.stop(running, DEADLINE_MS);
    }
    if (node != null) {
      node.close();
      EmbeddedOpenSearch.delete(node.home());
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  /** A database with a baseline and one recorded change (fim check), so the host has events. */
  private static Host host(String name, String id) throws Exception {
    Path h = Files.createDirectories(dir.resolve(name));
    Path tree = Files.createDirectories(h.resolve("tree"));
    Path db = h.resolve("db");
    Path conf = h.resolve("fim.conf");
    Path key = h.resolve("seal.key");
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n");
    Files.writeString(conf, "ALL = p+ftype+u+g+s+xxh3\n" + tree + " ALL\n");
    assertEquals(0, Fim.on(db, key, conf, "init").exit());
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n10.0.0.1 " + name + "\n");
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertTrue(check.exit() != 0, check.toString());
    return new Host(name, id, db, key, conf, tree);
  }

  /** A real fim watch process on a host's database. */
  private static final class Watch {
    final Process process;

    Watch(Process p) {
      this.process = p;
    }

    void stop(String signal) throws Exception {
      assertEquals(
          0,
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
      assertTrue(
          process.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS),
          "fim watch did not stop on SIG" + signal);
    }
  }

  /** Starts fim watch on the host's database and returns once it watches. */
  private static Watch watch(Host h) throws Exception {
    List<String> cmd =
        ChildFim.command(
            "watch",
            "--db",
            h.db().toString(),
            "--key",
            h.key().toString(),
            "-c",
            h.conf().toString(),
            "--backend",
            "inotify",
            "--attribution",
            "proc");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve(h.name() + ".watch.out").toFile())
            .start();
    List<String> lines = new ArrayList<>();
    ChildFim.collectStderr(p, lines);
    long end = System.currentTimeMillis() + DEADLINE_MS;
    synchronized (lines) {
      while (lines.stream().noneMatch(l -> l.startsWith("fim watch: reconciled"))) {
        long left = end - System.currentTimeMillis();
        if (left <= 0 || !p.isAlive()) {
          p.destroyForcibly();
          fail("fim watch on " + h.name() + " did not start: " + lines);
        }
        lines.wait(Math.min(left, 200));
      }
    }
    return new Watch(p);
  }

  private static Fim.Run fleet(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "report", "--source", node.uri().toString(), "--since", since, "--until", until));
    args.addAll(List.of(more));
    return Fim.run(args.toArray(String[]::new));
  }

  private static Fim.Run local(Host h, String... more) {
    List<String> args = new ArrayList<>(List.of("report", "--since", since, "--until", until));
    args.addAll(List.of(more));
    return Fim.on(h.db(), h.key(), h.conf(), args.toArray(String[]::new));
  }

  private static String sha(Fim.Run r) {
    Matcher m = Pattern.compile("data SHA-256 ([0-9a-f]{64})").matcher(r.err() + r.out());
    assertTrue(m.find(), r.toString());
    return m.group(1);
  }

  /**
   * The JSON value at {@code path} (object keys, from the top), compact, or null when it is not
   * there.
   */
  private static String at(String json, String... path) throws IOException {
    JsonFactory f = new JsonFactory();
    try (JsonParser p = f.createParser(json)) {
      p.nextToken();
      for (String key : path) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
          return null;
        }
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if (name.equals(key)) {
            found = true;
            break;
          }
          p.skipChildren();
        }
        if (!found) {
          return null;
        }
      }
      StringWriter w = new StringWriter();
      try (JsonGenerator g = f.createGenerator(w)) {
        g.copyCurrentStructure(p);
      }
      return w.toString();
    }
  }

  /** The summary object of a JSON report (it follows the changes). */
  private static String summary(Fim.Run r) throws IOException {
    assertEquals(0, r.exit(), r.toString());
    String sum = at(r.out(), "summary");
    assertNotNull(sum, r.out());
    return sum;
  }

  private static String fleetCoverage(String summary, Host h) throws IOException {
    String c = at(summary, "coverage", "by_host", h.label());
    assertNotNull(c, "no coverage of " + h.label() + " in the fleet report: " + summary);
    return c;
  }

  /** The coverage lines of a text report: the Coverage: line and the watch/gap lines under it. */
  private static List<String> coverageLines(String text, String firstLinePrefix) {
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith(firstLinePrefix)) {
        out.add(lines[i].substring(firstLinePrefix.length()));
        for (int k = i + 1; k < lines.length && lines[k].startsWith("  "); k++) {
          out.add(lines[k]);
        }
        return out;
      }
    }
    fail("no line starting " + firstLinePrefix + " in\n" + text);
    return out;
  }

  /**
   * Each host's coverage in the fleet report is its own report's: the same runs (ended, lost), the
   * same gaps, the same covered time, in JSON and text; a host that was never watched is shown not
   * watched, not left out.
   */
  @Test
  void eachHostsCoverageIsWhatItsOwnReportShows() throws Exception {
    String fleet = summary(fleet("--format", "json"));
    for (Host h : List.of(a, b, c)) {
      String own = at(summary(local(h, "--format", "json")), "coverage");
      assertEquals(own, fleetCoverage(fleet, h), h.name());
    }
    String hb = fleetCoverage(fleet, b);
    assertEquals(2, hb.split("\"status\":").length - 1, hb); // two runs
    assertTrue(hb.contains("\"status\":\"ended\""), hb);
    assertTrue(hb.contains("\"status\":\"lost\""), hb);
    assertEquals(3, at(hb, "gaps").split("\\{").length - 1, hb); // before, between, after
    String hc = fleetCoverage(fleet, c);
    assertTrue(hc.contains("\"watched_seconds\":0,\"watch_runs\":[],\"gaps\":[{"), hc);

    String text = fleet().out();
    for (Host h : List.of(a, b, c)) {
      Fim.Run own = local(h);
      assertEquals(0, own.exit(), own.toString());
      assertEquals(
          coverageLines(own.out(), "Coverage:    "),
          coverageLines(text, "Coverage:    " + h.label() + ": "),
          h.name());
    }
    assertTrue(text.contains("  watch ") && text.contains("stopped without an orderly end"), text);
  }

  /**
   * A host that stops shipping (its coverage document's last heartbeat grows old in the cluster
   * while the watch, on the host, goes on): the fleet report shows its run lost at the last shipped
   * heartbeat and the rest of the period as a gap, never as covered; the host's own report still
   * shows it running. Shipping resumed, the fleet shows it running again, as the host does.
   */
  @Test
  void aHostThatStopsShippingCoverageIsNotCoveredAfterItsLastShippedSign() throws Exception {
    String fleet = summary(fleet("--format", "json"));
    String hs = fleetCoverage(fleet, s);
    assertTrue(hs.contains("\"status\":\"lost\""), hs);
    assertFalse(hs.contains("\"status\":\"running\""), hs);
    String own = at(summary(local(s, "--format", "json")), "coverage");
    assertTrue(own.contains("\"status\":\"running\""), own);
    assertTrue(
        Long.parseLong(at(hs, "watched_seconds")) < Long.parseLong(at(own, "watched_seconds")),
        hs + "\n" + own);
    assertTrue(running.isAlive(), "host-s's watch goes on");

    s.ship(); // shipping resumes: its latest heartbeat reaches the cluster
    cluster.call("POST", "/" + ShipDocuments.COVERAGE_PREFIX + "*/_refresh", null);
    String resumed = fleetCoverage(summary(fleet("--format", "json")), s);
    assertTrue(resumed.contains("\"status\":\"running\""), resumed);
    assertEquals(at(summary(local(s, "--format", "json")), "coverage"), resumed);
    assertEquals(1, coverageIds(S).size(), "the same document, its end moved");
  }

  /**
   * A missing coverage document is a gap, never coverage: deleted from the cluster, its host shows
   * as not watched for the whole period, the digest changes, and an earlier copy of the report no
   * longer verifies against the cluster.
   */
  @Test
  void aMissingCoverageDocumentIsAGapAndChangesTheDigest() throws Exception {
    Path copy = dir.resolve("before-delete.json");
    Fim.Run before = fleet("--format", "json", "-o", copy.toString());
    assertEquals(0, before.exit(), before.toString());
    String id = coverageIds(A).get(0);
    String index = ShipDocuments.COVERAGE_PREFIX + indexMonth(id);
    Cluster.Reply doc = cluster.call("GET", "/" + index + "/_doc/" + id, null);
    assertEquals(200, doc.status(), doc.body());
    Matcher src = Pattern.compile("\"_source\":(\\{.*\\})\\}$").matcher(doc.body().trim());
    assertTrue(src.find(), doc.body());
    assertEquals(
        200, cluster.call("DELETE", "/" + index + "/_doc/" + id + "?refresh=true", null).status());
    try {
      Fim.Run after = fleet("--format", "json");
      String ha = fleetCoverage(summary(after), a);
      assertTrue(ha.contains("\"watched_seconds\":0,\"watch_runs\":[],"), ha);
      assertNotEquals(sha(before), sha(after));
      Fim.Run verify =
          Fim.run("report", "--verify", copy.toString(), "--source", node.uri().toString());
      assertEquals(ExitCodes.NOT_VERIFIED, verify.exit(), verify.toString());
      assertTrue(verify.err().contains("the cluster's documents changed since"), verify.toString());
    } finally {
      Cluster.Reply put =
          cluster.call(
              "PUT",
              "/"
                  + index
                  + "/_doc/"
                  + id
                  + "?refresh=true&version_type=external&version="
                  + Long.MAX_VALUE / 2,
              src.group(1));
      assertEquals(201, put.status(), put.body());
    }
    Fim.Run restored = fleet("--format", "json");
    assertEquals(sha(before), sha(restored));
  }

  /**
   * A forged coverage document, one that claims more coverage than its record (host-b's killed run
   * stretched to the period's end in event.end), is SUSPECT with the reason and not counted: the
   * run is then missing from host-b's coverage (a gap), never stretched; the digest changes.
   */
  @Test
  void aForgedCoverageDocumentIsSuspectAndNotCounted() throws Exception {
    Fim.Run before = fleet("--format", "json");
    List<String> ids = coverageIds(B);
    String id = ids.get(ids.size() - 1); // the killed run
    String index = ShipDocuments.COVERAGE_PREFIX + indexMonth(id);
    Cluster.Reply doc = cluster.call("GET", "/" + index + "/_doc/" + id, null);
    Matcher src = Pattern.compile("\"_source\":(\\{.*\\})\\}$").matcher(doc.body().trim());
    assertTrue(src.find(), doc.body());
    String original = src.group(1);
    String forged =
        original
            .replaceFirst("\"end\":\"[^\"]+\"", "\"end\":\"" + until + "\"")
            .replace("\"ended\":false", "\"ended\":true");
    assertNotEquals(original, forged);
    long version = Long.MAX_VALUE / 2 + 10; // newer than any fim ship sends until 2116
    String put = "/" + index + "/_doc/" + id + "?refresh=true&version_type=external&version=";
    assertEquals(200, cluster.call("PUT", put + version, forged).status());
    try {
      Fim.Run after = fleet("--format", "json");
      String sum = summary(after);
      assertTrue(
          sum.contains(
              "coverage " + index + "/" + id + ": event.start or event.end is not its record's"),
          sum);
      assertTrue(sum.contains("(not counted)"), sum);
      String hb = fleetCoverage(sum, b);
      assertFalse(hb.contains("\"status\":\"lost\""), hb);
      assertEquals(1, hb.split("\"status\":\"ended\"").length - 1, hb);
      assertNotEquals(sha(before), sha(after));
      Fim.Run text = fleet();
      assertTrue(
          text.out().contains("\n  SUSPECT coverage " + index + "/" + id + ": "), text.out());
    } finally {
      assertEquals(200, cluster.call("PUT", put + (version + 1), original).status());
    }
    assertEquals(sha(before), sha(fleet("--format", "json")));
  }

  /**
   * Exactly once: one document per watch run (host-a 1, host-b 2, host-s 1), ids from host.id,
   * database id and start; shipping again sends nothing (acknowledged); with the acknowledgement
   * lost everything is sent again and the cluster answers 409 (no copy more); the stopped runs are
   * final, so the state keeps nothing per run for them. The coverage index has the template's
   * mapping.
   */
  @Test
  void coverageShipsOncePerRunAndResendsAreRecognised() throws Exception {
    assertEquals(1, coverageIds(A).size());
    assertEquals(2, coverageIds(B).size());
    assertEquals(0, coverageIds(C).size());
    assertEquals(1, coverageIds(S).size());
    long countBefore = cluster.count(ShipDocuments.COVERAGE_PREFIX + "*");
    assertEquals(4, countBefore);

    Shipper again = b.shipper();
    try (Store st = Store.open(b.db(), Store.OpenMode.READ_ONLY)) {
      assertEquals(0, again.coverage(st), "nothing changed, nothing sent");
      CoverageState state = b.coverageState();
      CoverageState.Acknowledged acked = state.acknowledged();
      List<WatchCoverage.Interval> runs = WatchCoverage.overlapping(st, 0, Long.MAX_VALUE);
      assertEquals(2, runs.size());
      // the run stopped in order is final; the killed one is kept: no later run follows it yet
      assertEquals(runs.get(0).startNs() + 1, acked.finalBefore());
      assertEquals(List.of(runs.get(1).startNs()), List.copyOf(acked.versions().keySet()));
      assertEquals(
          List.of(),
          state.round(acked, WatchCoverage.startingAt(st, acked.finalBefore())).pending());
      Files.delete(state.file());
      assertEquals(0, again.coverage(st), "sent again: 409 for both, none created");
      assertEquals(acked, state.acknowledged());
    }
    assertEquals(countBefore, cluster.count(ShipDocuments.COVERAGE_PREFIX + "*"));
    String mapping =
        cluster
            .call("GET", "/" + ShipDocuments.COVERAGE_PREFIX + "*/_mapping", null)
            .body()
            .replaceAll("\\s", "");
    assertTrue(mapping.contains("\"end\":{\"type\":\"date_nanos\"}"), mapping);
    assertTrue(mapping.contains("\"ended\":{\"type\":\"boolean\"}"), mapping);
  }

  /** The coverage document ids of one host, oldest run first (at least one). */
  private static List<String> coverageIds(String hostId) throws Exception {
    cluster.call("POST", "/" + ShipDocuments.COVERAGE_PREFIX + "*/_refresh", null);
    Cluster.Reply r =
        cluster.call(
            "POST",
            "/" + ShipDocuments.COVERAGE_PREFIX + "*/_search",
            "{\"size\":100,\"query\":{\"term\":{\"host.id\":\""
                + hostId
                + "\"}},\"sort\":[{\"event.start\":\"asc\"}],\"_source\":false}");
    assertEquals(200, r.status(), r.body());
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("\"_id\":\"([^\"]+)\"").matcher(r.body());
    while (m.find()) {
      ids.add(m.group(1));
    }
    assertTrue(!ids.isEmpty() || hostId.equals(C), "no coverage document of " + hostId);
    return ids;
  }

  /** The month of a coverage document's run start, from its id ({@code …-coverage-<ns>}). */
  private static String indexMonth(String id) {
    long ns = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    return ShipDocuments.month(ns);
  }
}
