package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The join: which audited syscall explains a change. Times are in ms from an origin; the window is
 * ±100 ms unless a row says otherwise. Each test builds the index it needs, so every row states its
 * candidates.
 */
class ChangeIndexTest {
  static final long MS = 1_000_000L;
  static final long T0 = 1_700_000_000_000L * MS;
  static final PathBytes F = PathBytes.ofUtf8("/w/f");
  static final PathBytes G = PathBytes.ofUtf8("/w/g");
  static final PathBytes DIR = PathBytes.ofUtf8("/w");

  final ChangeIndex index = new ChangeIndex(10_000 * MS, 100);
  long serial;

  AuditedChange add(long ms, int pid, boolean success, PathItem... items) {
    Actor a = new Actor(1001L, null, 0L, "root", pid, 1, "/usr/bin/x", "x", null, 1L, null);
    AuditedChange c =
        new AuditedChange(
            ++serial, T0 + ms * MS, T0 + ms * MS, "openat", success, 0, 0, a, List.of(items));
    index.add(c, T0 + ms * MS);
    return c;
  }

  AuditedChange add(long ms, int pid, PathItem... items) {
    return add(ms, pid, true, items);
  }

  static PathItem item(PathBytes path, long inode, NameType type) {
    return new PathItem(path, path, inode, 0xfe, 1, type);
  }

  static ChangeQuery q(PathBytes path, long inode, int pid, long ms) {
    return ChangeQuery.of(path, inode, pid, T0 + ms * MS, 100 * MS);
  }

  @Test
  void joinsOnInodeOrOnPath() {
    AuditedChange c = add(0, 7, item(F, 11, NameType.NORMAL));
    assertSame(c, index.find(q(F, 0, 0, 0)), "path only");
    assertSame(c, index.find(q(null, 11, 0, 0)), "inode only");
    assertSame(c, index.find(q(PathBytes.ofUtf8("/w/moved"), 11, 0, 0)), "inode, another name");
    assertNull(index.find(q(G, 12, 0, 0)));
  }

  @Test
  void theParentDirectoryIsNotTheObject() {
    add(0, 7, item(DIR, 10, NameType.PARENT), item(F, 11, NameType.CREATE));
    assertNull(index.find(q(DIR, 10, 0, 0)));
  }

  @Test
  void aFailedSyscallChangedNothing() {
    add(0, 7, false, item(F, 11, NameType.NORMAL));
    assertNull(index.find(q(F, 11, 0, 0)));
  }

  @Test
  void onlyWithinTheWindowCountingTheEventsWholeMillisecond() {
    add(0, 7, item(F, 11, NameType.NORMAL));
    assertNull(
        index.find(q(F, 11, 0, 102)), "more than 100 ms after the event's millisecond ended");
    assertEquals(7, index.find(q(F, 11, 0, 100)).actor().pid(), "the event happened in [0, 1) ms");
    assertNull(index.find(q(F, 11, 0, -101)));
    assertEquals(7, index.find(q(F, 11, 0, -100)).actor().pid());
  }

  @Test
  void theGivenPidWinsOverANearerEventOfAnotherProcess() {
    add(0, 7, item(F, 11, NameType.NORMAL));
    add(50, 8, item(F, 11, NameType.NORMAL));
    assertEquals(7, index.find(q(F, 11, 7, 50)).actor().pid());
    assertEquals(8, index.find(q(F, 11, 0, 50)).actor().pid(), "without a pid: the nearest");
    assertEquals(
        8,
        index.find(q(F, 11, 9, 50)).actor().pid(),
        "an unknown pid is a preference, not a filter");
  }

  /** sed -i: open(./sedXXXX, O_CREAT) makes the new inode, rename(sedXXXX, e) gives it the name. */
  @Test
  void inodeAndPathTogetherWinOverEitherAlone() {
    PathBytes tmp = PathBytes.ofUtf8("/w/sedAbc");
    AuditedChange open = add(0, 7, item(tmp, 20, NameType.CREATE));
    AuditedChange rename =
        add(
            3,
            7,
            item(tmp, 20, NameType.DELETE),
            item(F, 20, NameType.CREATE),
            item(F, 11, NameType.DELETE));
    assertSame(rename, index.find(q(F, 20, 7, 0)), "the rename, though the open is nearer");
    assertSame(open, index.find(q(tmp, 0, 7, 0)), "the temporary's own query: nearest");
  }

  @Test
  void theSameDeviceIsPreferredNotRequired() {
    AuditedChange other = add(0, 7, new PathItem(F, F, 11, 8, 1, NameType.NORMAL));
    assertSame(
        other,
        index.find(new ChangeQuery(F, 0xfe01, 11, 0, T0, 100 * MS)),
        "btrfs: st_dev differs");
    AuditedChange same = add(5, 7, new PathItem(F, F, 11, 0xfe, 1, NameType.NORMAL));
    assertSame(
        same,
        index.find(
            new ChangeQuery(
                F,
                new PathItem(null, null, 0, 0xfe, 1, NameType.NORMAL).dev(),
                11,
                0,
                T0,
                100 * MS)));
  }

