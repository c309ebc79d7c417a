package dev.fim.engine.coalesce;

import static dev.fim.engine.source.ChangeListener.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.PathBytes;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The coalescer's timing rules on a hand-driven clock: what is handed on at once, what waits, what
 * is merged.
 */
class CoalescerTest {
  private static final long WINDOW = 200_000_000L;
  private static final PathBytes ROOT = PathBytes.ofUtf8("/w");
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final Coalescer c = new Coalescer(List.of(ROOT), WINDOW, 4, 0, clock::get, clock::get);

  private static PathBytes p(String s) {
    return PathBytes.ofUtf8("/w/" + s);
  }

  private List<Notice> takeNow() throws InterruptedException {
    return c.take(100, 0).notices();
  }

  @Test
  void aClosedWriteOfAKnownNameIsHandedOnAtOnceWithItsWritesMerged() throws Exception {
    c.changed(p("f"), MODIFIED, false, 10);
    assertTrue(takeNow().isEmpty(), "a write without a close waits");
    c.changed(p("f"), MODIFIED, false, 10);
    c.changed(p("f"), CLOSED_WRITE, false, 10);
    List<Notice> n = takeNow();
    assertEquals(1, n.size());
    assertEquals(3, n.get(0).count());
    assertEquals(MODIFIED | CLOSED_WRITE, n.get(0).what());
    assertEquals(10, n.get(0).pid());
  }

  /**
   * Writes by two processes merged into one notice mark its sighting (the last writer's) as one of
   * several, so the correlator does not end its audit wait at that process's own record; writes by
   * one process do not.
   */
  @Test
  void aSecondWriterInTheWindowMarksTheSightingAsOneOfSeveral() throws Exception {
    c.changed(p("one"), MODIFIED, false, 10);
    c.changed(p("one"), CLOSED_WRITE, false, 10);
    Notice alone = takeNow().get(0);
    assertEquals(10, alone.pid());
    assertTrue(!alone.sighting().othersToo(), "one writer");
    c.changed(p("two"), MODIFIED, false, 10);
    c.changed(p("two"), MODIFIED, false, 11);
    c.changed(p("two"), CLOSED_WRITE, false, 10);
    Notice shared = takeNow().get(0);
    assertEquals(10, shared.pid(), "the last writer's pid");
    assertTrue(shared.sighting().othersToo(), "another process wrote in the same window");
  }

  @Test
  void attributeChangesAreHandedOnAtOnce() throws Exception {
    c.changed(p("f"), ATTRIB, false, 1);
    assertEquals(1, takeNow().size());
  }

  @Test
  void nameEventsWaitTheWindowFromTheirFirstEvent() throws Exception {
    c.changed(p("v"), MOVED_FROM, false, 1); // vim: rename the file away …
    clock.addAndGet(WINDOW / 2);
    c.changed(p("v"), CREATED, false, 1); // … write a new one …
    c.changed(p("v"), CLOSED_WRITE, false, 1); // … closed: still waits, a name event was seen
    assertTrue(takeNow().isEmpty());
    clock.addAndGet(WINDOW / 2);
    List<Notice> n = takeNow();
    assertEquals(1, n.size());
    assertEquals(MOVED_FROM | CREATED | CLOSED_WRITE, n.get(0).what());
  }

  @Test
  void aWriteHeldOpenIsHandedOnAfterTheWindow() throws Exception {
    c.changed(p("log"), MODIFIED, false, 1);
    clock.addAndGet(WINDOW - 1);
    assertTrue(takeNow().isEmpty());
    clock.addAndGet(1);
    assertEquals(1, takeNow().size());
  }

  @Test
  void bothEndsOfARenameAreHandedOnTogether() throws Exception {
    c.changed(p("b"), ATTRIB, false, 1);
    takeNow();
    c.changed(p("a"), CREATED, false, 1);
    clock.addAndGet(WINDOW / 2);
    c.renamed(p("a"), p("b"), false, 1);
    clock.addAndGet(WINDOW / 2);
    List<Notice> n = takeNow(); // a's window is over; b's is not, but b is a's partner
    assertEquals(List.of(p("a"), p("b")), n.stream().map(Notice::path).toList());
    assertEquals(p("b"), n.get(0).partner());
    assertEquals(p("a"), n.get(1).partner());
  }

  @Test
  void aFullCoalescerDeclaresTheLossAndAsksForARescan() throws Exception {
    for (int i = 0; i < 4; i++) {
      c.changed(p("x" + i), CREATED, false, 1);
    }
    c.changed(p("x4"), CREATED, false, 1); // no back-pressure allowed: the fifth path is a loss
    Coalescer.Batch b = c.take(100, 0);
    assertEquals(1, b.rescans().size());
    assertTrue(b.rescans().get(0).overflow());
    assertEquals(List.of(ROOT), b.rescans().get(0).scope());
    assertTrue(b.rescans().get(0).reason().contains("more than 4"), b.rescans().get(0).reason());
    assertEquals(0, c.pendingCount(), "the rescan covers the pending paths");
    assertEquals(1, c.counters()[2]);
  }

