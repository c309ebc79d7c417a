package dev.fim.engine.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.EventText;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal output on a socket the test binds in place of journald's: each datagram is parsed as
 * the native protocol ({@link JournalProtocol}), plain and binary-safe fields alike.
 */
class JournalDestinationTest {
  @TempDir Path tmp;

  private List<JournalProtocol.Field> sendOne(ChangeEvent e) throws Exception {
    String sock = tmp.resolve("journal.sock").toString();
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 5);
        JournalDestination d = new JournalDestination(10, sock, 1000)) {
      r.receiveBuffer(1 << 20);
      d.send(e);
      byte[] got = r.receiveBytes();
      assertNotNull(got, "a datagram arrived");
      return JournalProtocol.parse(got);
    } finally {
      java.nio.file.Files.deleteIfExists(Path.of(sock));
    }
  }

  @Test
  void anUpdateCarriesMessagePriorityAndTheFimFields() throws Exception {
    ChangeEvent e = Events.updated("/etc/hosts").withSequence(42);
    List<JournalProtocol.Field> f = sendOne(e);
    assertEquals(EventText.line(e), JournalProtocol.one(f, "MESSAGE").text());
    assertEquals("4", JournalProtocol.one(f, "PRIORITY").text());
    assertEquals("10", JournalProtocol.one(f, "SYSLOG_FACILITY").text());
    assertEquals("fim", JournalProtocol.one(f, "SYSLOG_IDENTIFIER").text());
    assertEquals("updated", JournalProtocol.one(f, "FIM_ACTION").text());
    assertEquals("42", JournalProtocol.one(f, "FIM_SEQUENCE").text());
    assertEquals("/etc/hosts", JournalProtocol.one(f, "FIM_PATH").text());
    assertEquals("1001", JournalProtocol.one(f, "FIM_AUID").text());
    assertEquals("0", JournalProtocol.one(f, "FIM_UID").text());
    assertEquals("4242", JournalProtocol.one(f, "FIM_PID").text());
    assertEquals("/usr/bin/vim.basic", JournalProtocol.one(f, "FIM_EXE").text());
    assertEquals("audit", JournalProtocol.one(f, "FIM_ATTRIBUTION").text());
    assertEquals(EventJson.toJson(e), JournalProtocol.one(f, "FIM_EVENT").text());
    assertEquals(0, JournalProtocol.all(f, "FIM_TRUNCATED").size());
  }

  /**
   * A name with a newline followed by field syntax: in the binary-safe form it stays one value of
   * FIM_PATH (exact bytes, including a byte that is not UTF-8); no PRIORITY=0 field is forged.
   */
  @Test
  void aNewlineInAFileNameCannotForgeAField() throws Exception {
    byte[] name = "/tmp/a\nPRIORITY=0\nSYSLOG_IDENTIFIER=sshd\n\u00ff".getBytes();
    name[name.length - 1] = (byte) 0xff;
    ChangeEvent e = Events.of(Action.CREATED, PathBytes.of(name), null).withSequence(3);
    List<JournalProtocol.Field> f = sendOne(e);
    assertArrayEquals(name, JournalProtocol.one(f, "FIM_PATH").value());
    assertEquals("5", JournalProtocol.one(f, "PRIORITY").text(), "one PRIORITY, the notice");
    assertEquals("fim", JournalProtocol.one(f, "SYSLOG_IDENTIFIER").text());
    assertTrue(
        !JournalProtocol.one(f, "MESSAGE").text().contains("\n"), "the text line is one line");
  }

  /**
   * An event larger than a datagram may be (the socket's send buffer, ~208 KiB) goes whole in a
   * memfd passed with SCM_RIGHTS, as journald takes it from sd_journal_sendv: every field,
   * FIM_EVENT included, and no FIM_TRUNCATED; the memfd is sealed, so nothing can change the entry
   * between fim's write and journald's read.
   */
  @Test
  void anEventTooLongForADatagramGoesWholeInASealedMemfd() throws Exception {
    ChangeEvent big =
        new ChangeEvent(
                Events.T,
                0,
                Action.OVERFLOW,
                PathBytes.ofUtf8("/var/lib"),
                null,
                null,
                null,
                List.of(),
                dev.fim.store.Origin.RESCAN,
                dev.fim.store.Attribution.NONE,
                "rescan",
                "y".repeat(400_000))
            .withSequence(11);
    String sock = tmp.resolve("journal.sock").toString();
    UnixDatagram.Receiver.PassedFile got;
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 5);
        JournalDestination d = new JournalDestination(10, sock, 1000)) {
      r.receiveBuffer(1 << 20);
      d.send(big);
      got = r.receivePassedFile();
    }
    assertNotNull(got, "a descriptor arrived");
    assertEquals(UnixDatagram.ALL_SEALS, got.seals() & UnixDatagram.ALL_SEALS, "sealed");
    List<JournalProtocol.Field> f = JournalProtocol.parse(got.content());
    assertEquals(EventJson.toJson(big), JournalProtocol.one(f, "FIM_EVENT").text());
    assertEquals(0, JournalProtocol.all(f, "FIM_TRUNCATED").size());
    assertEquals("11", JournalProtocol.one(f, "FIM_SEQUENCE").text());
    assertEquals("3", JournalProtocol.one(f, "PRIORITY").text(), "an overflow is an error");
  }
}
