package dev.fim.engine.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.sink.EventSink;
import dev.fim.store.Action;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CurrentStates}: what it answers is what the store holds, for the recorder's own commits,
 * and nothing it kept survives a write it did not see once it is told to forget.
 */
class CurrentStatesTest {
  private static final PathBytes A = PathBytes.ofUtf8("/etc/a");
  private static final PathBytes B = PathBytes.ofUtf8("/etc/b");
  private static final PathBytes C = PathBytes.ofUtf8("/etc/c");

  @TempDir Path tmp;
  private Store store;
  private Recorder recorder;
  private CurrentStates states;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    recorder = new Recorder(store, List.of(new NoSink()), 1 << 20);
    states = recorder.currentStates();
  }

  @AfterEach
  void close() throws Exception {
    recorder.close();
    store.close();
  }

  @Test
  void aCommittedStateIsReadFromMemoryAndIsWhatTheStoreHolds() throws Exception {
    assertNull(states.read(A));
    assertEquals(1, states.misses());

    recorder.event(event(A));
    recorder.state(A, file(1));
    recorder.state(B, file(2));
    recorder.state(B, file(3)); // listed twice: the last one is the state, as in the write
    recorder.commit();
    recorder.state(C, file(4)); // a state without an event: the other write path
    recorder.commit();

    for (PathBytes p : List.of(A, B, C)) {
      assertEquals(store.getRecord(Column.CURRENT, p), states.read(p), p.display());
    }
    assertEquals(file(3), states.read(B));
    assertEquals(1, states.misses(), "every read after the commits came from memory");

    recorder.event(event(A));
    recorder.state(A, null); // removed
    recorder.commit();
    assertNull(store.getRecord(Column.CURRENT, A));
    assertNull(states.read(A));
    assertEquals(1, states.misses());
  }

  @Test
  void aStateWrittenByAnotherWriterIsReadAfterForget() throws Exception {
    recorder.state(A, file(1));
    recorder.commit();
    assertEquals(file(1), states.read(A));

    // What a borrower (fim update/accept while the database is lent) or the start-up recording
    // writes without the recorder:
    try (RecordWriter other = store.newWriter(Column.CURRENT)) {
      other.put(A, file(9));
    }
    assertEquals(
        file(1), states.read(A), "not seen without forget: why every such writer calls it");
    recorder.resync(); // the database is back from a loan
    assertEquals(file(9), states.read(A));

    try (RecordWriter other = store.newWriter(Column.CURRENT)) {
      other.delete(A);
    }
    states.forget();
    assertNull(states.read(A));
  }

  @Test
  void aCommitThatFailsLeavesNothingKept() throws Exception {
    recorder.state(A, file(1));
    recorder.commit();
    assertEquals(file(1), states.read(A));
    store.close(); // every write fails from now on
    recorder.state(A, file(2));
    assertThrows(Exception.class, recorder::commit);
    assertEquals(0, states.size(), "a failed write's outcome is the store's to say");
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    recorder = new Recorder(store, List.of(new NoSink()), 1 << 20);
  }

  @Test
  void keepsNoMoreBytesThanItsBudgetWhateverTheStatesWeighAndNoneWithZero() throws Exception {
    // The review's attack on a cache bounded by entries: states of symlinks with 4 KB targets
    // (or kilobytes of xattrs), which anyone who can write in a watched tree can make.
    long budget = 64 << 10;
    CurrentStates kept = new CurrentStates(store, budget);
    byte[] longTarget = new byte[4095];
    java.util.Arrays.fill(longTarget, (byte) 'x');
    List<PathBytes> heavy = new java.util.ArrayList<>();
    List<FileRecord> heavyStates = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      heavy.add(PathBytes.ofUtf8("/t/heavy-" + i));
      heavyStates.add(link(i, longTarget));
    }
    kept.wrote(heavy, heavyStates);
    assertEquals(0, kept.size(), "a state over the budget's share is not kept");
    assertEquals(0, kept.heldBytes());
    for (int i = 0; i < 1000; i++) {
      kept.read(PathBytes.ofUtf8("/t/light-" + i));
      assertTrue(kept.heldBytes() <= budget, "held " + kept.heldBytes() + " > " + budget);
    }
    assertTrue(kept.size() > 100 && kept.size() < 1000, "kept " + kept.size());
    long misses = kept.misses();
    kept.read(PathBytes.ofUtf8("/t/light-999")); // the most recent stays
    assertEquals(misses, kept.misses());
    kept.read(PathBytes.ofUtf8("/t/light-0")); // the eldest went first
    assertEquals(misses + 1, kept.misses());

    CurrentStates none = new CurrentStates(store, 0);
    none.read(A);
    none.read(A);
    assertEquals(0, none.size());
    assertEquals(2, none.misses());
  }

  @Test
  void aNewStateTooHeavyToKeepDropsTheKeptOlderOne() throws Exception {
    recorder.state(A, file(1));
    recorder.commit();
    assertEquals(file(1), states.read(A));
    long misses = states.misses();
    FileRecord heavy = link(2, new byte[(1 << 20) / 32]); // over the budget's 1/64th
    recorder.state(A, heavy);
    recorder.commit();
    assertEquals(heavy, states.read(A), "not the older state kept before it");
    assertEquals(misses + 1, states.misses(), "read from the store");
    assertEquals(heavy, store.getRecord(Column.CURRENT, A));
  }

  private static FileRecord link(long ino, byte[] target) {
    return new FileRecord(
        FileType.SYMLINK,
        0777,
        0,
        0,
        target.length,
        0,
        1_000,
        1_000,
        2049,
        ino,
        1,
        target,
        List.of(),
        List.of(),
        0,
        null);
  }

  private static ChangeEvent event(PathBytes path) {
    return new ChangeEvent(
        1_000,
        0,
        Action.UPDATED,
        path,
        null,
        null,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.NONE,
        "test");
  }

  private static FileRecord file(long ino) {
    return new FileRecord(
        FileType.FILE,
        0100644,
        0,
        0,
        3,
        8,
        1_000,
        1_000,
        2049,
        ino,
        1,
        null,
        List.of(),
        List.of(),
        0,
        null);
  }

  private static final class NoSink implements EventSink {
    @Override
    public void emit(ChangeEvent e) {}

    @Override
    public void flush() {}
  }
}
