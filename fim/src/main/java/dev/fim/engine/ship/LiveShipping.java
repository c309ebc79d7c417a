package dev.fim.engine.ship;

import dev.fim.engine.sink.EventSink;
import dev.fim.engine.sink.StoreAccess;
import dev.fim.store.ChangeEvent;
import dev.fim.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * {@code fim watch --ship}: a thread of the watch that ships what the watch records, from the
 * store, with the same {@link ShipState} as {@code fim ship} (so either resumes where the other
 * stopped).
 *
 * <p>The watcher never waits for it: the store is the buffer, and the watcher's only contact is
 * {@link #wakeSink}, an output whose flush sets a flag and unparks this thread ({@link
 * Shipper#wake}). A cluster that hangs, fails or answers garbage delays shipping only: a transient
 * failure is retried by the {@link Shipper} (for ever), and what stops it (a refused document, a
 * missing template, a bad answer) is said on the status line and tried again after a backoff, the
 * events staying in the store. Nothing here can throw into the watch.
 */
public final class LiveShipping implements AutoCloseable {
  /** Rounds without a wake-up (an approval, the database lent to fim check): this often. */
  public static final Duration POLL = Duration.ofSeconds(1);

  /**
   * The least time between the starts of two rounds: each opens the database read-only, so a storm
   * of recorded batches is shipped in rounds of many, not one open per batch. Adds at most this
   * much to the lag of a change recorded during a round.
   */
  public static final Duration MIN_GAP = Duration.ofMillis(50);

  private static final long FIRST_RETRY_NS = TimeUnit.SECONDS.toNanos(5);
  private static final long MAX_RETRY_NS = TimeUnit.MINUTES.toNanos(5);

  /** How long {@link #close} waits for the request in flight before leaving the thread. */
  private static final long CLOSE_WAIT_MS = 5_000;

  private final BulkClient client;
  private final Shipper shipper;
  private final Path dbDir;
  private final Consumer<String> status;
  private final Thread thread;

  /** The watch's guarded access to its open store (from the watcher's start of the wake sink). */
  private volatile StoreAccess access;

  /**
   * @param status the watch's status lines (stderr), without the "fim watch: " prefix
   */
  public LiveShipping(BulkClient client, Shipper shipper, Path dbDir, Consumer<String> status) {
    this.client = client;
    this.shipper = shipper;
    this.dbDir = dbDir;
    this.status = status;
    this.thread = new Thread(this::run, "fim-ship");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * The output that wakes the shipping thread after each recorded batch. It ignores the events
   * themselves: they are read from the store, where the watcher put them before it called the
   * outputs, through the access the watcher hands to its outputs (its own open store, guarded
   * against the database being lent), so a round opens nothing.
   */
  public EventSink wakeSink() {
    return new EventSink() {
      @Override
      public void start(StoreAccess store) {
        access = store; // a reload's new watcher hands in its own
      }

      @Override
      public void emit(ChangeEvent event) {}

      @Override
      public void flush() {
        shipper.wake();
      }

      @Override
      public void close() {}
    };
  }

  /** Stops shipping after the request in flight (waiting up to 5 s for it). */
  @Override
  public void close() {
    shipper.stop();
    LockSupport.unpark(thread);
    try {
      thread.join(CLOSE_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long[] retry = {FIRST_RETRY_NS};
    boolean[] failed = {false};
    while (!shipper.stopping()) {
      String problem;
      try {
        shipper.forTemplate(IndexTemplate.require(client));
        shipper.follow(
            dbDir,
            () -> access,
            false,
            POLL,
            MIN_GAP,
            r -> {
              if (failed[0]) {
                failed[0] = false;
                retry[0] = FIRST_RETRY_NS; // moving again: the next pause starts short
                status.accept(
                    "shipping to " + client + " again: acknowledged up to " + r.acknowledged());
              }
            });
        return; // stopped
      } catch (ShipException | StoreException e) {
        problem = e.getMessage();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) { // never end silently: say it, try again
        problem = e.toString();
      }
      if (shipper.stopping()) {
        return;
      }
      failed[0] = true;
      status.accept(
          "shipping to "
              + client
              + " paused: "
              + problem
              + "; the watch goes on and the events wait in the database; trying again in "
              + TimeUnit.NANOSECONDS.toSeconds(retry[0])
              + " s");
      long until = System.nanoTime() + retry[0];
      long left;
      while (!shipper.stopping() && (left = until - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, left);
      }
      retry[0] = Math.min(retry[0] * 2, MAX_RETRY_NS);
    }
  }
}
