package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * {@link Approvals}: stored per event, read by lookup and side by side with the events; older
 * databases without the column family.
 */
class ApprovalsTest {
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
        Origin.CHECK,
        Attribution.NONE,
        "test");
  }

  @Test
  void approvalIsFoundByLookupAndByTheCursorForExactlyTheApprovedEvents() throws Exception {
    try (Store s = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(s);
      List<ChangeEvent> stored =
          log.append(
              List.of(
                  event(100, "/a"),
                  event(200, "/b"),
                  event(200, "/c"),
                  event(300, "/d"),
                  event(400, "/e")));
      Approval a = new Approval(999, 1001, "alice", 0, "root", "CHG-1234\nsecond line");
      Approvals approvals = new Approvals(s);
      approvals.approve(List.of(stored.get(1), stored.get(3)), a);

      assertEquals(a, approvals.get(200, stored.get(1).sequence()));
      assertNull(
          approvals.get(200, stored.get(2).sequence()), "same time, other sequence: not approved");
      assertNull(approvals.get(100, stored.get(0).sequence()));

      List<String> seen = new ArrayList<>();
      try (Approvals.Cursor c = approvals.cursor(150)) {
        log.forEach(
            150,
            Long.MAX_VALUE,
            e -> {
              try {
                Approval x = c.of(e);
                seen.add(
                    e.path() + "=" + (x == null ? "-" : x.note().lines().findFirst().orElse("")));
              } catch (StoreException ex) {
                throw new IllegalStateException(ex);
              }
            });
      }
      assertEquals(List.of("/b=CHG-1234", "/c=-", "/d=CHG-1234", "/e=-"), seen);
      assertEquals("alice (auid 1001) as root", a.who());
      assertEquals("root (uid 0)", new Approval(1, Actor.UNSET_ID, null, 0, "root", "").who());
    }
  }

  /**
   * A database written before the approvals column family existed: read-only sees none, a writer
   * adds it.
   */
  @Test
  void databaseWithoutTheApprovalsColumnFamilyOpensReadOnlyAndGainsItWhenOpenedForWriting()
      throws Exception {
    Path dir = tmp.resolve("old");
    List<ColumnFamilyDescriptor> d = new ArrayList<>();
    d.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    for (Column c : Column.values()) {
      if (!c.addedLater()) {
        d.add(new ColumnFamilyDescriptor(c.cfNameBytes()));
      }
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o =
            new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        RocksDB db = RocksDB.open(o, dir.toString(), d, handles)) {
      db.put(
          handles.get(Column.META.ordinal() + 1),
          Store.META_FORMAT.getBytes(StandardCharsets.UTF_8),
          "1".getBytes(StandardCharsets.US_ASCII));
      handles.forEach(ColumnFamilyHandle::close);
    }
    try (Store s = Store.open(dir, Store.OpenMode.READ_ONLY)) {
      assertFalse(s.has(Column.APPROVALS));
      assertNull(new Approvals(s).get(1, 1));
      try (Approvals.Cursor c = new Approvals(s).cursor(0)) {
        assertNull(c.of(event(1, "/a")));
      }
    }
    try (Store s = Store.open(dir, Store.OpenMode.EXISTING)) {
      assertTrue(s.has(Column.APPROVALS));
      ChangeEvent e = new EventLog(s).append(List.of(event(5, "/a"))).get(0);
      new Approvals(s).approve(List.of(e), new Approval(6, 1000, null, 1000, null, "ok"));
    }
    try (Store s = Store.open(dir, Store.OpenMode.READ_ONLY)) {
      assertTrue(s.has(Column.APPROVALS));
      assertEquals("ok", new Approvals(s).get(5, 1).note());
    }
  }
}
