package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiting for an audit event that may come after the change notification: answered at once when the
 * index has it, as soon as it is added otherwise, at the deadline with the best match then, and at
 * once on close. The clock of the index is a counter the test sets; deadlines run on real time, so
 * the tests wait on futures, never sleep.
 */
class RecentChangesTest {
  static final long MS = 1_000_000L;
  static final long T0 = 1_700_000_000_000L * MS;
  static final PathBytes F = PathBytes.ofUtf8("/w/f");
  static final Duration LONG = Duration.ofSeconds(30);

  final AtomicLong now = new AtomicLong(T0);
  final RecentChanges recent = new RecentChanges(new ChangeIndex(10_000 * MS, 1000), now::get);

  @AfterEach
  void close() {
    recent.close();
  }

  static AuditedChange change(long serial, int pid, long inode) {
    return change(serial, pid, F, inode);
  }

  static AuditedChange change(long serial, int pid, PathBytes path, long inode) {
    Actor a = new Actor(1001L, null, 0L, null, pid, 1, "/usr/bin/x", "x", null, 1L, null);
    return new AuditedChange(
        serial,
        T0,
        T0,
        "openat",
        true,
        0,
        0,
        a,
        List.of(new PathItem(path, path, inode, 0xfe, 1, NameType.NORMAL)));
  }

  static ChangeQuery q(int pid) {
    return ChangeQuery.of(F, 11, pid, T0, 100 * MS);
  }

  static AuditedChange get(CompletableFuture<AuditedChange> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void answersAtOnceWhenTheIndexHasIt() throws Exception {
    AuditedChange c = change(1, 7, 11);
    recent.add(c);
    CompletableFuture<AuditedChange> f = recent.await(q(7), LONG);
    assertTrue(f.isDone());
    assertSame(c, get(f));
    assertEquals(0, recent.waiting());
  }

  @Test
  void waitsForTheEventThatArrivesLater() throws Exception {
    CompletableFuture<AuditedChange> f = recent.await(q(0), LONG);
    assertFalse(f.isDone());
    recent.add(change(1, 8, PathBytes.ofUtf8("/w/g"), 99)); // another file: not an answer
    assertFalse(f.isDone());
    AuditedChange c = change(2, 7, 11);
    recent.add(c);
    assertTrue(f.isDone(), "completed on the adding thread");
    assertSame(c, get(f));
    assertEquals(1, recent.found());
  }

  @Test
  void withAPidAnEarlierEventOfAnotherProcessDoesNotAnswer() throws Exception {
    AuditedChange setup = change(1, 8, 11); // the same file, written just before by someone else
    recent.add(setup);
    CompletableFuture<AuditedChange> f = recent.await(q(7), LONG);
    assertFalse(f.isDone(), "waits for pid 7's own event");
    AuditedChange own = change(2, 7, 11);
    recent.add(own);
    assertSame(own, get(f));
  }

  @Test
  void atTheDeadlineTheBestMatchThenEvenOfAnotherPid() throws Exception {
    AuditedChange other = change(1, 8, 11);
    recent.add(other);
    assertSame(other, get(recent.await(q(7), Duration.ofMillis(20))));
    assertNull(
        get(
            recent.await(
                ChangeQuery.of(PathBytes.ofUtf8("/w/none"), 0, 0, T0, MS), Duration.ofMillis(20))));
    assertEquals(1, recent.notFound());
    assertEquals(0, recent.waiting());
  }

  /**
   * Issue 18: waits share one timer task (scheduling one per wait woke the timer thread once per
   * change), and a later wait with a shorter bound still ends at its own bound, before the others.
   */
  @Test
  void waitsShareOneSweepAndEachEndsAtItsOwnBound() throws Exception {
    List<CompletableFuture<AuditedChange>> longOnes = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      longOnes.add(recent.await(ChangeQuery.of(null, 1000 + i, 0, T0, MS), LONG));
    }
    assertEquals(1, recent.sweepsScheduled(), "one timer task for 100 waits");
    CompletableFuture<AuditedChange> shortOne =
        recent.await(ChangeQuery.of(null, 42, 0, T0, MS), Duration.ofMillis(20));
    assertNull(get(shortOne));
    assertEquals(1, recent.timedOut(), "the short wait ended at its bound");
    assertEquals(100, recent.waiting(), "the long ones still wait");
    for (CompletableFuture<AuditedChange> f : longOnes) {
      assertFalse(f.isDone());
    }
    assertEquals(1, recent.sweepsScheduled(), "the sweep for the long ones is scheduled again");
  }

