package dev.fim.engine.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.PathBytes;
import org.junit.jupiter.api.Test;

/** The handle resolver's cache: bounded by count and by bytes, whatever the paths weigh. */
class DirectoryPathsTest {
  private static FileHandleKey handle(int i) {
    return new FileHandleKey(
        7, 1, new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16), 0, 0, 0, 0, 0});
  }

  private static PathBytes deep(int i, int bytes) {
    String head = "/w/" + i + "/";
    return PathBytes.ofUtf8(head + "d".repeat(bytes - head.length()));
  }

  /**
   * 10,000 directories 8 KB deep (80 MB as a count-bounded cache) stay within the byte budget, the
   * most recent kept, the eldest out first.
   */
  @Test
  void deepDirectoriesStayWithinTheByteBudget() {
    long budget = 1L << 20;
    DirectoryPaths c = new DirectoryPaths(10_000, budget);
    for (int i = 0; i < 10_000; i++) {
      c.put(handle(i), deep(i, 8 * 1024));
      assertTrue(c.heldBytes() <= budget, "held " + c.heldBytes() + " > " + budget);
    }
    assertTrue(c.size() < 200, c.size() + " kept");
    assertNotNull(c.get(handle(9_999)));
    assertNull(c.get(handle(0)));
  }

  /** Ordinary paths are bounded by the count, as before. */
  @Test
  void shortPathsAreBoundedByTheCount() {
    DirectoryPaths c = new DirectoryPaths(100, 1L << 20);
    for (int i = 0; i < 1000; i++) {
      c.put(handle(i), deep(i, 40));
    }
    assertEquals(100, c.size());
    assertNotNull(c.get(handle(999)));
    assertNull(c.get(handle(899)));
  }

  /** A path heavier than 1/64th of the budget is not kept, and drops the handle's older path. */
  @Test
  void aPathTooHeavyIsNotKeptAndDropsTheOlderOne() {
    long budget = 64 * 1024;
    DirectoryPaths c = new DirectoryPaths(100, budget);
    c.put(handle(1), deep(1, 100));
    c.put(handle(1), deep(1, 2 * 1024));
    assertNull(c.get(handle(1)));
    assertEquals(0, c.heldBytes());
    c.clear();
    assertEquals(0, c.size());
  }
}