  @Test
  void evictsByAgeAndByCountAndForgetsTheKeys() {
    ChangeIndex small = new ChangeIndex(1_000 * MS, 3);
    Actor a = new Actor(1001L, null, 0L, null, 1, 1, null, null, null, null, null);
    for (int i = 0; i < 5; i++) {
      small.add(
          new AuditedChange(
              i,
              T0 + i * MS,
              0,
              "openat",
              true,
              0,
              0,
              a,
              List.of(item(PathBytes.ofUtf8("/w/" + i), 100 + i, NameType.CREATE))),
          T0 + i * MS);
    }
    assertEquals(3, small.size());
    assertEquals(2, small.evicted());
    assertNull(
        small.find(ChangeQuery.of(PathBytes.ofUtf8("/w/0"), 100, 0, T0, 10 * MS)),
        "evicted by count");
    assertEquals(2, small.find(ChangeQuery.of(null, 102, 0, T0, 10 * MS)).serial());
    small.evict(T0 + 1_003 * MS);
    assertEquals(
        2, small.size(), "at 1003 ms only serial 2 is more than 1 s old; 3 is exactly 1 s old");
    small.evict(T0 + 10_000 * MS);
    assertEquals(0, small.size());
    assertNull(small.find(ChangeQuery.of(null, 104, 0, T0, Long.MAX_VALUE / 2)));
  }

