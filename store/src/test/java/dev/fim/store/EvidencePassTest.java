package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.SealKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EvidenceChain.Pass}: the verification a report makes while it reads the period's events
 * (tagging them on several threads) gives exactly the verdict of {@link EvidenceChain#verify} — the
 * same problem, word for word — for an untouched database and for an event forged, reordered or
 * deleted in the middle of the period, before it or after it, and it catches a reader that skips an
 * event or hands one over twice. Real RocksDB; the tampering is done with the store but no chain
 * attached, as a program without the key would.
 */
class EvidencePassTest {
  private static final Set<EvidenceChain.Kind> REPORTED =
      EnumSet.of(
          EvidenceChain.Kind.EVENTS, EvidenceChain.Kind.APPROVALS, EvidenceChain.Kind.COVERAGE);

  /** Events at 100, 200, …, 6,000 ns; the period read is [2,000, 4,050): 21 events. */
  private static final int EVENTS = 60;

  private static final long FROM = 2_000;
  private static final long UNTIL = 4_050;

  @TempDir Path tmp;
  private Store store;
  private EvidenceKey key;
  private List<byte[]> keys;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  /** Events the last {@link #pass} read. */
  private int read;

  @BeforeEach
  void fill() throws Exception {
    key = EvidenceKey.of(SealKey.loadOrCreate(tmp.resolve("seal.key")));
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    EvidenceChain.attach(store, key, null, null);
    List<ChangeEvent> es = new ArrayList<>();
    for (int i = 1; i <= EVENTS; i++) {
      es.add(
          new ChangeEvent(
              i * 100L,
              0,
              Action.UPDATED,
              PathBytes.ofUtf8("/etc/f" + i),
              null,
              null,
              null,
              List.of(),
              Origin.WATCH,
              Attribution.NONE,
              "test"));
    }
    List<ChangeEvent> stored = new EventLog(store).append(es);
    new Approvals(store)
        .approve(stored.subList(10, 40), new Approval(99, 1001, "alice", 0, "root", "CHG-1"));
    EvidenceChain.detach(store); // what follows is written as a program without the key would
    keys = new ArrayList<>();
    for (ChangeEvent e : stored) {
      keys.add(EventLog.eventKey(e.timeNs(), e.sequence()));
    }
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    store.close();
  }

  /** A pass whose reader reads the period as a report does, tagging on two threads. */
  private EvidenceChain.Verification pass(int skip, int twice) throws Exception {
    try (EvidenceChain.Pass pass = EvidenceChain.pass(store, key, REPORTED, FROM)) {
      List<Future<?>> tagged = new ArrayList<>();
      int[] n = {0};
      byte[] stopped =
          new EventLog(store)
              .forEachRaw(
                  FROM,
                  UNTIL,
                  (k, v) -> {
                    int i = n[0]++;
                    if (i != skip) {
                      tagged.add(threads.submit(() -> pass.event(k, v)));
                    }
                    if (i == twice) {
                      tagged.add(threads.submit(() -> pass.event(k, v)));
                    }
                  });
      read = n[0];
      for (Future<?> f : tagged) {
        f.get();
      }
      return pass.finish(stopped);
    }
  }

  private void assertSameVerdict(String what) throws Exception {
    EvidenceChain.Verification whole = EvidenceChain.verify(store, key, REPORTED);
    EvidenceChain.Verification read = pass(-1, -1);
    assertEquals(whole.verified(), read.verified(), what);
    assertEquals(whole.problem(), read.problem(), what);
  }

  private void put(int event, byte[] value) throws Exception {
    store.db().put(store.handle(Column.EVENTS), keys.get(event), value);
  }

  private byte[] get(int event) throws Exception {
    return store.db().get(store.handle(Column.EVENTS), keys.get(event));
  }

  @Test
  void anUntouchedDatabaseVerifiesAsAWholeVerificationDoes() throws Exception {
    EvidenceChain.Verification v = pass(-1, -1);
    assertTrue(v.verified(), v.problem());
    assertEquals(21, read, "the reader read the period's events, the pass tagged the rest");
    assertEquals(EVENTS, v.head().counts()[EvidenceChain.Kind.EVENTS.ordinal()]);
    assertSameVerdict("untouched");
  }

  /**
   * Events 29 and 30 (3,000 and 3,100 ns) lie in the middle of the period, 5 before it, 55 after.
   */
  @Test
  void aForgedEventInTheMiddleBeforeOrAfterThePeriodIsCaught() throws Exception {
    for (int i : new int[] {29, 5, 55}) {
      byte[] was = get(i);
      byte[] forged = was.clone();
      forged[forged.length - 1] ^= 1;
      put(i, forged);
      EvidenceChain.Verification v = pass(-1, -1);
      assertFalse(v.verified(), "event " + i);
      assertTrue(
          v.problem()
              .endsWith(
                  "the events were edited, replaced or reordered outside fim"
                      + " (60 as sealed, but not the same)"),
          v.problem());
      assertSameVerdict("forged " + i);
      put(i, was);
    }
    assertTrue(pass(-1, -1).verified());
  }

  @Test
  void twoEventsSwappedInTheMiddleOfThePeriodAreCaught() throws Exception {
    byte[] a = get(29);
    byte[] b = get(30);
    put(29, b);
    put(30, a);
    EvidenceChain.Verification v = pass(-1, -1);
    assertFalse(v.verified());
    assertTrue(v.problem().contains("edited, replaced or reordered"), v.problem());
    assertSameVerdict("swapped");
  }

  @Test
  void anEventDeletedInTheMiddleBeforeOrAfterThePeriodIsCaught() throws Exception {
    for (int i : new int[] {29, 5, 55}) {
      byte[] was = get(i);
      store.db().delete(store.handle(Column.EVENTS), keys.get(i));
      EvidenceChain.Verification v;
      try (EvidenceChain.Pass pass = EvidenceChain.pass(store, key, REPORTED, FROM)) {
        byte[] stopped = new EventLog(store).forEachRaw(FROM, UNTIL, pass::event);
        v = pass.finish(stopped);
      }
      assertFalse(v.verified(), "event " + i);
      assertTrue(
          v.problem().endsWith("1 of the 60 sealed events are missing (deleted outside fim)"),
          v.problem());
      assertSameVerdict("deleted " + i);
      put(i, was);
    }
  }

  @Test
  void anEventAddedInThePeriodIsCaught() throws Exception {
    byte[] k = EventLog.eventKey(3_050, 999);
    store.db().put(store.handle(Column.EVENTS), k, get(29));
    EvidenceChain.Verification v = pass(-1, -1);
    assertFalse(v.verified());
    assertTrue(v.problem().contains("1 events are not sealed (61 found, 60 sealed"), v.problem());
    assertSameVerdict("added");
  }

  /** The pass trusts its reader to hand every event over once: a reader that does not is caught. */
  @Test
  void aReaderThatSkipsAnEventOrHandsOneTwiceDoesNotVerify() throws Exception {
    EvidenceChain.Verification skipped = pass(7, -1);
    assertFalse(skipped.verified());
    assertTrue(
        skipped.problem().contains("1 of the 60 sealed events are missing"), skipped.problem());
    EvidenceChain.Verification twice = pass(-1, 7);
    assertFalse(twice.verified());
    assertTrue(twice.problem().contains("1 events are not sealed (61 found"), twice.problem());
  }

  /** No head (deleted with all of meta): known before reading, the whole verification's verdict. */
  @Test
  void withoutAHeadTheVerdictIsKnownBeforeReading() throws Exception {
    store.clear(Column.META);
    try (EvidenceChain.Pass pass = EvidenceChain.pass(store, key, REPORTED, FROM)) {
      EvidenceChain.Verification known = pass.known();
      assertFalse(known.verified());
      assertNull(known.head());
      assertEquals(EvidenceChain.verify(store, key, REPORTED).problem(), known.problem());
      assertEquals(known, pass.finish(null));
    }
  }
}
