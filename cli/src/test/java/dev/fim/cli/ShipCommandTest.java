package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.cli.ship.Cluster;
import dev.fim.cli.ship.EmbeddedOpenSearch;
import dev.fim.engine.ship.ShipState;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fim ship} against a real OpenSearch node in this JVM ({@link EmbeddedOpenSearch}, one per
 * class): events recorded by real {@code fim init}/{@code fim check} runs, shipped with the
 * template's mappings, searchable, exactly once; a document the cluster refuses stops shipping at
 * its sequence.
 */
class ShipCommandTest {
  private static EmbeddedOpenSearch node;
  private static Cluster cluster;

  private Path dir;
  private Path tree;
  private Path db;
  private Path conf;

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
    cluster.call("DELETE", "/_index_template/fim-events", null);
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-ship-");
    tree = Files.createDirectories(dir.resolve("tree"));
    db = dir.resolve("db");
    Files.createDirectories(tree.resolve("etc"));
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(tree.resolve("etc/motd"), "hi\n");
    Files.writeString(tree.resolve("etc/gone"), "bye\n");
    conf = dir.resolve("fim.conf");
    Files.writeString(conf, "ALL = p+ftype+u+g+s+xxh3\n" + tree + " ALL\n");
  }

  @AfterEach
  void cleanUp() throws Exception {
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private Fim.Run fim(String... args) {
    return Fim.on(db, dir.resolve("seal.key"), conf, args);
  }

  private Fim.Run ship(String... more) {
    List<String> a = new ArrayList<>(List.of("ship", "--db", db.toString(), "--to", url()));
    a.addAll(List.of(more));
    return Fim.run(a.toArray(String[]::new));
  }

  private static String url() {
    return node.uri().toString();
  }

  private long acknowledged() throws Exception {
    String id;
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      id = s.databaseId();
    }
    return ShipState.of(db, id, url()).acknowledged();
  }

  private List<ChangeEvent> recorded() throws Exception {
    List<ChangeEvent> all = new ArrayList<>();
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      new EventLog(s).forEach(Long.MIN_VALUE, Long.MAX_VALUE, all::add);
    }
    return all;
  }

  @Test
  void checkEventsShipOnceWithTheTemplatesMappingsAndAreSearchableByPath() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n10.0.0.1 evil\n");
    Files.writeString(tree.resolve("etc/new"), "new\n");
    Files.delete(tree.resolve("etc/gone"));
    Fim.Run check = fim("check");
    assertEquals(1 | 2 | 4, check.exit(), check.toString());
    List<ChangeEvent> events = recorded();
    assertEquals(3, events.size(), events.toString());

    Fim.Run refused = ship("--once");
    assertEquals(ExitCodes.SHIP, refused.exit(), refused.toString());
    assertTrue(
        refused.err().contains("index template fim-events is not on " + url())
            && refused.err().contains("fim ship --setup"),
        refused.toString());
    assertEquals(0, cluster.count("fim-events-*"));

    Fim.Run shipped = ship("--setup", "--once");
    assertEquals(0, shipped.exit(), shipped.toString());
    assertTrue(shipped.out().contains("index template fim-events on " + url() + ": created"));
    assertTrue(
        shipped.out().contains("3 events shipped to " + url() + "; acknowledged up to sequence 3"),
        shipped.toString());
    assertEquals(3, cluster.count("fim-events-*"));
    assertEquals(3, acknowledged());

    String hosts = tree.resolve("etc/hosts").toString();
    Cluster.Reply hit =
        cluster.call(
            "POST",
            "/fim-events-*/_search",
            "{\"query\":{\"term\":{\"file.path\":\"" + hosts + "\"}}}");
    String machineId = Files.readString(Path.of("/etc/machine-id")).trim();
    assertTrue(hit.body().contains("\"total\":{\"value\":1,"), hit.body());
    assertTrue(hit.body().contains("\"action\":\"updated\""), hit.body());
    assertTrue(hit.body().contains("\"host\":{\"name\":"), hit.body());
    assertTrue(hit.body().contains("\"id\":\"" + machineId + "\""), hit.body());
    assertTrue(hit.body().contains("\"agent\":{\"type\":\"fim\""), hit.body());
    assertTrue(hit.body().contains("\"_id\":\"" + machineId + "-"), hit.body());
    // the text multi-field: a word of the path finds it
    cluster.call("POST", "/fim-events-*/_refresh", null);
    assertEquals(
        1,
        cluster.count(
                "fim-events-*", "{\"query\":{\"match\":{\"file.path.text\":\"motd new hosts\"}}}")
            - 1);

    Cluster.Reply mapping = cluster.call("GET", "/fim-events-*/_mapping", null);
    String m = mapping.body().replaceAll("\\s", "");
    for (String expected :
        List.of(
            "\"@timestamp\":{\"type\":\"date_nanos\"}",
            "\"inode\":{\"type\":\"keyword\"}",
            "\"path\":{\"type\":\"keyword\",\"ignore_above\":8191,\"fields\":{\"text\":{\"type\":\"text\"}}}",
            "\"xxh3_128\":{\"type\":\"keyword\"}",
            "\"pid\":{\"type\":\"long\"}",
            "\"size\":{\"type\":\"long\"}",
            "\"dynamic\":\"false\"")) {
      assertTrue(m.contains(expected), expected + " in " + m);
    }

    // The acknowledgement lost (a crash between the cluster's answer and the state's write):
    // everything is sent again, and the cluster keeps one copy of each (same id, same index).
    new ProcessBuilder("rm", "-rf", "--", db.resolve("ship").toString()).start().waitFor();
    Fim.Run resent = ship("--once");
    assertEquals(0, resent.exit(), resent.toString());
    assertTrue(
        resent.out().contains("0 events shipped to " + url() + " (3 were there already)"),
        resent.toString());
    assertEquals(3, cluster.count("fim-events-*"));
    assertEquals(3, acknowledged());

    Fim.Run again = ship("--setup", "--once");
    assertEquals(0, again.exit(), again.toString());
    assertTrue(again.out().contains(": unchanged"), again.toString());
    assertTrue(again.out().contains("0 events shipped"), again.toString());
    assertEquals(3, cluster.count("fim-events-*"));

    Files.writeString(tree.resolve("etc/motd"), "changed\n");
    assertEquals(4, fim("check").exit() & 4); // against the same baseline: 4 changes recorded
    assertEquals(7, recorded().size());
    Fim.Run more = ship("--once");
    assertTrue(more.out().contains("4 events shipped"), more.toString()); // only the new ones
    assertEquals(7, cluster.count("fim-events-*"));
    assertEquals(7, acknowledged());
  }

  @Test
  void aRefusedDocumentStopsShippingAtItsSequenceAndIsSentAgainOnceFixed() throws Exception {
    long oct = Instant.parse("2026-10-05T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    long nov = Instant.parse("2026-11-05T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      events.add(event(i == 6 ? nov : oct + i, "/etc/file" + i));
    }
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new EventLog(s).append(events);
    }
    // November's index made by hand with a mapping that refuses fim's documents: file.size a date
    Cluster.Reply created =
        cluster.call(
            "PUT",
            "/fim-events-2026.11",
            "{\"mappings\":{\"properties\":{\"file\":{\"properties\":{\"size\":{\"type\":\"date\","
                + "\"format\":\"yyyy\"}}}}}}");
    assertEquals(200, created.status(), created.body());

    Fim.Run stopped = ship("--setup", "--once");
    assertEquals(ExitCodes.SHIP, stopped.exit(), stopped.toString());
    assertTrue(
        stopped.err().contains("the cluster refused event 6 (/etc/file6) with 400")
            && stopped.err().contains("mapper_parsing_exception")
            && stopped.err().contains("events up to 5 are shipped"),
        stopped.toString());
    assertEquals(5, acknowledged());
    assertEquals(9, cluster.count("fim-events-2026.10")); // 7..10 went in beside it

    assertEquals(200, cluster.call("DELETE", "/fim-events-2026.11", null).status());
    Fim.Run fixed = ship("--once");
    assertEquals(0, fixed.exit(), fixed.toString());
    assertTrue(
        fixed.out().contains("1 events shipped to " + url() + " (4 were there already)"),
        fixed.toString());
    assertEquals(10, acknowledged());
    assertEquals(10, cluster.count("fim-events-*"));
  }

  /**
   * What an attacker controls cannot halt shipping: a file dated 1960 and a path longer than
   * Lucene's term limit (32,766 bytes) would be mapping errors with plain date/keyword fields, and
   * a refused document stops fim ship; the template takes them (ignore_malformed, ignore_above).
   */
  @Test
  void aFileDatedBefore1970AndAnImmensePathDoNotStopShipping() throws Exception {
    long t = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    long y1960 = Instant.parse("1960-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    String longPath = "/srv/" + "\u20ac".repeat(12_000); // 36,000 bytes in UTF-8
    FileRecord old =
        new FileRecord(
            FileType.FILE,
            0100644,
            0,
            0,
            1,
            8,
            y1960,
            y1960,
            1,
            7,
            1,
            null,
            null,
            List.of(),
            0,
            null);
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new EventLog(s)
          .append(
              List.of(
                  new ChangeEvent(
                      t,
                      0,
                      Action.CREATED,
                      PathBytes.ofUtf8("/etc/old"),
                      null,
                      old,
                      null,
                      List.of(),
                      Origin.WATCH,
                      null,
                      null),
                  event(t + 1, longPath),
                  event(t + 2, "/etc/after")));
    }
    Fim.Run run = ship("--setup", "--once");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("3 events shipped"), run.toString());
    assertEquals(3, cluster.count("fim-events-*"));
  }

  /**
   * fim.writers (every audited syscall of a change) and the package fields are mapped: a term query
   * on fim.writers.executable, package.name or fim.package_reason finds the document (with the
   * template of version 1, dynamic:false, they were in _source only and found nothing); a cluster
   * holding the version-1 template gets it updated by --setup.
   */
  @Test
  void writersAndPackageFieldsAreMappedAndAnOlderTemplateIsUpdatedBySetup() throws Exception {
    String v1 =
        dev.fim.engine.ship.IndexTemplate.body()
            .replace("\"fim_template_version\": 3", "\"fim_template_version\": 1");
    assertEquals(200, cluster.call("PUT", "/_index_template/fim-events", v1).status());
    long t = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    ChangeEvent written =
        event(t, "/usr/bin/sudo")
            .withWriters(
                List.of(
                    new dev.fim.store.Writer(
                        4711, "/usr/bin/dpkg", "dpkg", 1000L, 0L, "openat", 99L, t - 5),
                    new dev.fim.store.Writer(
                        4712, "/tmp/.x/dropper", "dropper", 1000L, 0L, "rename", 100L, t - 1)));
    ChangeEvent packaged =
        new ChangeEvent(
            written.timeNs(),
            0,
            written.action(),
            written.path(),
            null,
            written.after(),
            null,
            List.of(),
            Origin.WATCH,
            null,
            null,
            null,
            null,
            written.writers(),
            new dev.fim.store.PackageOrigin(
                "sudo", "1.9.13p3-1+deb12u1", false, "sha256 differs from the package's"));
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new EventLog(s).append(List.of(packaged, event(t + 1, "/etc/other")));
    }
    Fim.Run run = ship("--setup", "--once");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(
        run.out().contains("index template fim-events on " + url() + ": updated"), run.toString());
    assertEquals(2, cluster.count("fim-events-*"));
    for (String query :
        List.of(
            "{\"query\":{\"term\":{\"fim.writers.executable\":\"/tmp/.x/dropper\"}}}",
            "{\"query\":{\"term\":{\"fim.writers.syscall\":\"rename\"}}}",
            "{\"query\":{\"range\":{\"fim.writers.serial\":{\"gte\":100}}}}",
            "{\"query\":{\"term\":{\"package.name\":\"sudo\"}}}",
            "{\"query\":{\"term\":{\"package.version\":\"1.9.13p3-1+deb12u1\"}}}",
            "{\"query\":{\"term\":{\"fim.package_verified\":false}}}",
            "{\"query\":{\"match\":{\"fim.package_reason.text\":\"differs\"}}}")) {
      assertEquals(1, cluster.count("fim-events-*", query), query);
    }
    String m = cluster.call("GET", "/fim-events-*/_mapping", null).body().replaceAll("\\s", "");
    assertTrue(m.contains("\"time\":{\"type\":\"date_nanos\""), m);
  }

  /**
   * The backlog bound: when more events wait than --backlog-warn (the cluster refuses writes here:
   * a read-only block), fim ship records one overflow-style notice in the sealed store, not one per
   * run or event; the notice ships with the rest once the cluster takes writes, the evidence still
   * verifies, and a new crossing records a new notice.
   */
  @Test
  void aBacklogPastTheBoundIsRecordedOncePerCrossingAndShipped() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n10.0.0.1 evil\n");
    Files.writeString(tree.resolve("etc/new"), "new\n");
    Files.delete(tree.resolve("etc/gone"));
    assertEquals(1 | 2 | 4, fim("check").exit());
    assertEquals(0, ship("--setup", "--once").exit()); // 3 shipped: nothing waits
    Files.writeString(tree.resolve("etc/motd"), "one\n");
    Files.writeString(tree.resolve("etc/a"), "a\n");
    Files.writeString(tree.resolve("etc/b"), "b\n");
    assertTrue(fim("check").exit() != 0); // 6 more recorded against the same baseline
    String block = "{\"persistent\":{\"cluster.blocks.read_only\":true}}";
    assertEquals(200, cluster.call("PUT", "/_cluster/settings", block).status());
    try {
      for (int run = 0; run < 2; run++) {
        Fim.Run r = fim("ship", "--to", url(), "--once", "--backlog-warn", "2");
        assertEquals(ExitCodes.SHIP, r.exit(), r.toString());
        assertTrue(r.err().contains("events wait to be shipped (bound 2)"), r.toString());
        assertFalse(r.err().contains("could not be recorded"), r.toString());
      }
      List<ChangeEvent> notices = backlogNotices();
      assertEquals(1, notices.size(), recorded().toString());
      assertTrue(
          notices.get(0).message().contains("wait to be shipped to " + url())
              && notices.get(0).message().contains("more than the bound of 2"),
          notices.get(0).message());
    } finally {
      cluster.call(
          "PUT", "/_cluster/settings", "{\"persistent\":{\"cluster.blocks.read_only\":null}}");
    }
    Fim.Run shipped = fim("ship", "--to", url(), "--once", "--backlog-warn", "2");
    assertEquals(0, shipped.exit(), shipped.toString());
    assertEquals(recorded().size(), cluster.count("fim-events-*")); // the notice too
    assertEquals(
        1,
        cluster.count(
            "fim-events-*",
            "{\"query\":{\"term\":{\"fim.attribution_reason\":\"ship-backlog\"}}}"));
    Fim.Run report = fim("report", "--since", "2000-01-01");
    assertEquals(0, report.exit(), "the notice is sealed like any event: " + report);
    assertTrue(report.out().contains("1 overflow events (ship-backlog 1)"), report.out());

    // below the bound again; a new crossing is a new notice
    Files.writeString(tree.resolve("etc/c"), "c\n");
    Files.writeString(tree.resolve("etc/d"), "d\n");
    Files.writeString(tree.resolve("etc/e"), "e\n");
    assertTrue(fim("check").exit() != 0);
    assertEquals(200, cluster.call("PUT", "/_cluster/settings", block).status());
    try {
      assertEquals(
          ExitCodes.SHIP, fim("ship", "--to", url(), "--once", "--backlog-warn", "2").exit());
    } finally {
      cluster.call(
          "PUT", "/_cluster/settings", "{\"persistent\":{\"cluster.blocks.read_only\":null}}");
    }
    assertEquals(2, backlogNotices().size());
  }

  private List<ChangeEvent> backlogNotices() throws Exception {
    return recorded().stream().filter(e -> "ship-backlog".equals(e.attributionReason())).toList();
  }

  @Test
  void withoutOnceItFollowsNewEventsBesideAWriterAndStopsCleanlyOnSigterm() throws Exception {
    long t = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new EventLog(s).append(List.of(event(t, "/etc/one"), event(t + 1, "/etc/two")));
    }
    assertEquals(0, ship("--setup", "--once").exit());
    // a real fim process following the store, as beside fim watch
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "ship",
                "--db",
                db.toString(),
                "--to",
                url(),
                "--interval",
                "0.2")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ship.out").toFile())
            .start();
    try {
      // new events recorded by a writer holding the database while fim ship runs
      try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
        EventLog log = new EventLog(s);
        log.append(List.of(event(t + 2, "/etc/three")));
        awaitCount(3, p);
        log.append(List.of(event(t + 3, "/etc/four"), event(t + 4, "/etc/five")));
        awaitCount(5, p);
      }
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "fim ship did not stop");
      String out = Files.readString(dir.resolve("ship.out"));
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("3 events shipped to " + url()), out);
      assertTrue(out.contains("acknowledged up to sequence 5"), out);
      assertEquals(5, acknowledged());
    } finally {
      p.destroyForcibly();
    }
  }

  private static void awaitCount(long n, Process p) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (cluster.count("fim-events-*") != n) {
      assertTrue(p.isAlive(), "fim ship ended");
      assertTrue(System.nanoTime() < deadline, "fim ship did not ship " + n + " events in 60 s");
    }
  }

  static ChangeEvent event(long timeNs, String path) {
    FileRecord r =
        new FileRecord(
            FileType.FILE,
            0100644,
            0,
            0,
            220,
            8,
            timeNs,
            timeNs,
            1,
            42,
            1,
            null,
            null,
            List.of(),
            0,
            null);
    return new ChangeEvent(
        timeNs,
        0,
        Action.CREATED,
        PathBytes.of(path.getBytes(StandardCharsets.UTF_8)),
        null,
        r,
        null,
        List.of(),
        Origin.WATCH,
        null,
        null);
  }
}
