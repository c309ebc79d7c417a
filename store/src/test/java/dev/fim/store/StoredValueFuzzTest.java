package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Forged values in a real RocksDB database (issue 12): someone who can write the database directory
 * can put any bytes under any key. Every reader must then answer with {@link StoreException}
 * (reason CORRUPT, exit 18 at the command line) or a value, never another exception. Covers the
 * readers that decode values which {@link CodecFuzzTest} does not reach directly: approvals, watch
 * coverage intervals, baseline records through {@link Store#getRecord} and events through {@link
 * EventLog#decode}.
 */
class StoredValueFuzzTest {
  private static Path dir;
  private static Store store;

  @BeforeAll
  static void open() throws Exception {
    dir = Files.createTempDirectory("fim-fuzz-store");
    store = Store.open(dir.resolve("db"), Store.OpenMode.CREATE);
  }

  @AfterAll
  static void close() throws IOException {
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void forgedValuesAreCorruptOrValid(FuzzedDataProvider data) throws Exception {
    int which = data.consumeInt(0, 3);
    byte[] value = data.consumeRemainingAsBytes();
    try {
      switch (which) {
        case 0 -> {
          store.put(Column.APPROVALS, EventLog.eventKey(1, 1), value);
          assertNotNull(new Approvals(store).get(1, 1));
        }
        case 1 -> {
          WatchCoverage.Interval i = WatchCoverage.decode(store, value);
          assertEquals(i, WatchCoverage.decode(store, WatchCoverage.encode(i)));
        }
        case 2 -> {
          PathBytes p = PathBytes.ofUtf8("/etc/forged");
          store.put(Column.BASELINE, p.toBytes(), value);
          assertNotNull(store.getRecord(Column.BASELINE, p));
        }
        default -> assertNotNull(new EventLog(store).decode(value));
      }
    } catch (StoreException e) {
      assertEquals(StoreException.Reason.CORRUPT, e.reason(), e.getMessage());
    }
  }
}
