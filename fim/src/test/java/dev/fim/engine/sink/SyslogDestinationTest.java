package dev.fim.engine.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.output.EventJson;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog output on a socket the test binds in place of /dev/log: every datagram is parsed with
 * RFC 5424's grammar ({@link Rfc5424}), field by field.
 */
class SyslogDestinationTest {
  @TempDir Path tmp;

  private Rfc5424 sendOne(String facility, ChangeEvent e) throws Exception {
    String sock = tmp.resolve("log.sock").toString();
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 5);
        SyslogDestination d =
            new SyslogDestination(facility, SyslogFormat.facility(facility), sock, 1000)) {
      assertEquals("syslog:" + facility, d.name());
      d.send(e);
      byte[] got = r.receiveBytes();
      assertNotNull(got, "a datagram arrived");
      assertTrue(got.length <= SyslogFormat.MAX_BYTES, "at most 8 KiB: " + got.length);
      return Rfc5424.parse(got);
    } finally {
      Files.deleteIfExists(Path.of(sock));
    }
  }

  @Test
  void anUpdateIsAnRfc5424MessageWithStructuredDataAndTheEventJson() throws Exception {
    ChangeEvent e = Events.updated("/etc/hosts").withSequence(42);
    Rfc5424 m = sendOne("authpriv", e);
    assertEquals(10 * 8 + 4, m.pri(), "authpriv.warning");
    assertEquals("2025-11-25T10:00:00.123456Z", m.timestamp(), "the event's time, microseconds");
    assertEquals(
        Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), m.hostname(), "hostname");
    assertEquals("fim", m.appName());
    assertEquals(Long.toString(ProcessHandle.current().pid()), m.procId());
    assertEquals("updated", m.msgId(), "MSGID is the action");
    assertEquals("fim@32473", m.sdId());
    assertEquals(
        Map.of(
            "action", "updated",
            "sequence", "42",
            "path", "/etc/hosts",
            "auid", "1001",
            "exe", "/usr/bin/vim.basic",
            "attribution", "audit"),
        m.params());
    assertEquals(EventJson.toJson(e), m.msg(), "the message is the event JSON, no BOM");
  }

  @Test
  void severityFollowsTheActionAndTheFacilityIsConfigurable() throws Exception {
    assertEquals(
        19 * 8 + 3,
        sendOne("local3", Events.of(Action.OVERFLOW, PathBytes.ofUtf8("/etc"), null)).pri(),
        "an overflow is local3.err");
    assertEquals(
        16 * 8 + 5,
        sendOne("local0", Events.of(Action.CREATED, PathBytes.ofUtf8("/etc/x"), null)).pri(),
        "a new file is a notice");
    assertEquals(
        4 * 8 + 4,
        sendOne("auth", Events.of(Action.DELETED, PathBytes.ofUtf8("/etc/x"), null)).pri(),
        "a deleted file is a warning");
    assertThrows(IllegalArgumentException.class, () -> SyslogFormat.facility("local8"));
    assertThrows(IllegalArgumentException.class, () -> SyslogFormat.facility("security"));
  }

  /**
   * A file name chosen to forge: quote and bracket to end the structured data early, a newline to
   * start a second log line. The SD value keeps it escaped and the whole message is one datagram.
   */
  @Test
  void aHostileFileNameCannotEndTheStructuredDataOrStartALine() throws Exception {
    String name = "/tmp/x\"] [fim@32473 action=\"deleted\"]\n<11>1 fake\\";
    ChangeEvent e = Events.of(Action.CREATED, PathBytes.ofUtf8(name), null).withSequence(7);
    Rfc5424 m = sendOne("authpriv", e);
    // the path as fim displays it (newline and backslash escaped), RFC 5424's escapes undone
    assertEquals(PathBytes.ofUtf8(name).display(), m.params().get("path"));
    assertTrue(m.params().get("path").contains("\\n<11>1 fake"), m.params().toString());
    assertEquals("created", m.params().get("action"));
    Map<String, String> json = JsonPath.scalars(m.msg());
    assertEquals(
        PathBytes.ofUtf8(name).display(), json.get("/file/path"), "the JSON's path as displayed");
    assertTrue(!m.msg().contains("\n"), "one line");
  }

  /**
   * An event too long for rsyslog's 8 KiB (a message of 20,000 characters) becomes a short valid
   * JSON that says it was truncated and how long the event was; nothing is cut mid-JSON.
   */
  @Test
  void anEventLongerThanEightKibIsShortenedToValidJsonWithAMarker() throws Exception {
    ChangeEvent big =
        new ChangeEvent(
                Events.T,
                0,
                Action.OVERFLOW,
                PathBytes.ofUtf8("/var/lib"),
                null,
                null,
                null,
                java.util.List.of(),
                dev.fim.store.Origin.RESCAN,
                dev.fim.store.Attribution.NONE,
                "rescan",
                "x".repeat(20_000))
            .withSequence(9);
    int full = EventJson.toJson(big).getBytes(StandardCharsets.UTF_8).length;
    Rfc5424 m = sendOne("authpriv", big);
    Map<String, String> json = JsonPath.scalars(m.msg());
    assertEquals("true", json.get("/fim/truncated"), m.msg());
    assertEquals(Integer.toString(full), json.get("/fim/event_bytes"));
    assertEquals("9", json.get("/event/sequence"));
    assertEquals("overflow", json.get("/event/action"));
    assertEquals("/var/lib", json.get("/file/path"));
    assertEquals("9", m.params().get("sequence"), "the structured data is whole");
  }
}