  @Test
  void aKeyOfSeveralEventsKeepsThemInOrderAsTheyComeAndGo() {
    ChangeIndex small = new ChangeIndex(10_000 * MS, 3);
    Actor a = new Actor(1001L, null, 0L, null, 1, 1, null, null, null, null, null);
    List<AuditedChange> added = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // F, F, G, F, G, F: F's key goes from one event to several and back as the count evicts
      PathBytes p = i == 2 || i == 4 ? G : F;
      AuditedChange c =
          new AuditedChange(
              i,
              T0 + i * MS,
              T0 + i * MS,
              "openat",
              true,
              0,
              0,
              a,
              List.of(item(p, 0, NameType.NORMAL)));
      small.add(c, T0 + i * MS);
      added.add(c);
      List<AuditedChange> expectF = new java.util.ArrayList<>();
      for (AuditedChange h : small.snapshot()) {
        if (h.items().get(0).path().equals(F)) {
          expectF.add(h);
        }
      }
      assertEquals(
          expectF,
          small.findAll(ChangeQuery.of(F, 0, 0, T0, 10 * MS), T0, T0 + 10 * MS),
          "after " + i);
      assertSame(c, small.find(ChangeQuery.of(p, 0, 0, T0 + i * MS, 0)), "the newest of its key");
    }
    assertEquals(List.of(added.get(3), added.get(4), added.get(5)), small.snapshot());
    small.evict(T0 + 20_000 * MS);
    assertEquals(0, small.size());
    assertNull(small.find(ChangeQuery.of(F, 0, 0, T0 + 5 * MS, 10 * MS)));
    assertNull(small.find(ChangeQuery.of(G, 0, 0, T0 + 4 * MS, 10 * MS)));
  }

  @Test
  void aRenameWithOneInodeUnderTwoNamesIsHeldAndEvictedOnce() {
    ChangeIndex one = new ChangeIndex(1_000 * MS, 1);
    Actor a = new Actor(1001L, null, 0L, null, 1, 1, null, null, null, null, null);
    one.add(
        new AuditedChange(
            1,
            T0,
            0,
            "renameat2",
            true,
            0,
            0,
            a,
            List.of(item(F, 11, NameType.DELETE), item(G, 11, NameType.CREATE))),
        T0);
    one.add(
        new AuditedChange(2, T0, 0, "openat", true, 0, 0, a, List.of(item(F, 12, NameType.CREATE))),
        T0);
    assertEquals(1, one.size());
    assertNull(one.find(ChangeQuery.of(G, 11, 0, T0, MS)));
    assertEquals(2, one.find(ChangeQuery.of(F, 0, 0, T0, MS)).serial());
  }

  @Test
  void matchesIsTheSameTestAsFind() {
    AuditedChange c = add(0, 7, item(F, 11, NameType.NORMAL));
    assertEquals(true, ChangeIndex.matches(q(F, 0, 0, 0), c));
    assertEquals(false, ChangeIndex.matches(q(F, 0, 0, 500), c), "outside the window");
    assertEquals(false, ChangeIndex.matches(q(G, 12, 0, 0), c));
  }

  /**
   * The writers of one change: every successful event on the object in the span, in arrival order
   * (an event in both the inode's and the path's list once), failed ones and the parent left out;
   * once the name was removed, an event on the same inode number under another name is another
   * file's (the number was reused: rm r, then a new file gets r's inode), not a writer of r.
   */
  @Test
  void findAllListsEveryWriterInOrderAndNotAReusedInodeAfterTheNameWasRemoved() {
    AuditedChange create = add(0, 7, item(DIR, 10, NameType.PARENT), item(F, 11, NameType.CREATE));
    add(1, 9, false, item(F, 11, NameType.NORMAL)); // failed: changed nothing
    AuditedChange viaLink = add(2, 8, item(PathBytes.ofUtf8("/w/link"), 11, NameType.NORMAL));
    AuditedChange rm = add(3, 6, item(DIR, 10, NameType.PARENT), item(F, 11, NameType.DELETE));
    add(4, 5, item(DIR, 10, NameType.PARENT), item(G, 11, NameType.CREATE)); // inode 11 reused
    add(500, 7, item(F, 11, NameType.NORMAL)); // after the span
    assertEquals(List.of(create, viaLink, rm), index.findAll(q(F, 11, 0, 0), T0, T0 + 100 * MS));
    assertEquals(List.of(viaLink, rm), index.findAll(q(F, 11, 0, 0), T0 + 2 * MS, T0 + 100 * MS));
  }

  /**
   * sed -i replaces s (the old s's inode 11 is removed under s's name), then a new file t gets the
   * number 11: the writes of the old s are not t's writers; t's own create is.
   */
  @Test
  void findAllLeavesOutAnEarlierFileWhoseInodeNumberANewFileReused() {
    PathBytes t = PathBytes.ofUtf8("/w/t");
    add(0, 5, item(PathBytes.ofUtf8("/w/s"), 11, NameType.NORMAL)); // the old s written
    add(
        1,
        5,
        item(PathBytes.ofUtf8("/w/sedX"), 12, NameType.DELETE),
        item(PathBytes.ofUtf8("/w/s"), 11, NameType.DELETE),
        item(PathBytes.ofUtf8("/w/s"), 12, NameType.CREATE)); // rename(sedX, s): old s gone
    AuditedChange cp = add(2, 6, item(DIR, 10, NameType.PARENT), item(t, 11, NameType.CREATE));
    AuditedChange chmod = add(3, 7, item(t, 11, NameType.NORMAL));
    assertEquals(List.of(cp, chmod), index.findAll(q(t, 11, 0, 3), T0, T0 + 100 * MS));
  }

  /**
   * Events with hostile paths (4 KB each, two items) and a long executable stay within the byte
   * bound, however many the count bound would allow: the eldest go first, each eviction counted,
   * and the newest is still found.
   */
  @Test
  void heavyEventsAreBoundedByBytesAndEveryEvictionIsCounted() {
    long budget = 256 * 1024;
    ChangeIndex heavy = new ChangeIndex(10_000 * MS, 65_536, budget);
    String exe = "/tmp/" + "e".repeat(4000);
    int added = 2000;
    AuditedChange last = null;
    for (int n = 0; n < added; n++) {
      PathBytes dir = PathBytes.ofUtf8("/w/" + "d".repeat(4000));
      PathBytes f = dir.resolve(PathBytes.ofUtf8("f" + n).toBytes());
      Actor a =
          new Actor(1001L, null, 0L, "root", 7, 1, exe, "x", List.of("a".repeat(120)), 1L, null);
      last =
          new AuditedChange(
              n,
              T0 + n * MS,
              T0 + n * MS,
              "openat",
              true,
              0,
              0,
              a,
              List.of(item(dir, 2, NameType.PARENT), item(f, 100 + n, NameType.CREATE)));
      heavy.add(last, T0 + n * MS);
      assertTrue(heavy.heldBytes() <= budget, "held " + heavy.heldBytes() + " > " + budget);
    }
    assertTrue(heavy.size() < 50, heavy.size() + " held");
    assertEquals(added, heavy.size() + heavy.evicted(), "every event held or counted as evicted");
    assertEquals(last, heavy.find(q(last.items().get(1).path(), 100 + added - 1, 7, added - 1)));
  }

  /**
   * One writer's events share one actor object (the decoder reuses it): counted once while any of
   * them is held, not per event, so a burst keeps as many events as the count bound allows; and
   * every byte counted in is counted out when they go.
   */
  @Test
  void anActorSharedByManyEventsIsCountedOnceAndAllOfItGoesWithThem() {
    ChangeIndex index = new ChangeIndex(10_000 * MS, 65_536, 4L << 20);
    Actor writer =
        new Actor(
            1001L,
            null,
            0L,
            "root",
            7,
            1,
            "/usr/bin/python3",
            "python3",
            List.of("a".repeat(2000)),
            1L,
            null);
    Actor other =
        new Actor(1002L, null, 0L, "root", 8, 1, "/usr/bin/cp", "cp", List.of("cp"), 1L, null);
    int added = 10_000;
    for (int n = 0; n < added; n++) {
      PathBytes f = PathBytes.ofUtf8("/w/dir/file-" + n);
      index.add(
          new AuditedChange(
              n,
              T0 + n,
              T0 + n,
              "openat",
              true,
              0,
              0,
              n % 2 == 0 ? writer : other, // two writers interleaved, as in a burst
              List.of(item(f, 100 + n, NameType.NORMAL))),
          T0 + n);
    }
    assertEquals(
        added, index.size(), "none evicted: 2 KB of arguments counted once, not per event");
    assertTrue(index.heldBytes() < 4L << 20);
    index.evict(T0 + 20_000 * MS); // all past the retention
    assertEquals(0, index.size());
    assertEquals(0, index.heldBytes(), "every byte counted in is counted out");
  }
}
