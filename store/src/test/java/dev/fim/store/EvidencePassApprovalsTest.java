package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * {@link EvidenceChain#passWithApprovals}: a report's reader tags the approvals its cursor steps
 * past ({@link Approvals#cursor(long, Approvals.Passed)}) on several threads, the pass tags those
 * before the period and those from the cursor's position on. Every approval must be tagged exactly
 * once: the verdict is word for word the one of {@link EvidenceChain#verify} for an untouched
 * database and for an approval forged, deleted, added without its event, or moved across the
 * period's edge, before the period, in it, at its edges and after it; and a reader that skips an
 * approval or hands one twice does not verify. Real RocksDB; the tampering is done with the store
 * but no chain attached, as a program without the key would.
 */
class EvidencePassApprovalsTest {
  private static final Set<EvidenceChain.Kind> REPORTED =
      EnumSet.of(
          EvidenceChain.Kind.EVENTS, EvidenceChain.Kind.APPROVALS, EvidenceChain.Kind.COVERAGE);

  /** Events at 100, 200, …, 6,000 ns; the period read is [2,000, 4,050): events 19 to 39. */
  private static final int EVENTS = 60;

  private static final long FROM = 2_000;
  private static final long UNTIL = 4_050;

  /** Approved: events 10 to 49 (1,100 to 5,000 ns): 9 before the period, 21 in it, 10 after. */
  private static final int APPROVED_FROM = 10;

  private static final int APPROVED_TO = 50;
  private static final String EDITED =
      "the approvals were edited, replaced or reordered outside fim (40 as sealed, but not the same)";

  @TempDir Path tmp;
  private Store store;
  private EvidenceKey key;
  private List<byte[]> keys;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  /** Approvals the last {@link #pass}'s reader handed over, and where its cursor stopped. */
  private int handed;

  private byte[] position;

  @BeforeEach
  void fill() throws Exception {
    key = EvidenceKey.of(SealKey.loadOrCreate(tmp.resolve("seal.key")));
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    EvidenceChain.attach(store, key, null, null);
    List<ChangeEvent> es = new ArrayList<>();
    for (int i = 1; i <= EVENTS; i++) {
      es.add(event(i * 100L));
    }
    List<ChangeEvent> stored = new EventLog(store).append(es);
    new Approvals(store)
        .approve(
            stored.subList(APPROVED_FROM, APPROVED_TO),
            new Approval(99, 1001, "alice", 0, "root", "CHG-1"));
    keys = new ArrayList<>();
    for (ChangeEvent e : stored) {
      keys.add(EventLog.eventKey(e.timeNs(), e.sequence()));
    }
  }

  private static ChangeEvent event(long timeNs) {
    return new ChangeEvent(
        timeNs,
        0,
        Action.UPDATED,
        PathBytes.ofUtf8("/etc/f" + timeNs),
        null,
        null,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.NONE,
        "test");
  }

  /** From here on, writes are made as by a program without the key. */
  private void detach() {
    EvidenceChain.detach(store);
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    store.close();
  }

  /**
   * A pass whose reader reads the period as a report does ({@code StoreSource}): each event's
   * approval looked up with one cursor, each event and each approval the cursor steps past tagged
   * on two threads; {@code skip} and {@code twice} count the approvals handed over.
   */
  private EvidenceChain.Verification pass(int skip, int twice) throws Exception {
    try (EvidenceChain.Pass pass = EvidenceChain.passWithApprovals(store, key, REPORTED, FROM)) {
      List<Future<?>> tagged = new ArrayList<>();
      int[] n = {0};
      try (Approvals.Cursor cursor =
          new Approvals(store)
              .cursor(
                  FROM,
                  (k, v) -> {
                    int i = n[0]++;
                    if (i != skip) {
                      tagged.add(threads.submit(() -> pass.approval(k, v)));
                    }
                    if (i == twice) {
                      tagged.add(threads.submit(() -> pass.approval(k, v)));
                    }
                  })) {
        byte[] stopped =
            new EventLog(store)
                .forEachRaw(
                    FROM,
                    UNTIL,
                    (k, v) -> {
                      try {
                        cursor.ofKey(k);
                      } catch (StoreException e) {
                        throw new IllegalStateException(e);
                      }
                      tagged.add(threads.submit(() -> pass.event(k, v)));
                    });
        position = cursor.position();
        handed = n[0];
        for (Future<?> f : tagged) {
          f.get();
        }
        return pass.finish(stopped, position);
      }
    }
  }

  private void assertSameVerdict(String what) throws Exception {
    EvidenceChain.Verification whole = EvidenceChain.verify(store, key, REPORTED);
    EvidenceChain.Verification read = pass(-1, -1);
    assertEquals(whole.verified(), read.verified(), what);
    assertEquals(whole.problem(), read.problem(), what);
  }

  private byte[] approvalKey(int event) {
    return keys.get(event);
  }

  private byte[] get(int event) throws Exception {
    return store.db().get(store.handle(Column.APPROVALS), approvalKey(event));
  }

  private void put(byte[] k, byte[] value) throws Exception {
    store.db().put(store.handle(Column.APPROVALS), k, value);
  }

  private void delete(byte[] k) throws Exception {
    store.db().delete(store.handle(Column.APPROVALS), k);
  }

  @Test
  void anUntouchedDatabaseVerifiesWithTheReaderTaggingThePeriodsApprovals() throws Exception {
    EvidenceChain.Verification v = pass(-1, -1);
    assertTrue(v.verified(), v.problem());
    assertEquals(40, v.head().counts()[EvidenceChain.Kind.APPROVALS.ordinal()]);
    // Events 19 to 38's approvals were stepped past; event 39's, the last matched, was not.
    assertEquals(20, handed);
    assertArrayEquals(approvalKey(39), position);
    assertSameVerdict("untouched");
  }

  /**
   * Event 29's approval lies in the middle of the period, 19's at its first key, 39's at the
   * cursor's position (the last matched), 12's before the period, 45's after it.
   */
  @Test
  void aForgedApprovalAnywhereIsCaught() throws Exception {
    detach();
    for (int i : new int[] {29, 19, 39, 12, 45}) {
      byte[] was = get(i);
      byte[] forged = was.clone();
      forged[forged.length - 1] ^= 1;
      put(approvalKey(i), forged);
      EvidenceChain.Verification v = pass(-1, -1);
      assertFalse(v.verified(), "approval " + i);
      assertTrue(v.problem().endsWith(EDITED), v.problem());
      assertSameVerdict("forged " + i);
      put(approvalKey(i), was);
    }
    assertTrue(pass(-1, -1).verified());
  }

  @Test
  void aDeletedApprovalAnywhereIsCaught() throws Exception {
    detach();
    for (int i : new int[] {29, 19, 39, 12, 45}) {
      byte[] was = get(i);
      delete(approvalKey(i));
      EvidenceChain.Verification v = pass(-1, -1);
      assertFalse(v.verified(), "approval " + i);
      assertTrue(
          v.problem().endsWith("1 of the 40 sealed approvals are missing (deleted outside fim)"),
          v.problem());
      assertSameVerdict("deleted " + i);
      put(approvalKey(i), was);
    }
    assertTrue(pass(-1, -1).verified());
  }

  /**
   * Approvals without their event, written by fim (sealed): in the middle of the period the cursor
   * steps past one it matches with no event, one after the period's last event but before its end
   * it never reaches (the pass tags it from the cursor's position), and one before the period. Each
   * is tagged once: the database verifies.
   */
  @Test
  void sealedApprovalsWithoutTheirEventAreTaggedOnce() throws Exception {
    new Approvals(store)
        .approve(
            List.of(event(3_050), event(4_020), event(1_950)),
            new Approval(99, 1001, "alice", 0, "root", "CHG-2"));
    EvidenceChain.Verification v = pass(-1, -1);
    assertTrue(v.verified(), v.problem());
    assertEquals(43, v.head().counts()[EvidenceChain.Kind.APPROVALS.ordinal()]);
    assertEquals(21, handed, "the orphan at 3,050 ns was stepped past and handed over");
    assertSameVerdict("sealed orphans");
  }

  /** The same orphans added outside fim (no event, no seal): each is caught. */
  @Test
  void anApprovalAddedWithoutItsEventIsCaughtAnywhere() throws Exception {
    detach();
    byte[] value = get(29);
    for (long at : new long[] {3_050, 2_000, 4_020, 4_050, 1_950, 5_500}) {
      byte[] k = EventLog.eventKey(at, 999);
      put(k, value);
      EvidenceChain.Verification v = pass(-1, -1);
      assertFalse(v.verified(), "orphan at " + at);
      assertTrue(
          v.problem()
              .endsWith(
                  "1 approvals are not sealed (41 found, 40 sealed: added outside fim,"
                      + " or the head was replaced by an older one)"),
          v.problem());
      assertSameVerdict("orphan at " + at);
      delete(k);
    }
    assertTrue(pass(-1, -1).verified());
  }

  /**
   * An approval moved (deleted under its key, its value written under another) across the period's
   * start both ways (the period's first approval to event 5's key, event 12's into the period) and
   * across its end both ways (the last matched one to event 55's key, event 45's into the period).
   */
  @Test
  void anApprovalMovedAcrossThePeriodsEdgeIsCaught() throws Exception {
    detach();
    Object[][] moves = {
      {19, approvalKey(5)},
      {12, EventLog.eventKey(2_550, 999)},
      {39, approvalKey(55)},
      {45, EventLog.eventKey(3_550, 999)}
    };
    for (Object[] m : moves) {
      int from = (Integer) m[0];
      byte[] to = (byte[]) m[1];
      byte[] was = get(from);
      delete(approvalKey(from));
      put(to, was);
      EvidenceChain.Verification v = pass(-1, -1);
      assertFalse(v.verified(), "moved " + from);
      assertTrue(v.problem().endsWith(EDITED), v.problem());
      assertSameVerdict("moved " + from);
      delete(to);
      put(approvalKey(from), was);
    }
    assertTrue(pass(-1, -1).verified());
  }

  /**
   * The pass trusts its reader to hand each approval it stepped past once: one that does not fails.
   */
  @Test
  void aReaderThatSkipsAnApprovalOrHandsOneTwiceDoesNotVerify() throws Exception {
    EvidenceChain.Verification skipped = pass(7, -1);
    assertFalse(skipped.verified());
    assertTrue(
        skipped
            .problem()
            .endsWith("1 of the 40 sealed approvals are missing (deleted outside fim)"),
        skipped.problem());
    EvidenceChain.Verification twice = pass(-1, 7);
    assertFalse(twice.verified());
    assertTrue(
        twice.problem().contains("1 approvals are not sealed (41 found, 40 sealed"),
        twice.problem());
  }

  /** A pass whose reader does not tag approvals keeps tagging them all itself, as before. */
  @Test
  void aPassWithoutApprovalsRefusesThemAndStillVerifiesThemAll() throws Exception {
    try (EvidenceChain.Pass pass = EvidenceChain.pass(store, key, REPORTED, FROM)) {
      assertThrows(IllegalStateException.class, () -> pass.approval(keys.get(29), get(29)));
      byte[] stopped = new EventLog(store).forEachRaw(FROM, UNTIL, pass::event);
      assertTrue(pass.finish(stopped).verified());
    }
    try (EvidenceChain.Pass pass = EvidenceChain.passWithApprovals(store, key, REPORTED, FROM)) {
      // its caller must say where its cursor stopped
      assertThrows(IllegalStateException.class, () -> pass.finish(null));
    }
  }

  /** A cursor that was never asked stands at the period's first approval. */
  @Test
  void aCursorNeverAskedStandsAtThePeriodsFirstApproval() throws Exception {
    try (Approvals.Cursor c = new Approvals(store).cursor(FROM, (k, v) -> {})) {
      assertArrayEquals(approvalKey(19), c.position());
    }
    try (Approvals.Cursor c = new Approvals(store).cursor(9_000, (k, v) -> {})) {
      assertNull(c.position());
    }
  }
}
