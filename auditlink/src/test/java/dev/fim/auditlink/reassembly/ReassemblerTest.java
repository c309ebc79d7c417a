package dev.fim.auditlink.reassembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.auditlink.Fixtures;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReassemblerTest {
  /** Collects what the reassembler delivers, as "serial:count" strings. */
  static final class Collector implements EventStream {
    final List<List<AuditRecord>> events = new ArrayList<>();
    long lost;

    @Override
    public void reassemblyComplete(List<AuditRecord> records) {
      events.add(records);
    }

    @Override
    public void eventsLost(long count) {
      lost += count;
    }

    String summary() {
      return events.stream()
          .map(e -> e.get(0).serial() + ":" + e.size())
          .collect(Collectors.joining(", "));
    }
  }

  static final class FakeTicker implements Ticker {
    long now = 1_000;

    @Override
    public long read() {
      return now;
    }
  }

  /**
   * The table of fixtures/go-libaudit/README.md (go-libaudit reassembler_test.go), 5 events in
   * flight.
   */
  static Stream<Arguments> readmeTable() {
    return Stream.of(
        Arguments.of("normal.log", "58:2, 59:5, 60:5, 61:4, 62:1", 0),
        Arguments.of("lost_messages.log", "49:2, 59:5, 60:5, 61:4, 62:1", 9),
        Arguments.of("out_of_order.log", "58:2, 59:5, 60:5, 61:4, 62:1", 0),
        Arguments.of("rollover.log", "4294967294:1, 4294967295:1, 0:1, 1:1, 2:1", 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readmeTable")
  void reproducesGoLibauditTable(String file, String expectedEvents, long expectedLost) {
    Collector c = new Collector();
    Reassembler r =
        new Reassembler(new ReassemblySettings(5, Duration.ofSeconds(2)), new FakeTicker(), c);
    RecordParser parser = new RecordParser();
    for (byte[] line : Fixtures.lines(Fixtures.file("go-libaudit/reassembly/" + file))) {
      AuditRecord rec = parser.parseLogLine(line);
      if (rec != null) r.push(rec);
    }
    r.flush();
    assertEquals(0, parser.counters().rejected(), file + ": lines rejected by the parser");
    assertEquals(expectedEvents, c.summary(), file + ": events");
    assertEquals(expectedLost, c.lost, file + ": lost");
    for (List<AuditRecord> e : c.events) {
      assertEquals(
          1,
          e.stream().map(AuditRecord::serial).distinct().count(),
          file + ": one serial per event");
    }
  }

  static AuditRecord rec(String type, long serial) {
    return rec(type, serial, 1_700_000_000_123L);
  }

  /** A record stamped {@code millis} (the audit time, ms since the epoch). */
  static AuditRecord rec(String type, long serial, long millis) {
    byte[] b =
        ("type="
                + type
                + " msg=audit("
                + millis / 1000
                + "."
                + String.format("%03d", millis % 1000)
                + ":"
                + serial
                + "): pid=1")
            .getBytes(StandardCharsets.US_ASCII);
    try {
      return RecordParser.parseLogLineOrThrow(b, 0, b.length);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Boundary rows: each row pushes records in order, then flushes, and states the outcome. */
  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of(
            "EOE completes at once", List.of("SYSCALL 10", "PATH 10", "EOE 10"), "10:2", 0L),
        Arguments.of("PROCTITLE completes", List.of("SYSCALL 10", "PROCTITLE 10"), "10:2", 0L),
        Arguments.of("USER_LOGIN is one record", List.of("USER_LOGIN 7"), "7:1", 0L),
        Arguments.of("DAEMON_START is one record", List.of("DAEMON_START 7"), "7:1", 0L),
        Arguments.of(
            "LOGIN waits for its SYSCALL", List.of("LOGIN 7", "SYSCALL 7", "EOE 7"), "7:2", 0L),
        Arguments.of(
            "wrap is not a gap",
            List.of("SYSCALL 4294967295", "EOE 4294967295", "SYSCALL 0", "EOE 0"),
            "4294967295:1, 0:1",
            0L),
        Arguments.of(
            "gap across the wrap", List.of("USER 4294967294", "USER 1"), "4294967294:1, 1:1", 2L),
        Arguments.of("gap", List.of("USER 5", "USER 9"), "5:1, 9:1", 3L),
        Arguments.of(
            "late record is delivered alone",
            List.of("USER 5", "USER 6", "CWD 5"),
            "5:1, 6:1, 5:1",
            0L),
        Arguments.of("orphan EOE is counted, not delivered", List.of("EOE 3", "USER 4"), "4:1", 0L),
        Arguments.of(
            "interleaved events",
            List.of("SYSCALL 1", "SYSCALL 2", "PATH 1", "EOE 2", "EOE 1"),
            "1:2, 2:1",
            0L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void boundaryRows(String name, List<String> input, String expected, long expectedLost) {
    Collector c = new Collector();
    Reassembler r =
        new Reassembler(new ReassemblySettings(5, Duration.ofSeconds(2)), new FakeTicker(), c);
    for (String s : input) {
      String[] p = s.split(" ");
      r.push(rec(p[0], Long.parseLong(p[1])));
    }
    r.flush();
    assertEquals(expected, c.summary(), name);
    assertEquals(expectedLost, c.lost, name);
    ReassemblyCounters k = r.counters();
    assertEquals(input.size(), k.records());
    long delivered = c.events.stream().mapToLong(List::size).sum();
    assertEquals(
        k.records(), delivered + k.eoe(), name + ": every record is delivered or is an EOE");
  }

  @Test
  void timeoutDeliversIncompleteEventWhenTickerMoves() {
    Collector c = new Collector();
    FakeTicker t = new FakeTicker();
    Reassembler r = new Reassembler(new ReassemblySettings(100, Duration.ofMillis(500)), t, c);
    r.push(rec("SYSCALL", 1));
    r.push(rec("PATH", 1));
    r.tick();
    assertEquals("", c.summary(), "nothing before the timeout");
    t.now += Duration.ofMillis(499).toNanos();
    r.tick();
    assertEquals("", c.summary(), "nothing 1 ms before the timeout");
    t.now += Duration.ofMillis(1).toNanos();
    r.tick();
    assertEquals("1:2", c.summary());
    assertEquals(1, r.counters().incomplete());
  }

  /**
   * A reader that was itself late (descheduled, paused by a collection) between two records of one
   * event finds the rest in its socket: the event is whole, not delivered without the PATH item
   * that names the created file. Before, the push after the pause timed the event out on the
   * reader's clock.
   */
  @Test
  void aReaderLateBetweenTheRecordsOfOneEventStillDeliversItWhole() {
    Collector c = new Collector();
    FakeTicker t = new FakeTicker();
    Reassembler r = new Reassembler(new ReassemblySettings(100, Duration.ofMillis(150)), t, c);
    r.push(rec("SYSCALL", 1));
    r.push(rec("CWD", 1));
    t.now += Duration.ofSeconds(1).toNanos(); // the reader's pause
    r.push(rec("PATH", 1));
    r.push(rec("PATH", 1));
    assertEquals("", c.summary(), "its PROCTITLE is still to come");
    r.push(rec("PROCTITLE", 1));
    assertEquals("1:5", c.summary());
    assertEquals(0, r.counters().incomplete());
    assertEquals(0, r.counters().late());
  }

  /**
   * Records stamped a timeout later show that the rest of the head is not coming in order: it is
   * delivered as it is once the reader's clock has passed the timeout too.
   */
  @Test
  void aRecordStampedATimeoutLaterDeliversTheIncompleteEventBeforeIt() {
    Collector c = new Collector();
    FakeTicker t = new FakeTicker();
    Reassembler r = new Reassembler(new ReassemblySettings(100, Duration.ofMillis(150)), t, c);
    r.push(rec("SYSCALL", 1, 1_700_000_000_000L));
    t.now += Duration.ofMillis(200).toNanos();
    r.push(rec("SYSCALL", 2, 1_700_000_000_149L));
    assertEquals("", c.summary(), "149 ms of the stream: within the timeout");
    r.push(rec("SYSCALL", 3, 1_700_000_000_150L));
    assertEquals("1:1", c.summary());
    assertEquals(1, r.counters().incomplete());
    // The clock set back an hour: no push times an event out then (the stream seems to go back),
    // and the reader's clock still delivers them once it has caught up.
    r.push(rec("SYSCALL", 4, 1_699_996_400_150L));
    t.now += Duration.ofMillis(150).toNanos();
    r.push(rec("SYSCALL", 5, 1_699_996_400_150L));
    assertEquals("1:1", c.summary());
    r.tick();
    assertEquals("1:1, 2:1, 3:1, 4:1", c.summary());
  }

  @Test
  void timeoutWorksAcrossNanoTimeOverflow() {
    Collector c = new Collector();
    FakeTicker t = new FakeTicker();
    t.now = Long.MAX_VALUE - 10;
    Reassembler r = new Reassembler(new ReassemblySettings(100, Duration.ofNanos(100)), t, c);
    r.push(rec("SYSCALL", 1));
    t.now += 50; // still before the deadline, which has overflowed to negative
    r.tick();
    assertEquals("", c.summary());
    t.now += 50;
    r.tick();
    assertEquals("1:1", c.summary());
  }

  @Test
  void boundEvictsOldestFirst() {
    Collector c = new Collector();
    Reassembler r =
        new Reassembler(new ReassemblySettings(2, Duration.ofSeconds(2)), new FakeTicker(), c);
    r.push(rec("SYSCALL", 1));
    r.push(rec("SYSCALL", 2));
    assertEquals(2, r.inFlight());
    r.push(rec("SYSCALL", 3));
    assertEquals("1:1", c.summary());
    assertEquals(2, r.inFlight());
  }

  /**
   * On a multi-CPU host the kernel emits events slightly out of serial order
   * (bench/audit-receive.sh saw gaps of hundreds that all filled in): a complete event after a
   * missing serial waits up to the gap wait, so the late one is delivered in order instead of being
   * counted lost.
   */
  @Test
  void gapThatFillsWithinTheGapWaitIsNotALoss() {
    Collector c = new Collector();
    FakeTicker t = new FakeTicker();
    Reassembler r =
        new Reassembler(
            new ReassemblySettings(100, Duration.ofSeconds(2), Duration.ofMillis(100)), t, c);
    r.push(rec("SYSCALL", 10));
    r.push(rec("EOE", 10));
    r.push(rec("SYSCALL", 12));
    r.push(rec("EOE", 12));
    assertEquals("10:1", c.summary(), "12 waits for 11");
    t.now += Duration.ofMillis(50).toNanos();
    r.push(rec("SYSCALL", 11));
    r.push(rec("EOE", 11));
    assertEquals("10:1, 11:1, 12:1", c.summary());
    assertEquals(0, c.lost);
    assertEquals(0, r.counters().late());
  }

  @Test
  void gapThatPersistsPastTheGapWaitIsCountedLost() {
    Collector c = new Collector();
    FakeTicker t = new FakeTicker();
    Reassembler r =
        new Reassembler(
            new ReassemblySettings(100, Duration.ofSeconds(2), Duration.ofMillis(100)), t, c);
    r.push(rec("SYSCALL", 10));
    r.push(rec("EOE", 10));
    r.push(rec("SYSCALL", 13));
    r.push(rec("EOE", 13));
    t.now += Duration.ofMillis(99).toNanos();
    r.tick();
    assertEquals("10:1", c.summary(), "1 ms before the gap wait ends");
    t.now += Duration.ofMillis(1).toNanos();
    r.tick();
    assertEquals("10:1, 13:1", c.summary());
    assertEquals(2, c.lost, "serials 11 and 12");
  }

  @Test
  void zeroGapWaitDeliversAtOnceAsGoLibauditDoes() {
    Collector c = new Collector();
    Reassembler r =
        new Reassembler(
            new ReassemblySettings(100, Duration.ofSeconds(2), Duration.ZERO), new FakeTicker(), c);
    r.push(rec("SYSCALL", 10));
    r.push(rec("EOE", 10));
    r.push(rec("SYSCALL", 12));
    r.push(rec("EOE", 12));
    assertEquals("10:1, 12:1", c.summary());
    assertEquals(1, c.lost);
  }
}
