package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.ship.FleetSearch;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FleetSource's check of a document against its own record: the document fim ship writes passes;
 * one whose id, index, sequence or time is not its record's is SUSPECT with the reason; a document
 * whose fim.record is no record is listed and not rendered.
 */
class FleetSourceTest {
  private static final String HOST = "0123456789abcdef0123456789abcdef";

  /** A real stored record (through a real store) and the document fim ship makes of it. */
  private static Object[] shipped(Path dir) throws Exception {
    long t = Instant.parse("2026-12-01T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    List<byte[]> stored = new ArrayList<>();
    String dbId;
    try (Store s = Store.open(dir.resolve("db"), Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(s);
      log.append(
          List.of(
              new ChangeEvent(
                  t,
                  0,
                  Action.CREATED,
                  PathBytes.ofUtf8("/etc/x"),
                  null,
                  null,
                  null,
                  List.of(),
                  Origin.WATCH,
                  null,
                  null)));
      log.forEachRaw(Long.MIN_VALUE, Long.MAX_VALUE, (k, v) -> stored.add(v));
      dbId = s.databaseId();
    }
    ChangeEvent e = EventLog.decodeShipped(stored.get(0));
    ShipDocuments docs =
        new ShipDocuments(new dev.fim.engine.ship.HostIdentity("web1", HOST), dbId, "test");
    StringBuilder bulk = new StringBuilder();
    docs.append(e, stored.get(0), bulk);
    String source = bulk.toString().split("\n")[1];
    return new Object[] {e, source, docs.id(e.sequence()), ShipDocuments.index(e.timeNs()), dbId};
  }

  @Test
  void theDocumentFimShipWritesPassesAndEachForgeryIsNamed() throws Exception {
    Path dir = Files.createTempDirectory("fim-fleet-source-");
    try {
      Object[] x = shipped(dir);
      ChangeEvent e = (ChangeEvent) x[0];
      String source = (String) x[1];
      String id = (String) x[2];
      String index = (String) x[3];
      FleetSource.Fields f = FleetSource.fields(source);
      assertEquals("web1", f.hostName());
      assertEquals(HOST, f.hostId());
      assertEquals(x[4], f.agentId());
      assertTrue(java.util.Arrays.equals(f.record(), f.record()));
      assertNull(FleetSource.eventProblem(new FleetSearch.Document(index, id, source), f, e));

      String other = HOST + "-" + x[4] + "-99";
      assertTrue(
          FleetSource.eventProblem(new FleetSearch.Document(index, other, source), f, e)
              .startsWith("_id " + other + " is not " + id));
      assertTrue(
          FleetSource.eventProblem(new FleetSearch.Document("fim-events-2026.11", id, source), f, e)
              .startsWith("index fim-events-2026.11 is not the month"));
      String moved = source.replace("\"sequence\":1,", "\"sequence\":2,");
      assertTrue(
          FleetSource.eventProblem(
                  new FleetSearch.Document(index, id, moved), FleetSource.fields(moved), e)
              .startsWith("event.sequence or @timestamp is not its record's"));
      String noAgent = source.replace("\"id\":\"" + x[4] + "\"", "\"name\":\"x\"");
      assertEquals(
          "host.id or agent.id missing",
          FleetSource.eventProblem(
              new FleetSearch.Document(index, id, noAgent), FleetSource.fields(noAgent), e));
    } finally {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  @Test
  void aDocumentWithoutARecordIsListedNotRendered() throws Exception {
    Path dir = Files.createTempDirectory("fim-fleet-source-");
    try {
      Object[] x = shipped(dir);
      String source = ((String) x[1]).replaceAll("\"record\":\"[^\"]*\"", "\"record\":\"AAAA\"");
      FleetSource src =
          new FleetSource(
              new FleetSource.Search() {
                @Override
                public FleetSearch.Counts events(
                    String from, String until, List<String> hosts, FleetSearch.Sink s)
                    throws java.io.IOException {
                  s.accept(new FleetSearch.Document((String) x[3], (String) x[2], source));
                  return new FleetSearch.Counts(1, 1);
                }

                @Override
                public FleetSearch.Counts approvals(
                    String from, String until, List<String> hosts, FleetSearch.Sink s) {
                  return new FleetSearch.Counts(0, 0);
                }

                @Override
                public FleetSearch.Counts coverage(
                    String from, String until, List<String> hosts, FleetSearch.Sink s) {
                  return new FleetSearch.Counts(0, 0);
                }
              },
              "http://127.0.0.1:9");
      List<String> rendered = new ArrayList<>();
      Instant now = Instant.now();
      src.forEach(
          ReportParameters.of(
              Instant.parse("2026-01-01T00:00:00Z"), now, now, "h", 2, ReportFormat.TEXT),
          (key, host, identity, stored, a, sa) -> rendered.add(host),
          (key, stored) -> {});
      assertEquals(List.of(), rendered);
      FleetFacts facts = src.fleet();
      assertEquals(1, facts.suspect());
      assertTrue(
          facts.suspects().get(0).startsWith(x[3] + "/" + x[2] + ": fim.record is not an event"),
          facts.suspects().toString());
    } finally {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }
}