  @Test
  void zeroWaitIsAFind() throws Exception {
    CompletableFuture<AuditedChange> f = recent.await(q(0), Duration.ZERO);
    assertTrue(f.isDone());
    assertNull(get(f));
  }

  @Test
  void closeAnswersEveryWaitingQueryAndLaterOnesAtOnce() throws Exception {
    AuditedChange other = change(1, 8, 11);
    recent.add(other);
    CompletableFuture<AuditedChange> waiting = recent.await(q(7), LONG);
    CompletableFuture<AuditedChange> nothing =
        recent.await(ChangeQuery.of(null, 42, 0, T0, MS), LONG);
    recent.close();
    assertSame(other, get(waiting));
    assertNull(get(nothing));
    CompletableFuture<AuditedChange> after = recent.await(q(7), LONG);
    assertTrue(after.isDone());
    assertSame(other, get(after), "the index stays readable");
  }

  @Test
  void findEvictsByTheClock() {
    recent.add(change(1, 7, 11));
    assertEquals(1, recent.size());
    now.set(T0 + 10_001 * MS);
    assertNull(recent.find(ChangeQuery.of(F, 11, 7, T0 + 10_001 * MS, 100 * MS)));
    assertEquals(0, recent.size());
    assertEquals(1, recent.evicted());
  }

  @Test
  void aLaggingConsumerStillFindsEventsOlderThanTheRetentionByTheClock() throws Exception {
    RecentChanges r = new RecentChanges(new ChangeIndex(1_000 * MS, 1000), now::get);
    try {
      AuditedChange c = change(1, 7, 11);
      r.add(c);
      now.set(
          T0
              + 1_500
                  * MS); // the comparator gets to the change 1.5 s later: past the retention by the
      // clock
      assertSame(
          c, get(r.await(q(7), Duration.ZERO)), "kept: the query's time, not the clock, ages it");
      // the queries move past the change's time by more than the retention: now it goes
      assertNull(
          get(
              r.await(
                  ChangeQuery.of(PathBytes.ofUtf8("/w/other"), 12, 8, T0 + 1_400 * MS, 100 * MS),
                  Duration.ZERO)));
      assertNull(
          get(r.await(q(7), Duration.ZERO)), "evicted once the queries passed it by the retention");
      assertEquals(1, r.evicted());
    } finally {
      r.close();
    }
  }

  @Test
  void withoutQueriesTheClockAgesEvents() throws Exception {
    RecentChanges r = new RecentChanges(new ChangeIndex(1_000 * MS, 1000), now::get);
    try {
      r.add(change(1, 7, 11));
      now.set(T0 + 1_500 * MS);
      AuditedChange later = change(2, 8, PathBytes.ofUtf8("/w/g"), 12);
      r.add(
          new AuditedChange(
              2, now.get(), now.get(), "openat", true, 0, 0, later.actor(), later.items()));
      assertEquals(1, r.size(), "no query yet: the clock aged the first event out");
    } finally {
      r.close();
    }
  }

  static AuditedChange at(long serial, int pid, long timeNs, String syscall) {
    Actor a = new Actor(1001L, null, 0L, null, pid, 1, "/usr/bin/x", "x", null, 1L, null);
    return new AuditedChange(
        serial,
        timeNs,
        timeNs,
        syscall,
        true,
        0,
        0,
        a,
        List.of(new PathItem(F, F, 11, 0xfe, 1, NameType.NORMAL)));
  }

