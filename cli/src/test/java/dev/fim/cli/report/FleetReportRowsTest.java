package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.ship.FleetSearch;
import org.junit.jupiter.api.Test;

/** The fleet report's reading of one document: fields, the SUSPECT check, one-line text. */
class FleetReportRowsTest {
  private static final String H = "0123456789abcdef0123456789abcdef";

  private static FleetReport.Row row(String index, String id, String hostId, String ts)
      throws Exception {
    String src =
        "{\"@timestamp\":\""
            + ts
            + "\",\"event\":{\"action\":\"updated\",\"sequence\":7},\"file\":{\"path\":\"/etc/ssh/"
            + "sshd_config\"},\"user\":{\"audit\":{\"id\":\"1000\",\"name\":\"alice\"}}"
            + (hostId == null ? "" : ",\"host\":{\"name\":\"web1\",\"id\":\"" + hostId + "\"}")
            + "}";
    return FleetReport.row(new FleetSearch.Document(index, id, src));
  }

  @Test
  void aDocumentAsFimShipWritesItIsNotSuspect() throws Exception {
    FleetReport.Row r = row("fim-events-2026.12", H + "-db1-7", H, "2026-12-06T10:00:00.5Z");
    assertNull(r.suspect());
    assertEquals("web1", r.hostName());
    assertEquals(7, r.sequence());
    assertEquals("alice", r.user());
    assertEquals("/etc/ssh/sshd_config", r.path());
  }

  @Test
  void anIdOfAnotherHostSequenceOrNoDatabaseIsSuspect() throws Exception {
    String ts = "2026-12-06T10:00:00Z";
    String other = "ffffffffffffffffffffffffffffffff";
    assertTrue(
        row("fim-events-2026.12", other + "-db1-7", H, ts).suspect().startsWith("_id " + other));
    assertTrue(row("fim-events-2026.12", H + "-db1-8", H, ts).suspect().contains("is not " + H));
    assertTrue(row("fim-events-2026.12", H + "--7", H, ts).suspect() != null);
    assertTrue(row("fim-events-2026.12", H + "-db1-17", H, ts).suspect() != null);
    assertEquals(
        "host.id, event.sequence or @timestamp missing",
        row("fim-events-2026.12", H + "-db1-7", null, ts).suspect());
  }

  @Test
  void anIndexNotTheMonthOfItsTimeIsSuspect() throws Exception {
    assertEquals(
        "index fim-events-2026.11 is not the month of @timestamp 2026-12-01T00:00:00Z",
        row("fim-events-2026.11", H + "-db1-7", H, "2026-12-01T00:00:00Z").suspect());
  }

  @Test
  void aForgedPathCannotStartALineOfItsOwnAndPrefixesGroup() {
    assertEquals("/tmp/a\\x0a  99  host-z", FleetReport.oneLine("/tmp/a\n  99  host-z"));
    assertEquals("/etc/ssh", FleetReport.prefix("/etc/ssh/sshd_config", 2));
    assertEquals("/etc", FleetReport.prefix("/etc/hosts", 2));
    assertEquals("/", FleetReport.prefix("/x", 1));
  }
}
