package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.cli.report.SyntheticHistory;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.TableProperties;

/**
 * Issue 12, defect 3: a flipped byte in a table file of the database must stop a reader with exit
 * 18 naming the file, not shorten what it reads. Before, RocksDB's iterators turned invalid at the
 * damaged block and every loop took that for the end of the data: {@code fim history} printed fewer
 * events with exit 0, {@code fim report} made a shorter report, and a report made from the damaged
 * data verified.
 */
class CorruptDatabaseTest {
  @TempDir Path tmp;

  @Test
  void aDamagedEventsTableStopsHistoryReportAndVerifyWithItsName() throws Exception {
    Path db = tmp.resolve("db");
    SyntheticHistory.main(
        new String[] {db.toString(), "20000", "3"}); // 30 days ending now, flushed to tables
    Fim.Run before = Fim.run("history", "--db", db.toString());
    assertEquals(0, before.exit(), before.err());
    assertEquals(20000, before.out().lines().count());
    Path json = tmp.resolve("before.txt"); // text: its parameter line is at the top
    Fim.Run made =
        Fim.run("report", "--db", db.toString(), "--since", "-31d", "--output", json.toString());
    assertEquals(0, made.exit(), made.toString());
    Fim.Run verified = Fim.run("report", "--db", db.toString(), "--verify", json.toString());
    assertEquals(0, verified.exit(), verified.toString());

    String sst = damage(db, "events");

    Fim.Run history = Fim.run("history", "--db", db.toString());
    assertEquals(ExitCodes.DATABASE, history.exit(), history.err());
    assertDamageNamed(history, sst);
    Fim.Run report = Fim.run("report", "--db", db.toString(), "--since", "-31d", "--format", "csv");
    assertEquals(ExitCodes.DATABASE, report.exit(), report.err());
    assertDamageNamed(report, sst);
    Fim.Run toFile =
        Fim.run(
            "report",
            "--db",
            db.toString(),
            "--since",
            "-31d",
            "--output",
            tmp.resolve("after.txt").toString());
    assertEquals(ExitCodes.DATABASE, toFile.exit(), toFile.err());
    assertTrue(Files.notExists(tmp.resolve("after.txt")), "no report is left from damaged data");
    Fim.Run verify = Fim.run("report", "--db", db.toString(), "--verify", json.toString());
    assertEquals(ExitCodes.DATABASE, verify.exit(), verify.toString());
    assertDamageNamed(verify, sst);
  }

  @Test
  void aDamagedApprovalsTableStopsTheReport() throws Exception {
    Path db = tmp.resolve("db");
    SyntheticHistory.main(new String[] {db.toString(), "20000", "4"});
    String sst = damage(db, "approvals");
    // The events are intact: without the check, the approvals cursor ended early and approved
    // changes read as
    // UNAPPROVED (and the digest of the report's data changed, with exit 0).
    Fim.Run report =
        Fim.run("report", "--db", db.toString(), "--since", "-31d", "--format", "json");
    assertEquals(ExitCodes.DATABASE, report.exit(), report.err());
    assertDamageNamed(report, sst);
  }

  @Test
  void aDamagedPathIndexStopsHistoryOfATree() throws Exception {
    Path db = tmp.resolve("db");
    SyntheticHistory.main(new String[] {db.toString(), "20000", "6"});
    String sst = damage(db, "events_by_path");
    // Every event's path is under one of these (SyntheticHistory's directories): the damaged block
    // is in one's range.
    List<Fim.Run> runs = new ArrayList<>();
    for (String root : List.of("/boot", "/etc", "/opt", "/usr", "/var")) {
      Fim.Run r = Fim.run("history", "--db", db.toString(), root);
      assertTrue(r.exit() == 0 || r.exit() == ExitCodes.DATABASE, root + ": " + r.err());
      if (r.exit() == ExitCodes.DATABASE) {
        assertDamageNamed(r, sst);
      }
      runs.add(r);
    }
    assertTrue(
        runs.stream().anyMatch(r -> r.exit() == ExitCodes.DATABASE),
        "the damage was read and reported");
  }

