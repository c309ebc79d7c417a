package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  /**
   * A pass over a whole column or period (report, evidence verification) reads ahead in large reads
   * (one pread per ~2 KiB block had cost 150,000 system calls for a million events), still checks
   * every block's checksum and leaves the block cache to other readers.
   */
  @Test
  void aPassReadsAheadChecksEveryBlockAndLeavesTheCacheAlone() {
    try (org.rocksdb.ReadOptions pass = Store.passOptions()) {
      assertEquals(2L << 20, pass.readaheadSize());
      assertTrue(pass.verifyChecksums());
      assertFalse(pass.fillCache());
    }
  }

  @TempDir Path tmp;

  @Test
  void recordsRoundTripInPathByteOrderIncludingNonUtf8Names() throws Exception {
    PathBytes odd = PathBytes.of(new byte[] {'/', 'e', (byte) 0xff, '\n', 'x'});
    PathBytes plain = PathBytes.ofUtf8("/etc/hosts");
    PathBytes accented = PathBytes.ofUtf8("/etc/é");
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      try (RecordWriter w = s.newWriter(Column.BASELINE)) {
        w.put(odd, Records.file(3, 0600, Records.xxh(3)));
        w.put(plain, Records.file(1, 0644, Records.xxh(1)));
        w.put(accented, Records.file(2, 0640, Records.xxh(2)));
      }
      assertEquals(Records.file(1, 0644, Records.xxh(1)), s.getRecord(Column.BASELINE, plain));
      List<PathBytes> order = new ArrayList<>();
      try (RecordCursor c = s.cursor(Column.BASELINE)) {
        while (c.next()) {
          order.add(c.path());
        }
      }
      assertEquals(List.of(plain, accented, odd), order);
      assertEquals(Records.file(3, 0600, Records.xxh(3)), s.getRecord(Column.BASELINE, odd));
    }
  }

  @Test
  void aFlushWithNothingPendingWritesNothingToTheWriteAheadLog() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE);
        RecordWriter w = s.newWriter(Column.CURRENT)) {
      w.put(PathBytes.ofUtf8("/etc/hosts"), Records.file(1, 0644, Records.xxh(1)));
      w.flush();
      long logged = writeAheadLogBytes(db);
      assertTrue(logged > 0, "the record went through the write-ahead log");
      w.flush();
      w.flush();
      assertEquals(logged, writeAheadLogBytes(db), "an empty flush appended to the log");
    }
  }

  private static long writeAheadLogBytes(Path db) throws IOException {
    long bytes = 0;
    try (var files = Files.list(db)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().endsWith(".log")) {
          bytes += Files.size(f);
        }
      }
    }
    return bytes;
  }

  @Test
  void prefixCursorStaysAtOrBelowThePrefix() throws Exception {
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      try (RecordWriter w = s.newWriter(Column.SCAN)) {
        for (String p : new String[] {"/a", "/a-b", "/a/x", "/a/y/z", "/b"}) {
          w.put(PathBytes.ofUtf8(p), Records.file(1, 0644, Records.xxh(1)));
        }
      }
      List<String> seen = new ArrayList<>();
      try (RecordCursor c = s.cursor(Column.SCAN, PathBytes.ofUtf8("/a"))) {
        while (c.next()) {
          seen.add(c.path().display());
        }
      }
      assertEquals(
          List.of("/a", "/a/x", "/a/y/z"),
          seen,
          "'/a-b' sorts between '/a' and '/a/x' but is not below /a");
    }
  }

  @Test
  void bulkWriterFillsSeveralColumnsAndTheInodeIndexAndSurvivesAFlushAndReopen() throws Exception {
    Path db = tmp.resolve("db");
    PathBytes p = PathBytes.ofUtf8("/etc/hosts");
    FileRecord r = Records.file(77, 0644, Records.xxh(7));
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      try (RecordWriter w = s.newBulkWriter(Column.BASELINE, Column.CURRENT, Column.INODES)) {
        w.put(p, r);
      }
      s.flush();
    }
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      assertEquals(r, s.getRecord(Column.BASELINE, p));
      assertEquals(r, s.getRecord(Column.CURRENT, p));
      byte[] inodeKey = java.nio.ByteBuffer.allocate(16).putLong(r.dev()).putLong(77).array();
      assertArrayEquals(p.toBytes(), s.get(Column.INODES, inodeKey));
    }
  }

  @Test
  void clearAndReplaceAll() throws Exception {
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      try (RecordWriter w = s.newWriter(Column.SCAN)) {
        w.put(PathBytes.ofUtf8("/n"), Records.file(9, 0644, Records.xxh(9)));
      }
      try (RecordWriter w = s.newWriter(Column.BASELINE)) {
        w.put(PathBytes.ofUtf8("/old"), Records.file(1, 0644, Records.xxh(1)));
      }
      s.replaceAll(Column.SCAN, Column.BASELINE);
      assertNull(s.getRecord(Column.BASELINE, PathBytes.ofUtf8("/old")));
      assertEquals(9, s.getRecord(Column.BASELINE, PathBytes.ofUtf8("/n")).ino());
      s.clear(Column.SCAN);
      assertFalse(s.hasAny(Column.SCAN));
    }
  }

  @Test
  void secondOpenIsRefusedWithTheHoldersPid() throws Exception {
    Path db = tmp.resolve("db");
    try (Store first = Store.open(db, Store.OpenMode.CREATE)) {
      StoreException e =
          assertThrows(StoreException.class, () -> Store.open(db, Store.OpenMode.EXISTING));
      assertEquals(StoreException.Reason.LOCKED, e.reason());
      assertTrue(
          e.getMessage()
              .contains(
                  "in use by another fim process (pid " + ProcessHandle.current().pid() + ")"),
          e.getMessage());
    }
    try (Store again = Store.open(db, Store.OpenMode.EXISTING)) {
      assertTrue(again.getMeta(Store.META_FORMAT) != null, "reopens after the first closed");
    }
  }

  @Test
  void secondProcessIsRefused() throws Exception {
    // A real second process (not only a second open in this JVM) must see the lock.
    Path db = tmp.resolve("db");
    try (Store first = Store.open(db, Store.OpenMode.CREATE)) {
      // fcntl record locks, the kind FileChannel.tryLock takes, as python's lockf takes them.
      Process p =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  "import fcntl,sys\ntry:\n fcntl.lockf(open(sys.argv[1],'r+'), fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                      + "except OSError:\n sys.exit(7)",
                  db.resolve("fim.lock").toString())
              .redirectErrorStream(true)
              .start();
      assertEquals(7, p.waitFor(), "another process must fail to lock fim.lock while fim holds it");
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          false, "python3 not available: " + e.getMessage());
    }
  }

  /**
   * An open loads the table files on its own thread: RocksDB's default started 16 threads per
   * column family to do it (~140 for fim's 9, most of an open's time on a loaded 2-core machine).
   * The options file RocksDB writes at each open records the setting in force.
   */
  @Test
  void anOpenLoadsItsTableFilesWithoutAThreadPool() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      s.putMeta("k", "v");
      s.flush();
    }
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      Path options;
      try (var files = Files.list(db)) {
        options =
            files
                .filter(f -> f.getFileName().toString().startsWith("OPTIONS-"))
                .max(java.util.Comparator.comparing(f -> f.getFileName().toString()))
                .orElseThrow();
      }
      List<String> setting =
          Files.readAllLines(options).stream()
              .filter(l -> l.contains("max_file_opening_threads="))
              .toList();
      assertEquals(List.of("  max_file_opening_threads=1"), setting, options.toString());
      assertEquals("v", s.getMetaString("k"));
    }
  }

  @Test
  void missingDatabaseSaysToRunInit() {
    StoreException e =
        assertThrows(
            StoreException.class, () -> Store.open(tmp.resolve("none"), Store.OpenMode.EXISTING));
    assertEquals(StoreException.Reason.MISSING, e.reason());
    assertTrue(e.getMessage().contains("fim init"), e.getMessage());
  }

  @Test
  void newerFormatIsRefused() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      s.putMeta(Store.META_FORMAT, Integer.toString(Store.FORMAT_VERSION + 1));
    }
    StoreException e =
        assertThrows(StoreException.class, () -> Store.open(db, Store.OpenMode.EXISTING));
    assertEquals(StoreException.Reason.NEWER_FORMAT, e.reason());
    assertTrue(e.getMessage().contains("newer than this fim"), e.getMessage());
  }

  /**
   * A flush of the bulk writers' column families (the records and their inode index, written
   * without the write-ahead log) is one atomic flush: their table files are installed together in
   * one manifest edit, never one column family without the other after a crash, and with one sync
   * of the manifest instead of one per column family (issue 18: 23 syncs after a 20k init's scan
   * became 14). RocksDB records the option in the OPTIONS file it writes at each open.
   */
  @Test
  void aFlushOfSeveralColumnFamiliesIsOneAtomicFlush() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      try (RecordWriter w = s.newBulkWriter(Column.BASELINE, Column.INODES)) {
        for (int i = 0; i < 500; i++) {
          w.put(PathBytes.ofUtf8("/f" + i), Records.file(i, 0644, Records.xxh(i)));
        }
      }
      s.flush();
    }
    List<Path> options;
    try (var files = Files.list(db)) {
      options =
          files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-")).sorted().toList();
    }
    assertFalse(options.isEmpty(), "RocksDB wrote no OPTIONS file");
    String newest = Files.readString(options.get(options.size() - 1));
    assertTrue(newest.contains("atomic_flush=true"), "not an atomic flush:\n" + newest);
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      assertEquals(
          Records.file(499, 0644, Records.xxh(499)),
          s.getRecord(Column.BASELINE, PathBytes.ofUtf8("/f499")));
    }
  }

  @Test
  void corruptTableFileIsReportedAsCorrupt() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      try (RecordWriter w = s.newWriter(Column.BASELINE)) {
        for (int i = 0; i < 2000; i++) {
          w.put(PathBytes.ofUtf8("/f" + i), Records.file(i, 0644, Records.xxh(i)));
        }
      }
      s.db().flush(new org.rocksdb.FlushOptions().setWaitForFlush(true), s.handle(Column.BASELINE));
    }
    List<Path> tables;
    try (var files = Files.list(db)) {
      tables = files.filter(f -> f.toString().endsWith(".sst")).toList();
    }
    assertFalse(tables.isEmpty(), "the flush wrote a table file");
    for (Path t : tables) {
      byte[] b = Files.readAllBytes(t);
      for (int i = 0; i < b.length; i += 7) {
        b[i] ^= 0x5a;
      }
      Files.write(t, b);
    }
    StoreException e =
        assertThrows(
            StoreException.class,
            () -> {
              try (Store s = Store.open(db, Store.OpenMode.EXISTING);
                  RecordCursor c = s.cursor(Column.BASELINE)) {
                while (c.next()) {
                  c.record();
                }
              }
            });
    assertEquals(StoreException.Reason.CORRUPT, e.reason(), e.getMessage());
  }

  @Test
  void undecodableRecordIsCorruptWithItsPath() throws Exception {
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      s.put(Column.BASELINE, "/etc/x".getBytes(), new byte[] {1, 2, 3});
      StoreException e =
          assertThrows(
              StoreException.class, () -> s.getRecord(Column.BASELINE, PathBytes.ofUtf8("/etc/x")));
      assertEquals(StoreException.Reason.CORRUPT, e.reason());
      assertTrue(e.getMessage().contains("/etc/x"), e.getMessage());
    }
  }

  @Test
  void readOnlyOpensBesideTheWriterAndRefusesToWrite() throws Exception {
    Path dir = tmp.resolve("db");
    assertThrows(
        StoreException.class, () -> Store.open(dir, Store.OpenMode.READ_ONLY), "no database yet");
    try (Store writer = Store.open(dir, Store.OpenMode.CREATE)) {
      FileRecord r = Records.file(1, 0644, Records.xxh(1));
      new EventLog(writer)
          .append(
              List.of(
                  new ChangeEvent(
                      100,
                      0,
                      Action.CREATED,
                      PathBytes.ofUtf8("/a"),
                      null,
                      r,
                      null,
                      List.of(),
                      Origin.WATCH,
                      Attribution.NONE,
                      "test")));
      StoreException locked =
          assertThrows(StoreException.class, () -> Store.open(dir, Store.OpenMode.EXISTING));
      assertEquals(StoreException.Reason.LOCKED, locked.reason());
      try (Store reader = Store.open(dir, Store.OpenMode.READ_ONLY)) {
        List<ChangeEvent> seen = new ArrayList<>();
        new EventLog(reader).forEach(0, Long.MAX_VALUE, seen::add);
        assertEquals(1, seen.size(), "what the writer wrote before the open is visible");
        assertThrows(StoreException.class, () -> reader.putMeta("x", "y"));
      }
    }
  }

  @Test
  void eventsAreChronologicalAndIndexedByPath() throws Exception {
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(s);
      PathBytes a = PathBytes.ofUtf8("/a");
      PathBytes b = PathBytes.of(new byte[] {'/', 'b', (byte) 0xff});
      FileRecord r = Records.file(1, 0644, Records.xxh(1));
      log.append(
          List.of(
              new ChangeEvent(
                  300,
                  0,
                  Action.UPDATED,
                  a,
                  null,
                  r,
                  r,
                  List.of(new AttributeChange("permissions", "0644", "0600")),
                  Origin.CHECK,
                  Attribution.NONE,
                  "no audit"),
              new ChangeEvent(
                  100, 0, Action.MOVED, b, a, r, null, List.of(), Origin.WATCH, null, null)));
      List<ChangeEvent> all = new ArrayList<>();
      log.forEach(0, Long.MAX_VALUE, all::add);
      assertEquals(List.of(100L, 300L), all.stream().map(ChangeEvent::timeNs).toList());
      assertEquals(List.of(2L, 1L), all.stream().map(ChangeEvent::sequence).toList());
      assertEquals(2, log.forPath(a).size(), "as path of one event and old path of the other");
      assertEquals(1, log.forPath(b).size());
      assertEquals(0, log.forPath(PathBytes.ofUtf8("/")).size());
      assertArrayEquals(b.toBytes(), log.forPath(b).get(0).path().toBytes());
      List<ChangeEvent> window = new ArrayList<>();
      log.forEach(100, 300, window::add);
      assertEquals(1, window.size());
    }
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.EXISTING)) {
      List<ChangeEvent> more =
          new EventLog(s)
              .append(
                  List.of(
                      new ChangeEvent(
                          400,
                          0,
                          Action.DELETED,
                          PathBytes.ofUtf8("/c"),
                          null,
                          null,
                          Records.file(1, 0644, Records.xxh(1)),
                          List.of(),
                          Origin.CHECK,
                          null,
                          null)));
      assertEquals(3L, more.get(0).sequence(), "the sequence survives a reopen");
    }
  }
}
