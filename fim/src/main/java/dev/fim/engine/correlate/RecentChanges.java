package dev.fim.engine.correlate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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

  RecentChanges(ChangeIndex index, LongSupplier clockNs) {
    this.index = index;
    this.clockNs = clockNs;
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
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (ChangeIndex.matches(w.query, c) && ofPid(w.query, c)) {
          it.remove();
          w.result = index.find(w.query);
          answered.add(w);
        }
      }
    }
    for (Waiter w : answered) {
      w.finish();
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
   * Completes at once with a match of the query's pid (any match when it gave none); otherwise when
   * one is added, or after {@code maxWait} with the best match then, or null. After {@link
   * #close()}: at once.
   */
  CompletableFuture<AuditedChange> await(ChangeQuery q, Duration maxWait) {
    Objects.requireNonNull(q, "query");
    Waiter w = new Waiter(q);
    synchronized (lock) {
      queried(q);
      index.evict(evictionNowNs());
      AuditedChange c = index.find(q);
      if (closed || maxWait.isZero() || (c != null && ofPid(q, c))) {
        w.result = c;
      } else {
        waiters.add(w);
        w.timeout = timer.schedule(() -> expire(w), maxWait.toNanos(), TimeUnit.NANOSECONDS);
        return w.future;
      }
    }
    w.finish();
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

  private void expire(Waiter w) {
    synchronized (lock) {
      if (!waiters.remove(w)) {
        return; // answered meanwhile
      }
      w.result = index.find(w.query);
    }
    w.finish();
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
    final CompletableFuture<AuditedChange> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout;
    AuditedChange result;

    Waiter(ChangeQuery query) {
      this.query = query;
    }

    void finish() {
      if (timeout != null) {
        timeout.cancel(false);
      }
      (result == null ? notFound : found).incrementAndGet();
      future.complete(result);
    }
  }
}