  @Test
  void aDamagedBaselineTableIsCorruptionNotASealMismatch() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    for (int i = 0; i < 2000; i++) { // several data blocks
      Files.writeString(t.tree().resolve("etc/file-" + i), "x".repeat(i % 50));
    }
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    String sst = damage(t.db(), "baseline");
    Fim.Run check = Fim.on(t.db(), t.key(), t.conf(), "check");
    assertEquals(ExitCodes.DATABASE, check.exit(), check.toString());
    assertDamageNamed(check, sst);
  }

  @Test
  void anUndecodableEventIsAnErrorWithoutAStackTrace() throws Exception {
    Path db = tmp.resolve("db");
    SyntheticHistory.main(new String[] {db.toString(), "3000", "5"});
    // Checksums cannot catch this: a well-formed table holding an event that is not one (an edit
    // through RocksDB).
    List<ColumnFamilyDescriptor> descriptors = descriptors(db);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions();
        RocksDB r = RocksDB.open(o, db.toString(), descriptors, handles)) {
      ColumnFamilyHandle events = handles.get(indexOf(descriptors, "events"));
      try (org.rocksdb.RocksIterator it = r.newIterator(events)) {
        it.seekToFirst();
        for (int i = 0; i < 1500; i++) {
          it.next();
        }
        r.put(events, it.key(), new byte[] {(byte) 0xee, 1, 2});
      }
      handles.forEach(ColumnFamilyHandle::close);
    }
    // The evidence chain sees the edit first: a CSV is refused (19); the other formats are written
    // marked NOT VERIFIED and stop at the event they cannot decode (18). Never a stack trace.
    for (String format : List.of("text", "json", "csv", "html")) {
      Fim.Run report =
          Fim.run("report", "--db", db.toString(), "--since", "-31d", "--format", format);
      if (format.equals("csv")) {
        assertEquals(ExitCodes.SEAL, report.exit(), format + ": " + report.err());
        assertTrue(report.err().contains("does not verify"), report.err());
      } else {
        assertEquals(ExitCodes.DATABASE, report.exit(), format + ": " + report.err());
        assertTrue(report.err().contains("a change event cannot be decoded"), report.err());
      }
      assertTrue(!report.err().contains("\tat "), "no stack trace:\n" + report.err());
    }
    Fim.Run history = Fim.run("history", "--db", db.toString());
    assertEquals(ExitCodes.SEAL, history.exit(), history.err());
    assertTrue(!history.err().contains("\tat "), "no stack trace:\n" + history.err());
  }

  private static List<ColumnFamilyDescriptor> descriptors(Path db) throws Exception {
    RocksDB.loadLibrary();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    try (Options o = new Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(o, db.toString())) {
        descriptors.add(new ColumnFamilyDescriptor(name));
      }
    }
    return descriptors;
  }

  private static int indexOf(List<ColumnFamilyDescriptor> descriptors, String cf) {
    for (int i = 0; i < descriptors.size(); i++) {
      if (new String(descriptors.get(i).getName(), StandardCharsets.US_ASCII).equals(cf)) {
        return i;
      }
    }
    throw new AssertionError("no column family " + cf);
  }

  private static void assertDamageNamed(Fim.Run r, String sst) {
    assertTrue(r.err().contains(sst), "names the damaged file " + sst + ":\n" + r.err());
    assertTrue(r.err().contains("damaged"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace:\n" + r.err());
  }

  /**
   * Flips one byte in the middle of the data blocks of the largest table file of column family
   * {@code cf}, as a bad sector or an editor would; returns the file's name.
   */
  static String damage(Path db, String cf) throws Exception {
    List<ColumnFamilyDescriptor> descriptors = descriptors(db);
    Path file = null;
    long dataSize = 0;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions();
        RocksDB r = RocksDB.openReadOnly(o, db.toString(), descriptors, handles)) {
      for (Map.Entry<String, TableProperties> e :
          r.getPropertiesOfAllTables(handles.get(indexOf(descriptors, cf))).entrySet()) {
        if (e.getValue().getDataSize() > dataSize) {
          file = Path.of(e.getKey());
          dataSize = e.getValue().getDataSize();
        }
      }
      handles.forEach(ColumnFamilyHandle::close);
    }
    assertTrue(file != null && dataSize > 0, "no table file holds column family " + cf);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = dataSize / 2; // data blocks come first in a block-based table
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    return file.getFileName().toString();
  }
}