  /**
   * Without a pid (inotify) a match alone does not end the wait: a later writer's record may still
   * be on its way. The wait ends when the audit stream has passed the change (an event stamped at
   * or after the hand-over, of any file), with the best match then, and counts as such; a probe was
   * asked for, since the stream may be idle.
   */
  @Test
  void withoutAPidTheWaitEndsWhenTheStreamHasPassedTheChange() throws Exception {
    AtomicLong probes = new AtomicLong();
    RecentChanges r =
        new RecentChanges(new ChangeIndex(10_000 * MS, 1000), now::get, probes::incrementAndGet);
    try {
      AuditedChange cp = at(1, 7, T0, "openat");
      r.add(cp);
      CompletableFuture<AuditedChange> f = r.await(q(0), T0 + 50 * MS, LONG);
      assertFalse(f.isDone(), "cp's record alone: chmod's may still come");
      assertEquals(1, probes.get(), "an idle stream is made to move");
      AuditedChange chmod = at(2, 8, T0 + 10 * MS, "fchmodat");
      r.add(chmod);
      assertFalse(f.isDone(), "stamped before the hand-over: the stream has not passed it");
      r.progress(T0 + 49 * MS);
      assertFalse(f.isDone());
      r.progress(T0 + 50 * MS); // e.g. the probe's record came back
      assertTrue(f.isDone());
      assertEquals(List.of(cp, chmod), r.findAll(q(0), T0 - 100 * MS, T0 + 50 * MS));
      assertEquals(1, r.passed());
      assertEquals(0, r.timedOut());
    } finally {
      r.close();
    }
  }

  /**
   * With a pid (fanotify) the record of that pid ends the wait at once: it is the last writer's,
   * and the kernel queued every earlier writer's record before it. No record and an idle stream:
   * the bound ends it, counted as such.
   */
  @Test
  void withAPidItsRecordEndsTheWaitAndAnIdleStreamReachesTheBound() throws Exception {
    AtomicLong probes = new AtomicLong();
    RecentChanges r =
        new RecentChanges(new ChangeIndex(10_000 * MS, 1000), now::get, probes::incrementAndGet);
    try {
      CompletableFuture<AuditedChange> f = r.await(q(7), T0 + 50 * MS, LONG);
      r.add(at(1, 8, T0, "openat"));
      assertFalse(f.isDone(), "another pid's record, stamped before: not yet");
      AuditedChange own = at(2, 7, T0 + 1 * MS, "fchmodat");
      r.add(own);
      assertSame(own, get(f));
      assertEquals(0, r.passed());

      CompletableFuture<AuditedChange> none =
          r.await(
              ChangeQuery.of(PathBytes.ofUtf8("/w/none"), 0, 9, T0, MS),
              T0 + 60 * MS,
              Duration.ofMillis(20));
      assertNull(get(none));
      assertEquals(1, r.timedOut());
      assertEquals(2, probes.get());
    } finally {
      r.close();
    }
  }

  /** A stream already past the change answers at once, without a probe. */
  @Test
  void aStreamAlreadyPastTheChangeAnswersAtOnceWithoutAProbe() throws Exception {
    AtomicLong probes = new AtomicLong();
    RecentChanges r =
        new RecentChanges(new ChangeIndex(10_000 * MS, 1000), now::get, probes::incrementAndGet);
    try {
      r.progress(T0 + 100 * MS);
      CompletableFuture<AuditedChange> f = r.await(q(0), T0 + 50 * MS, LONG);
      assertTrue(f.isDone());
      assertNull(get(f));
      assertEquals(0, probes.get());
      assertEquals(1, r.passed());
    } finally {
      r.close();
    }
  }

