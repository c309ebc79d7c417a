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
}
