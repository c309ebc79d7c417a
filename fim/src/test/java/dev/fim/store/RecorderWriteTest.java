package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.record.Recorder;
import dev.fim.engine.sink.EventSink;
import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.SealKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.TransactionLogIterator;

/**
 * {@link Recorder}'s writes as the database sees them: a commit's events and the states they report
 * are one atomic write (one write-ahead-log batch), sealed as before. In package {@code
 * dev.fim.store} to read the write-ahead log ({@link Store#db()}); the recorder is the engine's.
 */
class RecorderWriteTest {
  private static final PathBytes PATH = PathBytes.ofUtf8("/etc/watched");
  private static final PathBytes GONE = PathBytes.ofUtf8("/etc/gone");

  @TempDir Path tmp;
  private Store store;
  private EvidenceKey key;
  private Recorder recorder;
  private final List<ChangeEvent> emitted = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    key = EvidenceKey.of(SealKey.loadOrCreate(tmp.resolve("seal.key")));
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    EvidenceChain.attach(store, key, null, null);
    recorder =
        new Recorder(
            store,
            List.of(
                new EventSink() {
                  @Override
                  public void emit(ChangeEvent e) {
                    emitted.add(e);
                  }

                  @Override
                  public void flush() {}
                }));
  }

  @AfterEach
  void close() throws Exception {
    recorder.close();
    EvidenceChain.detach(store);
    store.close();
  }

  @Test
  void anEventAndTheStatesItReportsAreOneAtomicWriteAndStaySealed() throws Exception {
    byte[] head = store.getMeta(EvidenceChain.META_HEAD);
    recorder.state(GONE, file(7));
    recorder.commit(); // a state with no event: written alone, as before, and not sealed
    assertArrayEquals(head, store.getMeta(EvidenceChain.META_HEAD), "no events: no new head");
    assertTrue(emitted.isEmpty());
    long before = store.db().getLatestSequenceNumber();

    recorder.event(event(Action.UPDATED, PATH));
    recorder.state(PATH, file(12));
    recorder.state(GONE, null);
    recorder.commit();

    List<Long> batches = new ArrayList<>();
    try (TransactionLogIterator it = store.db().getUpdatesSince(before + 1)) {
      for (; it.isValid(); it.next()) {
        TransactionLogIterator.BatchResult b = it.getBatch();
        batches.add(b.sequenceNumber());
        b.writeBatch().close();
      }
    }
    assertEquals(
        List.of(before + 1),
        batches,
        "the event, its index, the sequence, the chain's head and both states: one write");
    assertEquals(1, emitted.size());
    assertEquals(1, emitted.get(0).sequence());
    assertArrayEquals(
        FileRecordCodec.encode(file(12)),
        FileRecordCodec.encode(store.getRecord(Column.CURRENT, PATH)));
    assertNull(store.getRecord(Column.CURRENT, GONE), "a null state removes the path");
    assertEquals(1, new EventLog(store).forPath(PATH).size());
    EvidenceChain.Verification v = EvidenceChain.verify(store, key);
    assertTrue(v.verified(), v.describe());
  }

  private static ChangeEvent event(Action a, PathBytes path) {
    return new ChangeEvent(
        1_000, 0, a, path, null, null, null, List.of(), Origin.WATCH, Attribution.NONE, "test");
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
}
