package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import dev.fim.store.DeliveryCursors;
import dev.fim.store.EventLog;
import dev.fim.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An output that never holds up the watch and never loses an event: events are recorded in the
 * store before they reach a sink, so the store is the source of truth and this sink only has to
 * know how far its {@link Destination} got.
 *
 * <ul>
 *   <li>{@link #emit} only queues (a bounded queue per output); when the queue is full, because the
 *       destination is slow or stalled (a syslog daemon that does not read, a full disk), the event
 *       is not queued and the output is marked behind: the watch goes on at full speed.
 *   <li>The output's own thread sends what is queued; when it finds a gap in the sequence (events
 *       that were not queued) or is marked behind, it reads the missed events from the store
 *       ({@link EventLog#forSequences}, in chunks) and sends them first, in sequence order.
 *   <li>The last delivered sequence is kept in the store ({@link DeliveryCursors}, about once a
 *       second and at the end): the next run starts from it and sends what the output missed while
 *       fim was not running, or what another fim command recorded meanwhile ({@code fim check}). An
 *       output without a cursor yet starts with the events recorded from now on.
 *   <li>A failed send is retried (with a growing pause, up to 2 s) until it succeeds; {@link
 *       #close} waits for the output to catch up with the store for at most its grace period, then
 *       gives up and says how many events wait for the next run.
 * </ul>
 *
 * Delivery is at least once: after a crash (not an orderly stop), up to a second of events may be
 * sent again.
 */
public final class ResumingSink implements EventSink {
  /**
   * Sequences read from the store per catch-up step: one pass over the history's keys each (a table
   * of 512 KiB while it runs).
   */
  static final int CHUNK = 65536;

  private static final long PERSIST_NS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_BACKOFF_MS = 2000;

  private final Destination dest;
  private final ArrayBlockingQueue<ChangeEvent> queue;
  private final long graceNs;
  private final Consumer<String> status;
  private final AtomicLong behindUpTo = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private final int chunk;

  // Replaced when a reload's new watcher starts this output again (its own database lender).
  private volatile StoreAccess access;
  private volatile long delivered;
  private long persisted = -1;
  private long lastPersistNs;
  private long sent;
  private boolean failing;
  private volatile boolean closing;
  private volatile boolean abandon;
  private volatile boolean closed;

  /** Thrown on the output's thread when {@link #close} gave up waiting. */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super(null, null, false, false);
    }
  }

  /**
   * @param capacity the most events queued for {@code dest}
   * @param graceNs how long {@link #close} waits for undelivered events
   * @param status where notes go (a failing or recovered output, what was left undelivered)
   */
  public ResumingSink(Destination dest, int capacity, long graceNs, Consumer<String> status) {
    this(dest, capacity, graceNs, status, CHUNK);
  }

  /** As the public constructor, with {@code chunk} sequences per catch-up step (tests). */
  ResumingSink(Destination dest, int capacity, long graceNs, Consumer<String> status, int chunk) {
    this.chunk = chunk;
    this.dest = dest;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.graceNs = graceNs;
    this.status = status;
    this.thread = new Thread(this::run, "fim-output-" + dest.name());
    thread.setDaemon(true);
  }

  /** The output's name ({@link Destination#name}). */
  public String name() {
    return dest.name();
  }

  /** The destination (for SIGHUP's reopen). */
  public Destination destination() {
    return dest;
  }

  @Override
  public void start(StoreAccess store) throws StoreException {
    if (access != null) {
      // fim watch's SIGHUP reload: the output outlives the watcher it was started by; its thread
      // and cursor go on, reaching the database through the new watcher's lender.
      access = store;
      return;
    }
    this.access = store;
    boolean ran =
        store.run(
            s -> {
              long head = new EventLog(s).storedHead();
              long cursor = DeliveryCursors.get(s, dest.name());
              if (cursor < 0 || cursor > head) {
                // New output (or a database whose history restarted): from now on.
                cursor = head;
                DeliveryCursors.put(s, dest.name(), cursor);
              }
              delivered = cursor;
              persisted = cursor;
              behindUpTo.set(head);
            });
    if (!ran) {
      throw new IllegalStateException("the database is not open: output " + dest.name());
    }
    thread.start();
  }

  @Override
  public void emit(ChangeEvent e) {
    if (!queue.offer(e)) {
      behindUpTo.accumulateAndGet(e.sequence(), Math::max);
      dropped.incrementAndGet();
    }
  }

  /** The output's thread flushes whenever its queue runs empty. */
  @Override
  public void flush() {}

  /** Events not queued because the queue was full (read back from the store instead). */
  public long deferred() {
    return dropped.get();
  }

  /** Events sent by this run. */
  public long sent() {
    return sent;
  }

  /** The last sequence delivered. */
  public long delivered() {
    return delivered;
  }

  private void run() {
    try {
      while (true) {
        ChangeEvent e = queue.poll(100, TimeUnit.MILLISECONDS);
        if (e != null) {
          if (e.sequence() > delivered) {
            if (e.sequence() > delivered + 1) {
              catchUp(e.sequence() - 1);
            }
            deliver(e);
          }
          if (queue.isEmpty()) {
            flushDestination();
          }
        } else if (behindUpTo.get() > delivered) {
          catchUp(behindUpTo.get());
          flushDestination();
        } else if (closing) {
          break;
        }
        persistIfDue(false);
      }
    } catch (Abandoned | InterruptedException stop) {
      // close() gave up: the cursor keeps what was delivered
    } catch (RuntimeException | StoreException | Error t) {
      status.accept(
          "output "
              + dest.name()
              + " stopped: "
              + t
              + "; what it did not deliver is sent by the next start");
    }
  }

  /** Sends the stored events with sequences after {@code delivered} up to {@code upTo}. */
  private void catchUp(long upTo) throws StoreException, InterruptedException {
    while (delivered < upTo) {
      long[] range = {delivered, 0};
      List<ChangeEvent> missed = new ArrayList<>();
      boolean ran =
          access.run(
              s -> {
                // A fim check that borrowed the database may have delivered to this output (same
                // name) and moved its cursor past ours: those events are not sent twice.
                long stored = DeliveryCursors.get(s, dest.name());
                range[0] = Math.max(range[0], Math.min(stored, upTo));
                range[1] = Math.min(upTo, range[0] + chunk);
                new EventLog(s).forSequences(range[0], range[1], missed::add);
              });
      if (!ran) {
        pause(100); // lent to a fim check: wait for it to come back
        continue;
      }
      long through = range[1];
      delivered = range[0];
      for (ChangeEvent m : missed) {
        deliver(m);
      }
      // Every event up to upTo was in the store before it was asked for: the rest do not exist.
      delivered = through;
      persistIfDue(false);
    }
  }

  private void deliver(ChangeEvent e) throws InterruptedException {
    long backoff = 50;
    while (true) {
      try {
        dest.send(e);
        delivered = e.sequence();
        sent++;
        if (failing) {
          failing = false;
          status.accept("output " + dest.name() + ": delivering again");
        }
        return;
      } catch (java.io.IOException | RuntimeException ex) {
        if (!failing) {
          failing = true;
          status.accept(
              "output "
                  + dest.name()
                  + ": "
                  + ex.getMessage()
                  + "; retrying (undelivered events wait in the database)");
        }
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private void flushDestination() throws InterruptedException {
    long backoff = 50;
    while (true) {
      try {
        dest.flush();
        return;
      } catch (java.io.IOException | RuntimeException ex) {
        if (!failing) {
          failing = true;
          status.accept("output " + dest.name() + ": " + ex.getMessage() + "; retrying");
        }
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private void pause(long ms) throws InterruptedException {
    if (abandon) {
      throw new Abandoned();
    }
    Thread.sleep(ms); // a retry's pause; close() interrupts it
    if (abandon) {
      throw new Abandoned();
    }
  }

  private void persistIfDue(boolean now) {
    long t = System.nanoTime();
    if (delivered == persisted || (!now && t - lastPersistNs < PERSIST_NS)) {
      return;
    }
    lastPersistNs = t;
    long d = delivered;
    try {
      if (access.run(s -> DeliveryCursors.put(s, dest.name(), d))) {
        persisted = d;
      }
    } catch (StoreException e) {
      status.accept("output " + dest.name() + ": cannot keep its cursor: " + e.getMessage());
    }
  }

  /**
   * Delivers what is queued and what the store holds beyond it (events another fim command
   * recorded, such as this check's findings), waiting at most the grace period; keeps the cursor
   * and closes the destination.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (access == null) {
      closeDestination();
      return;
    }
    long head = -1;
    try {
      long[] h = {-1};
      if (access.run(s -> h[0] = new EventLog(s).storedHead())) {
        head = h[0];
        behindUpTo.accumulateAndGet(head, Math::max);
      }
    } catch (StoreException e) {
      status.accept("output " + dest.name() + ": " + e.getMessage());
    }
    closing = true;
    try {
      thread.join(TimeUnit.NANOSECONDS.toMillis(graceNs) + 1);
      if (thread.isAlive()) {
        abandon = true;
        thread.interrupt();
        thread.join();
      }
    } catch (InterruptedException e) {
      abandon = true;
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      persistIfDue(true);
    }
    long left = Math.max(head, behindUpTo.get()) - delivered;
    if (left > 0) {
      status.accept(
          "output "
              + dest.name()
              + ": "
              + left
              + (left == 1 ? " event" : " events")
              + " not delivered; the next start with this output sends them (they are in the"
              + " database)");
    }
    closeDestination();
  }

  private void closeDestination() {
    try {
      dest.close();
    } catch (java.io.IOException | RuntimeException e) {
      status.accept("output " + dest.name() + ": " + e.getMessage());
    }
  }
}
