package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WatchCoverage}: runs recorded, extended by heartbeats, ended, read back by period, across
 * a reopen.
 */
class WatchCoverageTest {
  @TempDir Path tmp;

  @Test
  void runsAreReadBackByTheirOverlapWithThePeriod() throws Exception {
    List<PathBytes> trees =
        List.of(PathBytes.ofUtf8("/etc"), PathBytes.of(new byte[] {'/', 'x', (byte) 0xff}));
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      WatchCoverage.Run first =
          WatchCoverage.begin(store, 1_000, "h1", "fanotify", Attribution.AUDIT, trees);
      first.heartbeat(1_500);
      first.end(2_000);
      WatchCoverage.Run crashed =
          WatchCoverage.begin(store, 5_000, "h1", "inotify", Attribution.NONE, trees.subList(0, 1));
      crashed.heartbeat(6_000); // then SIGKILL: never ended
    }
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.READ_ONLY)) {
      List<WatchCoverage.Interval> all = WatchCoverage.overlapping(store, 0, Long.MAX_VALUE);
      assertEquals(2, all.size());
      WatchCoverage.Interval a = all.get(0);
      assertEquals(1_000, a.startNs());
      assertEquals(2_000, a.endNs());
      assertTrue(a.ended());
      assertEquals("fanotify", a.backend());
      assertEquals(Attribution.AUDIT, a.attribution());
      assertEquals(trees, a.trees());
      WatchCoverage.Interval b = all.get(1);
      assertEquals(6_000, b.endNs());
      assertEquals(Attribution.NONE, b.attribution());
      assertFalse(b.ended(), "a run that never ended ends at its last heartbeat, not marked ended");
      assertEquals(List.of(b), WatchCoverage.overlapping(store, 2_001, 5_500));
      assertEquals(List.of(a), WatchCoverage.overlapping(store, 0, 1_001));
      assertEquals(List.of(), WatchCoverage.overlapping(store, 2_001, 5_000));
      assertEquals(List.of(), WatchCoverage.overlapping(store, 6_001, 9_000));
    }
  }

  @Test
  void aDamagedIntervalIsReportedAsCorrupt() throws Exception {
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      WatchCoverage.begin(
          store, 10, "h", "fanotify", Attribution.AUDIT, List.of(PathBytes.ofUtf8("/t")));
      byte[] key =
          java.nio.ByteBuffer.allocate(23).put("watch_coverage/".getBytes()).putLong(10).array();
      store.put(Column.META, key, new byte[] {1, 2, 3});
      StoreException e =
          assertThrows(StoreException.class, () -> WatchCoverage.overlapping(store, 0, 100));
      assertEquals(StoreException.Reason.CORRUPT, e.reason());
      assertTrue(e.getMessage().contains("watch coverage"), e.getMessage());
    }
  }

  /**
   * A label this fim does not know (a newer fim's) reads as unknown instead of failing the report.
   */
  @Test
  void anUnknownAttributionLabelReadsAsUnknown() throws Exception {
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      WatchCoverage.Interval i =
          new WatchCoverage.Interval(
              10, 20, true, "h", "fanotify", Attribution.AUDIT, List.of(PathBytes.ofUtf8("/t")));
      byte[] v = WatchCoverage.encode(i);
      byte[] audit = "audit".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] other = "ebpf!".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int at = indexOf(v, audit);
      System.arraycopy(other, 0, v, at, other.length);
      assertEquals(Attribution.UNKNOWN, WatchCoverage.decode(store, v).attribution());
    }
  }

  private static int indexOf(byte[] in, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= in.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) continue outer;
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
