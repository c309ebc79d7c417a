package dev.fim.engine.sink;

import dev.fim.store.sys.ServiceManagerEnvironment;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * systemd's watchdog ({@code WatchdogSec=}, sd_watchdog_enabled(3)): while the service proves it
 * works, {@code WATCHDOG=1} goes to the service manager every quarter of {@code $WATCHDOG_USEC};
 * when it stops proving it, nothing goes, and systemd kills and restarts the service once {@code
 * WatchdogSec} has passed without one.
 *
 * <p>Proof, not a timer: a thread that only ticks would keep a service alive whose pipeline is
 * stuck. So the keep-alive is sent only when {@code progress} (a counter the watch's working
 * threads advance: each turn of the comparator's loop, which turns at least once a second when
 * idle; each file a start-up or overflow rescan scans or hashes; each poll while the database is
 * lent to a {@code fim check}) has changed since the last look. A long legitimate rescan keeps
 * advancing it and so never trips the watchdog; a comparator blocked on a stalled output, a lock or
 * the database does not advance it, and trips it.
 *
 * <p>{@code $WATCHDOG_PID}, when set, must name this process (else the keep-alives are some other
 * process's job, and none are sent).
 */
public final class ServiceWatchdog implements AutoCloseable {
  /** The keep-alive period systemd expects, in µs ({@code WatchdogSec}). */
  public static final String USEC_VARIABLE = ServiceManagerEnvironment.WATCHDOG_USEC;

  /** The process the watchdog is meant for. */
  public static final String PID_VARIABLE = ServiceManagerEnvironment.WATCHDOG_PID;

  private final ServiceNotifier notifier;
  private final long periodNs;
  private final LongSupplier progress;
  private final Consumer<String> status;
  private final Thread thread;
  private volatile boolean closed;

  private long lastMark;
  private long sinceNs;
  private boolean toldStall;

  private ServiceWatchdog(
      ServiceNotifier notifier, long usec, LongSupplier progress, Consumer<String> status) {
    this.notifier = notifier;
    this.periodNs = TimeUnit.MICROSECONDS.toNanos(usec) / 4;
    this.progress = progress;
    this.status = status;
    this.thread = new Thread(this::run, "fim-watchdog");
    this.thread.setDaemon(true);
  }

  /**
   * The watchdog period systemd asked for, in µs: {@code usec} ({@code $WATCHDOG_USEC}) when it is
   * a positive number and {@code pid} ({@code $WATCHDOG_PID}) is unset or {@code self}; else 0
   * (none).
   */
  public static long requestedUsec(String usec, String pid, long self) {
    if (usec == null || usec.isEmpty()) {
      return 0;
    }
    try {
      if (pid != null && !pid.isEmpty() && Long.parseLong(pid.trim()) != self) {
        return 0;
      }
      long u = Long.parseLong(usec.trim());
      return u > 0 ? u : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Starts the keep-alives for this process's environment; null when systemd asked for none (or no
   * service manager listens).
   */
  public static ServiceWatchdog fromEnvironment(
      ServiceNotifier notifier, LongSupplier progress, Consumer<String> status) {
    long usec =
        requestedUsec(
            System.getenv(USEC_VARIABLE),
            System.getenv(PID_VARIABLE),
            ProcessHandle.current().pid());
    if (usec == 0 || !notifier.active()) {
      return null;
    }
    ServiceWatchdog w = unstarted(notifier, usec, progress, status, System.nanoTime());
    w.thread.start();
    return w;
  }

  /** A watchdog whose looks the caller makes ({@link #look}); its thread is not started. */
  static ServiceWatchdog unstarted(
      ServiceNotifier notifier,
      long usec,
      LongSupplier progress,
      Consumer<String> status,
      long nowNs) {
    ServiceWatchdog w = new ServiceWatchdog(notifier, usec, progress, status);
    w.lastMark = progress.getAsLong();
    w.sinceNs = nowNs;
    return w;
  }

  private void run() {
    try {
      while (!closed) {
        TimeUnit.NANOSECONDS.sleep(periodNs);
        look(System.nanoTime());
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** One look: the keep-alive when {@code progress} moved, else (once per stall) a status line. */
  void look(long nowNs) {
    if (closed) {
      return;
    }
    long mark = progress.getAsLong();
    if (mark != lastMark) {
      lastMark = mark;
      sinceNs = nowNs;
      if (toldStall) {
        toldStall = false;
        status.accept("watchdog: working again; keep-alives resumed");
      }
      notifier.watchdog();
    } else if (!toldStall && nowNs - sinceNs >= 2 * periodNs) {
      toldStall = true;
      status.accept(
          String.format(
              java.util.Locale.ROOT,
              "watchdog: no progress of the comparator for %.0f s; no keep-alive is sent (the"
                  + " service manager restarts fim after WatchdogSec)",
              (nowNs - sinceNs) / 1e9));
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
