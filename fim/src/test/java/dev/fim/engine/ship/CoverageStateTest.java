package dev.fim.engine.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Attribution;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.WatchCoverage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code fim ship} keeps of a database's coverage per destination, on real runs in a real
 * store: a run is sent again while it changes and no more once it is final (ended, or followed by a
 * later run); the file stays small; a copied or damaged file is refused; a version never leaves the
 * cluster's range.
 */
class CoverageStateTest {
  private static final String URL = "http://127.0.0.1:9200";
  private Path dir;
  private Store store;
  private CoverageState state;

  @BeforeEach
  void open() throws Exception {
    dir = Files.createTempDirectory("fim-coverage-state-");
    store = Store.open(dir.resolve("db"), Store.OpenMode.CREATE);
    state = ShipState.of(dir.resolve("db"), store.databaseId(), URL).coverage();
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private WatchCoverage.Run begin(long startNs) throws Exception {
    return WatchCoverage.begin(
        store, startNs, "web1", "inotify", Attribution.NONE, List.of(PathBytes.ofUtf8("/etc")));
  }

  /** Sends the pending runs of a round (acknowledges all of them) and returns their starts. */
  private List<Long> shipRound() throws Exception {
    CoverageState.Acknowledged acked = state.acknowledged();
    CoverageState.Round round =
        state.round(acked, WatchCoverage.startingAt(store, acked.finalBefore()));
    List<Long> starts = round.pending().stream().map(s -> s.interval().startNs()).toList();
    if (!starts.isEmpty()) {
      round.acknowledge(starts.size() - 1);
    }
    return starts;
  }

  @Test
  void aRunIsSentWhileItChangesAndNotOnceFinal() throws Exception {
    WatchCoverage.Run first = begin(1_000);
    assertEquals(List.of(1_000L), shipRound());
    assertEquals(List.of(), shipRound(), "unchanged: nothing to send");
    first.heartbeat(2_000);
    assertEquals(List.of(1_000L), shipRound(), "its end moved");
    assertEquals(0, state.acknowledged().finalBefore(), "running: may change again");
    // killed (no end); a later run starts: the first is final now
    WatchCoverage.Run second = begin(5_000);
    assertEquals(List.of(5_000L), shipRound());
    assertEquals(1_001, state.acknowledged().finalBefore());
    assertEquals(List.of(5_000L), List.copyOf(state.acknowledged().versions().keySet()));
    second.end(6_000);
    assertEquals(List.of(5_000L), shipRound(), "ended");
    assertEquals(5_001, state.acknowledged().finalBefore());
    assertTrue(
        state.acknowledged().versions().isEmpty(), "nothing kept per run once all are final");
    assertTrue(Files.readString(state.file()).contains("final_before=5001\n"));
  }

  @Test
  void aLaterEndOrAnOrderlyEndIsANewerVersionWithinTheClustersRange() {
    WatchCoverage.Interval beat =
        new WatchCoverage.Interval(1, 2_000, false, "h", "inotify", Attribution.NONE, List.of());
    WatchCoverage.Interval ended =
        new WatchCoverage.Interval(1, 2_000, true, "h", "inotify", Attribution.NONE, List.of());
    WatchCoverage.Interval later =
        new WatchCoverage.Interval(1, 2_001, false, "h", "inotify", Attribution.NONE, List.of());
    assertTrue(CoverageState.version(beat) < CoverageState.version(ended));
    assertTrue(CoverageState.version(ended) < CoverageState.version(later));
    WatchCoverage.Interval before1970 =
        new WatchCoverage.Interval(-9, -5, false, "h", "inotify", Attribution.NONE, List.of());
    assertEquals(0, CoverageState.version(before1970));
    WatchCoverage.Interval far =
        new WatchCoverage.Interval(
            1, Long.MAX_VALUE, true, "h", "inotify", Attribution.NONE, List.of());
    assertTrue(CoverageState.version(far) > 0 && CoverageState.version(far) < Long.MAX_VALUE);
  }

  @Test
  void aCopiedOrDamagedFileIsRefused() throws Exception {
    begin(1_000);
    shipRound();
    CoverageState other =
        ShipState.of(dir.resolve("db"), store.databaseId(), "http://elsewhere:9200").coverage();
    Files.copy(state.file(), other.file());
    ShipException e = assertThrows(ShipException.class, other::acknowledged);
    assertTrue(e.getMessage().contains("does not belong to http://elsewhere:9200"), e.getMessage());
    Files.writeString(state.file(), Files.readString(state.file()) + "shipped=12:notanumber\n");
    e = assertThrows(ShipException.class, state::acknowledged);
    assertTrue(e.getMessage().contains("or is damaged"), e.getMessage());
    Files.delete(state.file());
    assertEquals(List.of(1_000L), shipRound(), "deleted: everything is sent again");
  }
}
