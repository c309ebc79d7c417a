package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.PathBytes;
import org.junit.jupiter.api.Test;

/** The audit source's span ends: bounded by count and by bytes, whatever the paths weigh. */
class RememberedSpansTest {
  private static PathBytes path(int i, int bytes) {
    String head = "/w/" + i + "/";
    return PathBytes.ofUtf8(head + "f".repeat(bytes - head.length()));
  }

  @Test
  void pathsOf4KbStayWithinTheByteBudgetTheEldestForgottenFirst() {
    long budget = 256 * 1024;
    RememberedSpans s = new RememberedSpans(65_536, budget);
    for (int i = 0; i < 10_000; i++) {
      s.put(path(i, 4000), i);
      assertTrue(s.heldBytes() <= budget, "held " + s.heldBytes() + " > " + budget);
    }
    assertTrue(s.size() < 100, s.size() + " kept");
    assertEquals(9_999L, s.get(path(9_999, 4000)));
    assertNull(s.get(path(0, 4000)));
  }

  @Test
  void shortPathsAreBoundedByTheCountAndARePutKeepsOneEntry() {
    RememberedSpans s = new RememberedSpans(100, 1L << 20);
    for (int i = 0; i < 1000; i++) {
      s.put(path(i, 20), i);
    }
    assertEquals(100, s.size());
    long held = s.heldBytes();
    s.put(path(999, 20), 5);
    assertEquals(held, s.heldBytes());
    assertEquals(5L, s.get(path(999, 20)));
  }
}
