package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sorted list of line starts that the windowed search gathers an event's lines from (it
 * replaced a TreeSet of boxed longs): whatever order the values come in, repeats included, it holds
 * what a TreeSet holds, in the same order.
 */
class LongListTest {
  @Test
  void addSortedHoldsWhatATreeSetHoldsWhateverTheOrder() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 2000; round++) {
      WindowedSearch.LongList list = new WindowedSearch.LongList();
      TreeSet<Long> oracle = new TreeSet<>();
      int n = rnd.nextInt(0, 300); // past the initial 64: it grows
      long v = rnd.nextLong(0, 1000);
      for (int i = 0; i < n; i++) {
        // Mostly ascending (as a search's hits come), with repeats and values going back.
        switch (rnd.nextInt(4)) {
          case 0 -> v = rnd.nextLong(0, 2000);
          case 1 -> {} // the same again
          default -> v += rnd.nextLong(1, 50);
        }
        list.addSorted(v);
        oracle.add(v);
      }
      long[] want = oracle.stream().mapToLong(Long::longValue).toArray();
      assertArrayEquals(want, Arrays.copyOf(list.a, list.n), "round " + round);
    }
  }
}
