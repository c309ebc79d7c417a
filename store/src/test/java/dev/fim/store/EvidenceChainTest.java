package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.SealKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EvidenceChain} with real RocksDB: every way fim writes evidence (appends in and out of
 * time order, approvals written again, coverage heartbeats rewriting an interval, a second process
 * taking up the chain, a database from before the chain) keeps it verifiable, and a change made
 * behind its back (here with fim's own store but no chain attached, as a program without the key
 * would) is found and named.
 */
class EvidenceChainTest {
  @TempDir Path tmp;

  private EvidenceKey key() throws Exception {
    return EvidenceKey.of(SealKey.loadOrCreate(tmp.resolve("seal.key")));
  }

  private static ChangeEvent event(long t, String path, String oldPath) {
    return new ChangeEvent(
        t,
        0,
        Action.UPDATED,
        PathBytes.ofUtf8(path),
        oldPath == null ? null : PathBytes.ofUtf8(oldPath),
        null,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.NONE,
        "test");
  }

  private static Approval approval(String note) {
    return new Approval(99, 1001, "alice", 0, "root", note);
  }

  @Test
  void everyWayFimWritesEvidenceStaysVerified() throws Exception {
    Path db = tmp.resolve("db");
    EvidenceKey key = key();
    List<String> digests = new ArrayList<>();
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EvidenceChain.Head start =
          EvidenceChain.attach(s, key, (st, h) -> digests.add(h.digest()), null);
      assertEquals(0, start.sequence());
      assertEquals(0, start.adopted());
      EventLog log = new EventLog(s);
      List<ChangeEvent> first =
          log.append(
              List.of(
                  event(500, "/a", null),
                  event(100, "/b", "/b"), // same name twice
                  event(300, "/c", "/d")));
      log.append(
          List.of(event(50, "/e", null))); // earlier than what is there: not an append in key order
      Approvals approvals = new Approvals(s);
      approvals.approve(first.subList(0, 2), approval("CHG-1"));
      approvals.approve(
          first.subList(1, 3), approval("CHG-2")); // one of them again: replaced, not added
      WatchCoverage.Run run =
          WatchCoverage.begin(
              s, 1_000, "h", "fanotify", Attribution.AUDIT, List.of(PathBytes.ofUtf8("/")));
      run.heartbeat(2_000);
      run.heartbeat(3_000);
      run.end(4_000);
      EvidenceChain.Verification v = EvidenceChain.verify(s, key);
      assertTrue(v.verified(), v.problem());
      assertEquals(4, v.head().counts()[EvidenceChain.Kind.EVENTS.ordinal()]);
      assertEquals(
          5, v.head().counts()[EvidenceChain.Kind.INDEX.ordinal()], "/b once, /c and /d, /a, /e");
      assertEquals(3, v.head().counts()[EvidenceChain.Kind.APPROVALS.ordinal()]);
      assertEquals(1, v.head().counts()[EvidenceChain.Kind.COVERAGE.ordinal()]);
      assertEquals(
          digests.get(digests.size() - 1),
          v.head().digest(),
          "the listener heard of the newest head");
      assertEquals(
          8,
          v.head().sequence(),
          "one link per batch: 2 appends, 2 approvals, begin, 2 beats, end");
    }
    // Another process (a check that borrowed the database) takes up the chain where it is.
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      EvidenceChain.attach(s, key, null, null);
      new EventLog(s).append(List.of(event(700, "/f", null)));
    }
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      EvidenceChain.Verification v = EvidenceChain.verify(s, key);
      assertTrue(v.verified(), v.problem());
      assertEquals(9, v.head().sequence());
    }
  }

  /**
   * Verification cuts events and approvals at the middle of their time span and tags the two ranges
   * on two threads: the record whose key starts exactly at the cut, and those on either side of it,
   * are each counted once, and an edit or a deletion on either side is found.
   */
  @Test
  void everyRecordIsVerifiedOnceOnEitherSideOfTheCut() throws Exception {
    Path db = tmp.resolve("db");
    EvidenceKey key = key();
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EvidenceChain.attach(s, key, null, null);
      // first 100, last 300: the cut is at time 200, which the second event's key starts with
      List<ChangeEvent> es =
          new EventLog(s)
              .append(
                  List.of(
                      event(100, "/lo", null), event(200, "/cut", null), event(300, "/hi", null)));
      new Approvals(s).approve(es, approval("CHG-1"));
      EvidenceChain.Verification v = EvidenceChain.verify(s, key);
      assertTrue(v.verified(), v.problem());
      assertEquals(3, v.head().counts()[EvidenceChain.Kind.EVENTS.ordinal()]);
      assertEquals(3, v.head().counts()[EvidenceChain.Kind.APPROVALS.ordinal()]);
      EvidenceChain.detach(s);
      for (ChangeEvent e : es) {
        byte[] k = EventLog.eventKey(e.timeNs(), e.sequence());
        byte[] was = s.db().get(s.handle(Column.EVENTS), k);
        byte[] edited = was.clone();
        edited[edited.length - 1] ^= 1; // one bit of its last byte
        s.db().put(s.handle(Column.EVENTS), k, edited);
        v = EvidenceChain.verify(s, key);
        assertFalse(v.verified(), e.path().display());
        assertEquals(
            "evidence chain of "
                + db
                + " does not verify: the events were edited, replaced or reordered outside fim"
                + " (3 as sealed, but not the same)",
            v.problem(),
            e.path().display());
        s.db().delete(s.handle(Column.EVENTS), k);
        v = EvidenceChain.verify(s, key);
        assertEquals(
            "evidence chain of "
                + db
                + " does not verify: 1 of the 3 sealed events are missing (deleted outside fim)",
            v.problem(),
            e.path().display());
        s.db().put(s.handle(Column.EVENTS), k, was);
        assertTrue(EvidenceChain.verify(s, key).verified(), e.path().display());
      }
    }
  }

  @Test
  void changesBehindTheChainsBackAreNamed() throws Exception {
    Path db = tmp.resolve("db");
    EvidenceKey key = key();
    byte[] coverageKey;
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EvidenceChain.attach(s, key, null, null);
      new EventLog(s).append(List.of(event(500, "/a", null)));
      WatchCoverage.Run run =
          WatchCoverage.begin(
              s, 1_000, "h", "fanotify", Attribution.AUDIT, List.of(PathBytes.ofUtf8("/")));
      run.end(9_000);
      EvidenceChain.detach(s);
      // Written without the chain, as any program without the key writes: a watch run that never
      // was...
      WatchCoverage.begin(
              s, 20_000, "h", "fanotify", Attribution.AUDIT, List.of(PathBytes.ofUtf8("/")))
          .end(90_000);
      EvidenceChain.Verification v = EvidenceChain.verify(s, key);
      assertFalse(v.verified());
      assertEquals(
          "evidence chain of "
              + db
              + " does not verify: 1 watch coverage intervals are not sealed (2 found,"
              + " 1 sealed: added outside fim, or the head was replaced by an older one)",
          v.problem());
      s.clear(Column.META); // ...and then the head gone with all of meta
      v = EvidenceChain.verify(s, key);
      assertFalse(v.verified());
      assertNull(v.head());
      assertTrue(
          v.problem()
              .contains(
                  "holds 2 records of evidence (1 events, 1 events_by_path index entries) but"
                      + " no evidence chain head"),
          v.problem());
    }
  }

  @Test
  void aDatabaseFromBeforeTheChainIsAdoptedOnceAndSaysSo() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new EventLog(s).append(List.of(event(500, "/a", null), event(600, "/b", null)));
    }
    EvidenceKey key = key();
    List<String> notices = new ArrayList<>();
    String digest;
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      assertFalse(EvidenceChain.verify(s, key).verified(), "no head yet: not verified");
      EvidenceChain.Head h = EvidenceChain.attach(s, key, null, notices::add);
      assertEquals(4, h.adopted());
      assertEquals(3, h.firstEvent());
      assertEquals(1, notices.size());
      assertTrue(
          notices
              .get(0)
              .contains(
                  "the 4 records already there (2 events, 2 events_by_path index entries,"
                      + " written by an older fim) are sealed as they are now, not as they were recorded; events from 3 on"),
          notices.get(0));
      digest = h.digest();
    }
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      List<String> again = new ArrayList<>();
      EvidenceChain.Head h = EvidenceChain.attach(s, key, null, again::add);
      assertEquals(List.of(), again, "adopted once");
      assertEquals(digest, h.digest());
      assertTrue(EvidenceChain.verify(s, key).verified());
    }
  }

  @Test
  void anotherKeyCannotAttachNorVerify() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EvidenceChain.attach(s, key(), null, null);
      new EventLog(s).append(List.of(event(500, "/a", null)));
    }
    java.nio.file.Files.write(tmp.resolve("other.key"), new byte[32]);
    // a key group or others may read is refused since the seal work (SealKey): this one is private
    // too
    java.nio.file.Files.setPosixFilePermissions(
        tmp.resolve("other.key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    EvidenceKey other = EvidenceKey.of(SealKey.load(tmp.resolve("other.key")));
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      SealException e =
          assertThrows(SealException.class, () -> EvidenceChain.attach(s, other, null, null));
      assertTrue(
          e.getMessage().contains(tmp.resolve("other.key") + " is not the key that sealed it"),
          e.getMessage());
      EvidenceChain.Verification v = EvidenceChain.verify(s, other);
      assertFalse(v.verified());
      assertNotEquals(null, v.problem());
    }
  }

  @Test
  void aWriterAuthenticatesTheStoredHeadAgainOnlyWhenItIsNotTheOneItWrote() throws Exception {
    Path db = tmp.resolve("db");
    EvidenceKey key = key();
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EvidenceChain.attach(s, key, null, null);
      EvidenceChain chain = EvidenceChain.of(s);
      EventLog log = new EventLog(s);
      log.append(List.of(event(500, "/a", null)));
      long afterFirst = chain.headsAuthenticated();
      byte[] older = s.getMeta(EvidenceChain.META_HEAD);
      for (int i = 0; i < 5; i++) {
        log.append(List.of(event(600 + i, "/b" + i, null)));
      }
      // The head each batch found was byte for byte the one the previous batch wrote.
      assertEquals(afterFirst, chain.headsAuthenticated());
      assertTrue(EvidenceChain.verify(s, key).verified());

      // Edited behind the writer's back (one bit of an encrypted aggregate): authenticated in
      // full, and refused.
      byte[] edited = s.getMeta(EvidenceChain.META_HEAD).clone();
      edited[70] ^= 1;
      s.putMeta(EvidenceChain.META_HEAD, edited);
      StoreException refused =
          assertThrows(StoreException.class, () -> log.append(List.of(event(700, "/c", null))));
      assertTrue(refused.getMessage().contains("is not authentic"), refused.getMessage());
      assertEquals(afterFirst + 1, chain.headsAuthenticated());

      // An older authentic head put back (a rollback of the head alone): authenticated in full
      // like any head the writer did not write; the writer goes on from it, and the reader names
      // the records its aggregates do not hold, as before.
      s.putMeta(EvidenceChain.META_HEAD, older);
      log.append(List.of(event(800, "/d", null)));
      assertEquals(afterFirst + 2, chain.headsAuthenticated());
      assertFalse(EvidenceChain.verify(s, key).verified());
    }
  }
}
