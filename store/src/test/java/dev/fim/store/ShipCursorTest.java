package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code fim ship} reads from the store: the events after an acknowledged sequence, in
 * sequence order although events are keyed by time, and the database's stable id.
 */
class ShipCursorTest {
  @TempDir Path tmp;

  private static ChangeEvent event(long t, String path) {
    return new ChangeEvent(
        t,
        0,
        Action.UPDATED,
        PathBytes.ofUtf8(path),
        null,
        null,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.NONE,
        "test");
  }

  @Test
  void pendingEventsComeInSequenceOrderWhateverTheirTimes() throws Exception {
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(store);
      // sequences 1..5; times out of order (a coalesced change keeps its first time; the clock
      // stepped back before 4)
      log.append(List.of(event(500, "/a"), event(100, "/b"), event(300, "/c")));
      log.append(List.of(event(50, "/d"), event(900, "/e")));
      long head = EventLog.headSequence(store);
      assertEquals(5, head);
      assertArrayEquals(
          new long[] {500, 1, 100, 2, 300, 3, 50, 4, 900, 5}, log.pendingAfter(0, head));
      assertArrayEquals(new long[] {300, 3, 50, 4, 900, 5}, log.pendingAfter(2, head));
      assertArrayEquals(new long[0], log.pendingAfter(5, head));
      // what a snapshot with head 4 promised: 5 is not pending yet
      assertArrayEquals(new long[] {50, 4}, log.pendingAfter(3, 4));
      assertEquals("/d", log.decode(log.stored(50, 4)).path().display());
      assertNull(log.stored(51, 4));
    }
  }

  @Test
  void aGapInTheSequencesIsReadPastNotWaitedFor() throws Exception {
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(store);
      log.append(List.of(event(100, "/a"), event(200, "/b")));
      // a write that failed after taking its sequence: 3 never exists
      store.putMeta("event_sequence", "3");
      log.resync();
      log.append(List.of(event(50, "/c")));
      assertArrayEquals(
          new long[] {100, 1, 200, 2, 50, 4}, log.pendingAfter(0, EventLog.headSequence(store)));
    }
  }

  @Test
  void theDatabaseIdIsMadeOnceAndKept() throws Exception {
    Path db = tmp.resolve("db");
    String id;
    try (Store store = Store.open(db, Store.OpenMode.CREATE)) {
      id = store.databaseId();
    }
    assertTrue(id.matches("[0-9a-f]{32}"), id);
    try (Store store = Store.open(db, Store.OpenMode.EXISTING)) {
      assertEquals(id, store.databaseId());
    }
    try (Store store = Store.open(db, Store.OpenMode.READ_ONLY)) {
      assertEquals(id, store.databaseId());
    }
    try (Store other = Store.open(tmp.resolve("db2"), Store.OpenMode.CREATE)) {
      assertNotEquals(id, other.databaseId());
    }
  }

  @Test
  void aDatabaseFromBeforeIdsGetsOneFromItsFirstWriterNotFromAReader() throws Exception {
    Path db = tmp.resolve("db");
    try (Store store = Store.open(db, Store.OpenMode.CREATE)) {
      store.putMetaAtomically(java.util.Collections.singletonMap("database_id", null));
    }
    try (Store store = Store.open(db, Store.OpenMode.READ_ONLY)) {
      assertNull(store.databaseId());
    }
    try (Store store = Store.open(db, Store.OpenMode.EXISTING)) {
      assertTrue(store.databaseId().matches("[0-9a-f]{32}"));
    }
  }
}
