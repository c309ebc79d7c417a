package dev.fim.engine.correlate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The query side of the attributor: the {@link ChangeIndex} behind one lock, and the queries
 * waiting for their audit event ({@link #await}), each answered when a matching event is added or,
 * at its deadline, with the best match then. Deadlines run on one daemon thread, {@code
 * fim-audit-await}.
 *
 * <p>Thread-safe: the listener's thread adds, any thread queries. A future completes outside the
 * lock, on the thread that added the answering event or on the timer thread.
 */
final class RecentChanges {
  private final Object lock = new Object();
  private final ChangeIndex index;
  private final LongSupplier clockNs;
  private final List<Waiter> waiters = new ArrayList<>();

  /** When the next sweep of the waits' bounds is due ({@link System#nanoTime()}), or MAX_VALUE. */
  private long sweepAtNs = Long.MAX_VALUE;

  /** Numbers the sweeps scheduled; only the latest acts (guarded by the lock). */
  private long sweepGeneration;

  private java.util.concurrent.ScheduledFuture<?> sweepTask;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicLong found = new AtomicLong();
  private final AtomicLong notFound = new AtomicLong();
  private boolean closed;

  /**
   * The latest change time a query asked about, and the clock when it asked (see {@link
   * #evictionNowNs}).
   */
  private long queriedTimeNs = Long.MIN_VALUE;

  private long queriedAtNs;

  /**
   * How far the audit stream has come: the latest time of any audit event received (fim's or not),
   * or the issue time of a progress probe whose record came back. The kernel queues an event's
   * records at syscall exit, in order, so once the stream has passed a change's time, the records
   * of the syscalls that made it are in (see {@link #await}).
   */
  private long streamNs = Long.MIN_VALUE;

  /** Called (outside the lock) when a query waits for the stream: provoke a record. */
  private final Runnable probe;

  /**
   * How long {@link #answer} lets a query with a pid wait for that pid's own record before it fires
   * the probe. The record usually follows within this (it was queued at the syscall's exit, and the
   * listener had not read it yet when the comparator asked), so most changes end by their own
   * record without a probe; one whose record never comes waits this much longer, still within its
   * bound.
   */
  private final long probeGraceNs;

  private final AtomicLong passed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  RecentChanges(ChangeIndex index, LongSupplier clockNs) {
    this(index, clockNs, () -> {});
  }

  RecentChanges(ChangeIndex index, LongSupplier clockNs, Runnable probe) {
    this(index, clockNs, probe, PROBE_GRACE_NS);
  }

  /**
   * The grace a change's own record gets before a probe. Measured on the paced bench (fanotify,
   * steady state, load 5-13, docs/performance.md "Issue 18, session 10: the probe's grace"): of the
   * changes whose record was not in yet when the comparator asked (71 %), 89 % had it within 250
   * µs, 95 % within 1 ms, 96 % within 1.5 ms; the rest came 2-20 ms late (the listener not
   * scheduled), where a probe would not have come sooner: its record queues behind theirs.
   */
  static final long PROBE_GRACE_NS = 1_500_000L;

  RecentChanges(ChangeIndex index, LongSupplier clockNs, Runnable probe, long probeGraceNs) {
    if (probeGraceNs < 0) {
      throw new IllegalArgumentException("probeGraceNs " + probeGraceNs + " must not be negative");
    }
    this.index = index;
    this.clockNs = clockNs;
    this.probe = probe;
    this.probeGraceNs = probeGraceNs;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "fim-audit-await");
              t.setDaemon(true);
              return t;
            });
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Indexes a change and answers the waiting queries it matches (of their pid, when they gave one).
   */
  void add(AuditedChange c) {
    List<Waiter> answered = new ArrayList<>();
    synchronized (lock) {
      index.add(c, evictionNowNs());
      streamNs = Math.max(streamNs, c.timeNs());
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        boolean ofItsPid =
            (w.anyMatch || w.query.pid() != 0)
                && ChangeIndex.matches(w.query, c)
                && ofPid(w.query, c);
        if (ofItsPid || streamNs >= w.passNs) {
          it.remove();
          w.result = index.find(w.query);
          w.streamPassed = !ofItsPid;
          answered.add(w);
        }
      }
    }
    for (Waiter w : answered) {
      w.finish();
    }
  }

  /**
   * The audit stream has come as far as {@code timeNs} (an event that is not fim's, a probe's
   * record): answers the waiting queries it has passed with the best match, or null.
   */
  void progress(long timeNs) {
    List<Waiter> answered = new ArrayList<>();
    synchronized (lock) {
      if (timeNs <= streamNs) {
        return;
      }
      streamNs = timeNs;
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (streamNs >= w.passNs) {
          it.remove();
          w.result = index.find(w.query);
          w.streamPassed = true;
          answered.add(w);
        }
      }
    }
    for (Waiter w : answered) {
      w.finish();
    }
  }

  /**
   * Every successful audited syscall on the query's object (path or inode, not as the parent) whose
   * time lies in [{@code fromNs}, {@code toNs}], in the order they were received (the kernel's
   * order). The writers of one change ({@code fim.writers}).
   */
  List<AuditedChange> findAll(ChangeQuery q, long fromNs, long toNs) {
    synchronized (lock) {
      return index.findAll(q, fromNs, toNs);
    }
  }

  /** The best match now, or null. */
  AuditedChange find(ChangeQuery q) {
    AuditedChange c;
    synchronized (lock) {
      queried(q);
      index.evict(evictionNowNs());
      c = index.find(q);
    }
    (c == null ? notFound : found).incrementAndGet();
    return c;
  }

  /**
   * As {@link #await(ChangeQuery, long, Duration)} with the stream already passed: a match (of the
   * query's pid when it gave one) at once, else the first one added, or the best after {@code
   * maxWait}.
   */
  CompletableFuture<AuditedChange> await(ChangeQuery q, Duration maxWait) {
    return await(q, Long.MAX_VALUE, maxWait, true, false);
  }

  /**
   * Waits until the records of the syscalls behind a change are in, then answers with the best
   * match, or null. In: a match of the query's pid (the notification named the last writer, whose
   * record comes after every earlier writer's), or the audit stream has passed {@code passNs} (an
   * audit event stamped at or after it was received: the kernel emits records in order, so whatever
   * was emitted before is in). On an idle stream the probe provokes such an event. Bounded by
   * {@code maxWait}: then the best match, or null. After {@link #close()}: at once.
   */
  CompletableFuture<AuditedChange> await(ChangeQuery q, long passNs, Duration maxWait) {
    return await(q, passNs, maxWait, false, true);
  }

  /**
   * As {@link #await(ChangeQuery, long, Duration)}, waiting on the caller's thread, and for a query
   * with a pid (its own record is expected) the probe fires only when that record has not come
   * within the grace: the caller's timed wait is the grace's timer, so a change answered by its
   * record costs no probe and no other thread's wake-up. A query without a pid probes at once, as
   * before. The bound and the reasons a wait ends are those of {@code await}.
   */
  AuditedChange answer(ChangeQuery q, long passNs, Duration maxWait)
      throws InterruptedException, ExecutionException {
    boolean deferred = q.pid() != 0 && probeGraceNs > 0;
    CompletableFuture<AuditedChange> f = await(q, passNs, maxWait, false, !deferred);
    if (deferred && !f.isDone()) {
      try {
        return f.get(probeGraceNs, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        probe.run(); // the record is late or never comes: make the stream move past the change
      }
    }
    return f.get();
  }

  private CompletableFuture<AuditedChange> await(
      ChangeQuery q, long passNs, Duration maxWait, boolean anyMatch, boolean probeNow) {
    Objects.requireNonNull(q, "query");
    Waiter w = new Waiter(q, anyMatch ? Long.MAX_VALUE : passNs, anyMatch);
    boolean waiting = false;
    synchronized (lock) {
      queried(q);
      index.evict(evictionNowNs());
      AuditedChange c = index.find(q);
      boolean ofItsPid = c != null && (anyMatch ? ofPid(q, c) : q.pid() != 0 && ofPid(q, c));
      if (closed || maxWait.isZero() || ofItsPid || streamNs >= w.passNs) {
        w.result = c;
        w.streamPassed = !ofItsPid && streamNs >= w.passNs;
      } else {
        w.deadlineNs = System.nanoTime() + maxWait.toNanos();
        waiters.add(w);
        // One sweep for all waits, not a timer per wait: the bounds follow the changes' order, so a
        // new wait's bound is almost always later than the sweep already due, and scheduling
        // (which wakes the timer thread) happens about once per bound, not once per change.
        if (w.deadlineNs < sweepAtNs) {
          scheduleSweep(w.deadlineNs, maxWait.toNanos());
        }
        waiting = true;
      }
    }
    if (!waiting) {
      w.finish();
    } else if (!anyMatch && probeNow) {
      probe.run(); // outside the lock: its record comes back on the listener's thread
    }
    return w.future;
  }

  private void queried(ChangeQuery q) {
    if (q.timeNs() >= queriedTimeNs) {
      queriedTimeNs = q.timeNs();
      queriedAtNs = clockNs.getAsLong();
    }
  }

  /**
   * The "now" the index's retention is measured from: the clock, unless the queries lag behind it.
   * A watcher whose comparator is seconds behind (a burst on a busy host) still asks about changes
   * made seconds ago; their audit events must not age out before it gets there. So while queries
   * come (one within the retention), an event is kept until the queries have passed its time by the
   * retention. The count bound still caps the index.
   */
  private long evictionNowNs() {
    long now = clockNs.getAsLong();
    if (queriedTimeNs == Long.MIN_VALUE || now - queriedAtNs > index.retentionNs()) {
      return now;
    }
    return Math.min(now, queriedTimeNs);
  }

  /**
   * On the timer: ends the waits whose bound has come (the best match then), and schedules the next
   * sweep for the earliest bound left.
   */
  private void sweep(long generation) {
    List<Waiter> expired = new ArrayList<>();
    synchronized (lock) {
      if (generation != sweepGeneration) {
        return; // replaced by an earlier one: only the latest sweep scheduled reschedules
      }
      long now = System.nanoTime();
      long next = Long.MAX_VALUE;
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.deadlineNs - now <= 0) {
          it.remove();
          w.result = index.find(w.query);
          w.bounded = true;
          expired.add(w);
        } else {
          next = Math.min(next, w.deadlineNs);
        }
      }
      sweepAtNs = Long.MAX_VALUE;
      sweepTask = null; // this one, running
      if (next != Long.MAX_VALUE && !closed) {
        scheduleSweep(next, next - now);
      }
    }
    for (Waiter w : expired) {
      w.finish();
    }
  }

  /** Under the lock: the one sweep due at {@code atNs}, in {@code delayNs}. */
  private void scheduleSweep(long atNs, long delayNs) {
    long generation = ++sweepGeneration;
    sweepAtNs = atNs;
    if (sweepTask != null) {
      sweepTask.cancel(false); // a later one, replaced (and off the queue: remove-on-cancel)
    }
    sweepTask = timer.schedule(() -> sweep(generation), Math.max(delayNs, 1), TimeUnit.NANOSECONDS);
  }

  /** Sweeps scheduled on the timer and not yet run (tests: one for many waits). */
  int sweepsScheduled() {
    return timer.getQueue().size();
  }

  /** Queries answered because the stream passed their change without a record of their pid. */
  long passed() {
    return passed.get();
  }

  /** Queries answered because their wait reached its bound. */
  long timedOut() {
    return timedOut.get();
  }

  private static boolean ofPid(ChangeQuery q, AuditedChange c) {
    return q.pid() == 0 || Objects.equals(c.actor().pid(), q.pid());
  }

  /**
   * Stops the timer and answers every waiting query with what the index holds. The index stays
   * readable.
   */
  void close() {
    List<Waiter> pending;
    synchronized (lock) {
      closed = true;
      timer.shutdownNow(); // under the lock: an await either scheduled before, or sees closed
      pending = new ArrayList<>(waiters);
      waiters.clear();
      for (Waiter w : pending) {
        w.result = index.find(w.query);
      }
    }
    for (Waiter w : pending) {
      w.finish();
    }
  }

  int size() {
    synchronized (lock) {
      return index.size();
    }
  }

  long evicted() {
    synchronized (lock) {
      return index.evicted();
    }
  }

  int waiting() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  long found() {
    return found.get();
  }

  long notFound() {
    return notFound.get();
  }

  /** The changes held now, oldest first. */
  List<AuditedChange> held() {
    synchronized (lock) {
      return index.snapshot();
    }
  }

  /**
   * A pending {@link #await}. Its result is set under the lock, and the future completed outside
   * it.
   */
  private final class Waiter {
    final ChangeQuery query;
    final long passNs;
    final CompletableFuture<AuditedChange> future = new CompletableFuture<>();

    /** When the wait reaches its bound ({@link System#nanoTime()}); guarded by the lock. */
    long deadlineNs;

    AuditedChange result;
    final boolean anyMatch;
    boolean streamPassed;
    boolean bounded;

    Waiter(ChangeQuery query, long passNs, boolean anyMatch) {
      this.query = query;
      this.passNs = passNs;
      this.anyMatch = anyMatch;
    }

    void finish() {
      (result == null ? notFound : found).incrementAndGet();
      if (streamPassed) {
        passed.incrementAndGet();
      }
      if (bounded) {
        timedOut.incrementAndGet();
      }
      future.complete(result);
    }
  }
}