  @Test
  void aLossFromTheKernelDropsThePendingPathsItCovers() throws Exception {
    c.changed(p("a/x"), CREATED, false, 1);
    c.changed(p("b/y"), CREATED, false, 1);
    c.lost("fanotify queue overflow", List.of(p("a")));
    c.changed(p("a/z"), CREATED, false, 1); // covered by the queued rescan
    Coalescer.Batch b = c.take(100, 0);
    assertEquals("fanotify queue overflow", b.rescans().get(0).reason());
    assertEquals(1, c.pendingCount());
    clock.addAndGet(WINDOW);
    assertEquals(List.of(p("b/y")), takeNow().stream().map(Notice::path).toList());
  }

  @Test
  void closeHandsOutWhatIsPendingThenEnds() throws Exception {
    c.changed(p("n"), CREATED, false, 1);
    c.close();
    c.changed(p("late"), CREATED, false, 1);
    assertEquals(List.of(p("n")), c.take(100, 0).notices().stream().map(Notice::path).toList());
    assertNull(c.take(100, 0));
  }

  @Test
  void aDirectoryTakesThePathsPendingBelowItAlong() throws Exception {
    c.changed(p("d"), CREATED, true, 1);
    clock.addAndGet(WINDOW / 2);
    c.changed(p("d/f"), CREATED, false, 2);
    c.changed(p("e"), CREATED, false, 3);
    clock.addAndGet(WINDOW / 2);
    assertEquals(List.of(p("d"), p("d/f")), takeNow().stream().map(Notice::path).toList());
    assertEquals(1, c.pendingCount(), "e is not below d: it waits its own window");
  }

  /** A path of {@code bytes} bytes below /w: a hostile writer's deep directory. */
  private static PathBytes heavy(String name, int bytes) {
    return p(name + "/" + "d".repeat(bytes - 4 - name.length() - 1));
  }

  /**
   * Long paths fill the pending bytes before the count: the next new path waits, then declares the
   * loss (a rescan of the trees, counted) instead of growing the heap; what was pending is dropped
   * with it and found again by the rescan, never silently.
   */
  @Test
  void heavyPathsAreBoundedByBytesWithTheOverflowRescan() throws Exception {
    long budget = 64 * 1024;
    Coalescer b =
        new Coalescer(List.of(ROOT), WINDOW, 65_536, budget, 0, clock::get, clock::get, null);
    int created = 0;
    for (int i = 0; i < 100; i++) {
      b.changed(heavy("f" + i, 16 * 1024), CREATED, false, 10);
      created++;
      assertTrue(b.pendingBytes() <= budget, "pending " + b.pendingBytes() + " > " + budget);
    }
    assertEquals(100, created);
    assertEquals(1, b.counters()[2], "the loss is declared, once");
    Coalescer.Batch batch = b.take(100, 0);
    assertEquals(1, batch.rescans().size());
    assertTrue(batch.rescans().get(0).overflow());
    assertEquals(List.of(ROOT), batch.rescans().get(0).scope());
    assertTrue(
        batch.rescans().get(0).reason().contains("bytes of changed paths"),
        batch.rescans().get(0).reason());
    assertEquals(0, b.pendingBytes());
  }

  /** One path heavier than the whole budget is still let in when nothing else waits. */
  @Test
  void onePathHeavierThanTheBudgetStillWaits() throws Exception {
    Coalescer b = new Coalescer(List.of(ROOT), WINDOW, 16, 1024, 0, clock::get, clock::get, null);
    b.changed(heavy("big", 8 * 1024), CLOSED_WRITE, false, 10);
    assertEquals(0, b.counters()[2]);
    List<Notice> n = b.take(100, 0).notices();
    assertEquals(1, n.size());
    assertEquals(0, b.pendingBytes());
  }

  /**
   * A batch stops at BATCH_BYTES of paths (the comparison copies each path): heavy ripe notices
   * come out over several batches, every one of them.
   */
  @Test
  void aBatchOfHeavyPathsStopsAtItsBytesAndTheRestFollow() throws Exception {
    Coalescer b =
        new Coalescer(List.of(ROOT), WINDOW, 1000, 64L << 20, 0, clock::get, clock::get, null);
    int n = 200;
    for (int i = 0; i < n; i++) {
      b.changed(heavy("f" + i, 64 * 1024), CLOSED_WRITE, false, 10);
    }
    int taken = 0;
    int batches = 0;
    while (taken < n) {
      List<Notice> batch = b.take(512, 0).notices();
      assertTrue(!batch.isEmpty(), "nothing left after " + taken);
      long bytes = 0;
      for (Notice x : batch) {
        bytes += x.path().length();
      }
      assertTrue(
          batch.size() == 1 || bytes <= Coalescer.BATCH_BYTES + 65 * 1024,
          batch.size() + " notices, " + bytes + " bytes");
      taken += batch.size();
      batches++;
    }
    assertEquals(n, taken);
    assertTrue(batches >= n * 64 * 1024 / Coalescer.BATCH_BYTES, batches + " batches");
    assertEquals(0, b.pendingBytes());
    assertEquals(0, b.counters()[2]);
  }
}
