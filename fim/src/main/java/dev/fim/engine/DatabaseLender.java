package dev.fim.engine;

import dev.fim.engine.record.Recorder;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Lends the watch's database to a {@code fim check/update/accept} that asks for it (a request file
 * beside the lock, see {@code DatabaseLoan}) and takes it back when that one is done. While lent,
 * nothing of the watch writes to the store: the coverage heartbeat and the shutdown run their store
 * work through {@link #whileHeld}.
 */
final class DatabaseLender {
  /** Work on the store that must not run while it is lent. */
  @FunctionalInterface
  interface StoreWork {
    void run() throws StoreException;
  }

  private final Store store;
  private final Recorder recorder;
  private final Consumer<String> status;
  private final Ticker ticker;

  /**
   * Held while the store is lent or written by another thread: no write lands on a closed store.
   */
  private final Object guard = new Object();

  /**
   * True while the database is not open here: lent, or not taken back (then nothing more is written
   * to it).
   */
  private volatile boolean gone;

  DatabaseLender(Store store, Recorder recorder, Consumer<String> status, Ticker ticker) {
    this.store = store;
    this.recorder = recorder;
    this.status = status;
    this.ticker = ticker;
  }

  /** True while the database is open here (not lent, or taken back). */
  boolean held() {
    return !gone;
  }

  /** Runs {@code work} unless the store is lent or was not taken back; returns whether it ran. */
  boolean whileHeld(StoreWork work) throws StoreException {
    synchronized (guard) {
      if (gone) {
        return false;
      }
      work.run();
      return true;
    }
  }

  /**
   * Lends the database when a fim process asked for it, and waits until it is back. The source
   * keeps reading meanwhile: notices wait in the coalescer (bounded: beyond it, a declared loss and
   * a rescan). Returns false when the watch was stopped before the database came back; what changed
   * from then on is reported by the next start's reconcile.
   */
  boolean lendIfRequested(BooleanSupplier stopping) throws StoreException, InterruptedException {
    long borrower = store.loanRequested();
    return borrower == 0 || lend(borrower, stopping);
  }

  private boolean lend(long borrower, BooleanSupplier stopping)
      throws StoreException, InterruptedException {
    recorder.commit();
    recorder
        .currentStates()
        .forget(); // dropped while lent (no borrower writes current today); taken back: resync
    String who = commandLineOf(borrower);
    who = who == null ? "?" : fimCommand(who);
    status.accept("lending the database to pid " + borrower + " (" + who + ")");
    long t0 = ticker.read();
    synchronized (guard) {
      gone = true; // stays so if it is not taken back (stopped meanwhile, or reopening failed)
      store.lend();
    }
    if (!store.reclaim(borrower, stopping)) {
      status.accept(
          "stopped while the database was lent to pid "
              + borrower
              + ": changes from then on are reported by the next start (reconcile)");
      return false;
    }
    recorder.resync();
    gone = false;
    status.accept(
        String.format(Locale.ROOT, "database back after %.1f s", (ticker.read() - t0) / 1e9));
    return true;
  }

  /**
   * {@code fim check …} out of a java command line running fim's jar or main class; else the line
   * as it is.
   */
  /**
   * The command line of {@code pid} from {@code /proc/PID/cmdline}, arguments joined by spaces, or
   * null when it is gone. Read whole: the JDK's {@code ProcessHandle.Info.commandLine()} cuts a
   * long one (a JVM's class path) before the arguments that say which fim command it is.
   */
  static String commandLineOf(long pid) {
    try {
      byte[] b =
          java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/cmdline"));
      int n = b.length;
      while (n > 0 && b[n - 1] == 0) {
        n--;
      }
      if (n == 0) {
        return null;
      }
      for (int i = 0; i < n; i++) {
        if (b[i] == 0) {
          b[i] = ' ';
        }
      }
      return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  static String fimCommand(String javaCommandLine) {
    for (String marker : List.of("fim-cli.jar ", "dev.fim.cli.Main ")) {
      int i = javaCommandLine.indexOf(marker);
      if (i >= 0) {
        return "fim " + javaCommandLine.substring(i + marker.length());
      }
    }
    return javaCommandLine;
  }
}