  /**
   * Issue 18: a change whose writer's record the listener had not read yet when the comparator
   * asked is answered by that record, without a progress probe, when it comes within the grace (the
   * common case: the kernel queued it at the syscall's exit). Before, every such wait fired a probe
   * at once: a line to the helper shell, its audited kill, its records and a wake-up.
   */
  @Test
  void aChangeAnsweredByItsOwnRecordWithinTheGraceFiresNoProbe() throws Exception {
    AtomicLong probes = new AtomicLong();
    RecentChanges r =
        new RecentChanges(
            new ChangeIndex(10_000 * MS, 1000),
            now::get,
            probes::incrementAndGet,
            LONG.toNanos()); // a grace no scheduler delay reaches: the record surely comes in it
    try {
      CompletableFuture<AuditedChange> f =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return r.answer(q(7), T0 + 50 * MS, LONG);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitWaiting(r, 1);
      r.add(at(1, 8, T0, "openat"));
      assertFalse(f.isDone(), "another pid's record, stamped before the hand-over: not yet");
      AuditedChange own = at(2, 7, T0 + 1 * MS, "openat");
      r.add(own);
      assertSame(own, get(f));
      assertEquals(0, probes.get(), "answered by its own record: no probe");
      assertEquals(0, r.passed());
      assertEquals(0, r.timedOut());
    } finally {
      r.close();
    }
  }

  /**
   * A change whose writer's record never comes (no audited syscall made it) still ends as before:
   * after the grace the probe fires, its record shows the stream has passed the change, and the
   * wait ends as "passed" (the same fallback reason), not at the bound.
   */
  @Test
  void aRecordThatNeverComesIsProbedAfterTheGraceAndEndsAsTheStreamPassed() throws Exception {
    AtomicLong probes = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<RecentChanges> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    RecentChanges r =
        new RecentChanges(
            new ChangeIndex(10_000 * MS, 1000),
            now::get,
            () -> {
              probes.incrementAndGet();
              self.get().progress(T0 + 50 * MS); // the probe's record comes back
            },
            MS);
    self.set(r);
    try {
      AuditedChange other = at(1, 8, T0, "openat");
      r.add(other);
      // the stream passed without pid 7's record: the best match then, as without the grace
      assertSame(other, r.answer(ChangeQuery.of(F, 11, 7, T0, 100 * MS), T0 + 50 * MS, LONG));
      assertEquals(1, probes.get(), "the grace over, one probe");
      assertEquals(1, r.passed());
      assertEquals(0, r.timedOut());

      // a kernel that refused the probe's rule: no record ever moves the stream, the bound ends it
      RecentChanges mute =
          new RecentChanges(
              new ChangeIndex(10_000 * MS, 1000), now::get, probes::incrementAndGet, MS);
      try {
        assertNull(mute.answer(q(9), T0 + 60 * MS, Duration.ofMillis(20)));
        assertEquals(1, mute.timedOut());
        assertEquals(0, mute.passed());
        assertEquals(2, probes.get());
      } finally {
        mute.close();
      }
    } finally {
      r.close();
    }
  }

  /**
   * Without a pid (inotify, or several writers merged into the change) no record of its own is
   * expected: the probe fires at once, as before the grace.
   */
  @Test
  void withoutAPidTheProbeFiresAtOnce() throws Exception {
    AtomicLong probes = new AtomicLong();
    RecentChanges r =
        new RecentChanges(
            new ChangeIndex(10_000 * MS, 1000),
            now::get,
            probes::incrementAndGet,
            TimeUnit.MINUTES.toNanos(5)); // a deferred probe would come long after the poll gave up
    try {
      CompletableFuture<AuditedChange> f =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return r.answer(q(0), T0 + 50 * MS, Duration.ofMinutes(5));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (probes.get() == 0 && System.nanoTime() - deadline < 0) {
        Thread.sleep(1); // polling with a deadline
      }
      assertEquals(1, probes.get(), "fired with the wait, not after a grace");
      assertFalse(f.isDone());
      r.progress(T0 + 50 * MS);
      assertNull(get(f));
      assertEquals(1, r.passed());
    } finally {
      r.close();
    }
  }

  /** Polls (with a deadline) until {@code n} queries wait. */
  static void awaitWaiting(RecentChanges r, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (r.waiting() != n) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waiting " + r.waiting() + ", expected " + n);
      }
      Thread.sleep(1); // polling with a deadline, not synchronisation by time
    }
  }
}
