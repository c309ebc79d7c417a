package dev.fim.engine.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.ChangeEvent;
import dev.fim.store.DeliveryCursors;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResumingSink} with a real store and a real syslog socket the test binds: a stalled
 * receiver never holds up the caller, what did not fit in the queue comes from the store, and a new
 * sink resumes from the cursor the last one kept: every event once, in sequence order.
 */
class ResumingSinkTest {
  @TempDir Path tmp;
  private Store store;
  private EventLog log;
  private String sock;
  private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

  /**
   * A copy of the notes: the sink's thread may add one meanwhile, and a synchronized list's stream
   * is not synchronized (its iteration throws ConcurrentModificationException); its toArray, which
   * the copy uses, is.
   */
  private List<String> notes() {
    return List.copyOf(notes);
  }

  @BeforeEach
  void open() throws Exception {
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    log = new EventLog(store);
    sock = tmp.resolve("log.sock").toString();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ResumingSink syslog(int capacity, long graceMs) throws Exception {
    // Catch-up in steps of 100 sequences, so that the tests cross many steps.
    ResumingSink s =
        new ResumingSink(
            new SyslogDestination("local0", 16, sock, 200),
            capacity,
            TimeUnit.MILLISECONDS.toNanos(graceMs),
            notes::add,
            100);
    s.start(StoreAccess.direct(store));
    return s;
  }

  /**
   * Records {@code n} events in the store and hands them to {@code sink} (as the recorder does).
   */
  private void record(int n, ResumingSink sink) throws Exception {
    for (int i = 0; i < n; i++) {
      for (ChangeEvent e : log.append(List.of(Events.updated("/etc/f" + i)))) {
        if (sink != null) {
          sink.emit(e);
        }
      }
    }
  }

  /** The sequences of the datagrams that arrive until none comes for the receiver's timeout. */
  private static List<Long> drain(UnixDatagram.Receiver r, int expected) throws Exception {
    List<Long> seqs = new ArrayList<>();
    while (seqs.size() < expected) {
      byte[] d = r.receiveBytes();
      if (d == null) {
        break;
      }
      seqs.add(Long.parseLong(Rfc5424.parse(d).params().get("sequence")));
    }
    return seqs;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }

  /**
   * The receiver reads nothing while 3,000 events are recorded: its queue fills, sends block, the
   * sink's queue of 8 fills, and emit still returns at once (the deadline only catches a hang).
   * Once the receiver reads, every event arrives once, in order, most of them read back from the
   * store.
   */
  @Test
  void aStalledReceiverNeverBlocksTheCallerAndEveryEventArrivesOnceInOrder() throws Exception {
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 5)) {
      ResumingSink sink = syslog(8, 5000);
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> record(3000, sink));
      assertTrue(sink.deferred() > 2000, "the queue overflowed: " + sink.deferred());
      List<Long> got = drain(r, 3000);
      assertEquals(range(1, 3000), got);
      sink.close();
      assertNull(r.receiveQueued(), "nothing twice");
      assertEquals(3000, DeliveryCursors.get(store, "syslog:local0"));
    }
  }

  /**
   * fim stops after 3 events; 2 are recorded while it is down (a check); the next start sends those
   * 2 before the new one, and none of the first 3 again.
   */
  @Test
  void aRestartedSinkSendsWhatWasRecordedWhileItWasDownAndNothingTwice() throws Exception {
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 2)) {
      ResumingSink first = syslog(64, 5000);
      record(3, first);
      assertEquals(range(1, 3), drain(r, 3));
      first.close();
      record(2, null); // recorded while no sink ran
      ResumingSink second = syslog(64, 5000);
      record(1, second);
      assertEquals(range(4, 6), drain(r, 3));
      second.close();
      assertNull(r.receiveQueued(), "nothing twice");
    }
  }

  /**
   * The daemon is down (no socket): the sink retries and says so, the caller is not held; when the
   * socket appears every event arrives once.
   */
  @Test
  void aMissingSocketIsRetriedUntilTheDaemonComesBack() throws Exception {
    ResumingSink sink = syslog(4, 10_000);
    record(20, sink);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (notes().stream().noneMatch(n -> n.contains("retrying"))) {
      assertTrue(System.nanoTime() < deadline, "no note of the failing output: " + notes);
      TimeUnit.MILLISECONDS.sleep(1); // polling with a deadline; a spin would starve the sink
    }
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 5)) {
      assertEquals(range(1, 20), drain(r, 20));
      sink.close();
      assertNull(r.receiveQueued());
    }
    assertTrue(notes().stream().anyMatch(n -> n.contains("delivering again")), notes.toString());
  }

  /**
   * Stopping while the receiver still does not read: close gives up after its grace period, says
   * how many events wait, and keeps the cursor at what was delivered; the next run delivers the
   * rest, each once.
   */
  @Test
  void closeGivesUpOnAStalledReceiverAndTheNextRunDeliversTheRest() throws Exception {
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 2)) {
      ResumingSink sink = syslog(8, 300);
      record(500, sink);
      sink.close();
      assertTrue(
          notes().stream()
              .anyMatch(n -> n.matches("output syslog:local0: \\d+ events not delivered; .*")),
          notes.toString());
      long cursor = DeliveryCursors.get(store, "syslog:local0");
      assertTrue(cursor < 500, "the cursor is where delivery stopped: " + cursor);
      List<Long> first = drain(r, 500);
      assertEquals(range(1, cursor), first, "what was delivered is what the cursor says");
      ResumingSink next = syslog(8, 5000);
      List<Long> rest = drain(r, (int) (500 - cursor));
      next.close();
      assertEquals(range(cursor + 1, 500), rest);
      assertNull(r.receiveQueued());
    }
  }

  /** A new output does not replay the history that was recorded before it was configured. */
  @Test
  void aNewOutputStartsWithTheEventsRecordedFromNowOn() throws Exception {
    record(5, null);
    Path file = tmp.resolve("out.json");
    ResumingSink sink =
        new ResumingSink(LineDestination.file(file, true), 16, 5_000_000_000L, notes::add);
    sink.start(StoreAccess.direct(store));
    record(2, sink);
    sink.close();
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"sequence\":6"), lines.get(0));
    assertTrue(lines.get(1).contains("\"sequence\":7"), lines.get(1));
    assertEquals(7, DeliveryCursors.get(store, "file:" + file.toAbsolutePath().normalize()));
  }

  /**
   * A fim check that borrowed the database delivered events 4..8 to the same output and moved its
   * cursor: the running sink, finding the gap, skips what the check sent and sends only the rest.
   */
  @Test
  void eventsAnotherProcessDeliveredToTheSameOutputAreNotSentTwice() throws Exception {
    try (UnixDatagram.Receiver r = new UnixDatagram.Receiver(sock, 2)) {
      ResumingSink sink = syslog(64, 5000);
      record(3, sink);
      assertEquals(range(1, 3), drain(r, 3));
      record(5, null); // the check's findings, recorded while the watch lent the database
      DeliveryCursors.put(store, "syslog:local0", 8); // and delivered by the check
      record(2, sink);
      assertEquals(range(9, 10), drain(r, 2));
      sink.close();
      assertNull(r.receiveQueued(), "nothing twice");
    }
  }
}
