package dev.fim.cli;

import dev.fim.baseline.Scanner;
import dev.fim.store.Store;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Start-up work of the scan commands (and of {@code audit search}: {@code AuditSearch.warmUp()}; of
 * {@code history}, {@code who} and {@code report}: {@link #startForQuery}) that does not depend on
 * their options, done on a second thread while the main thread parses the command line and the
 * config: RocksDB's native library, the scan's libc functions (jffi's stub library and symbol
 * lookups), the hash functions and SHA-256 for the HMAC (~0.2 s of CPU; the first record of a scan
 * comes ~0.1 s sooner, though on 2 cores the main thread's start-up slows down meanwhile: ~0.05 s
 * less wall time for a 20,000-file init). {@link #await()} joins its first part (RocksDB's library)
 * before the store is opened and {@link #awaitScan()} its second (the libc functions) before the
 * scan, so the main thread opens the store meanwhile; each rethrows what its part threw, so a
 * failure surfaces as the same exception as without it, only on the main thread. SHA-256 for the
 * HMAC is loaded between the two and awaited by neither: the main thread's own first use loads it,
 * or finds it loaded.
 */
final class Preload {
  private static final Set<String> SCAN_COMMANDS = Set.of("init", "check", "update");

  /** The commands that read the database without a scan ({@link #startForQuery}). */
  private static final Set<String> QUERY_COMMANDS = Set.of("history", "who", "report");

  /** The store's part of the preload ({@link #await}), or null. */
  private static volatile FutureTask<Void> task;

  /** The scan's part ({@link #awaitScan}), done after the store's; or null. */
  private static volatile FutureTask<Void> scanTask;

  private Preload() {}

  /**
   * Starts the preload when {@code args} name a scan command or {@code audit search}; does nothing
   * otherwise.
   */
  static void startFor(String[] args) {
    if (args.length >= 2 && args[0].equals("audit") && args[1].equals("search")) {
      // Fire and forget (nothing waits for it), and no lambda here: the first lambda would
      // make this thread, not the preload, set up the lambda machinery.
      Thread warm =
          new Thread(
              new Runnable() {
                @Override
                public void run() {
                  dev.fim.auditlink.search.AuditSearch.warmUp();
                  // Both output formats' classes, whichever this run uses: the run that records the
                  // CDS archive (bin/fim) then archives them all, and a later JSON search does not
                  // load
                  // Jackson from its jar after a text search recorded the archive (or the reverse).
                  try (com.fasterxml.jackson.core.JsonGenerator g =
                      new com.fasterxml.jackson.core.JsonFactory()
                          .createGenerator(java.io.Writer.nullWriter())) {
                    g.writeStartObject();
                    g.writeStringField("warm", "up");
                    g.writeEndObject();
                  } catch (java.io.IOException | RuntimeException e) {
                    // Nothing to warm then; the search meets the same on its own.
                  }
                }
              },
              "fim-preload");
      warm.setDaemon(true);
      warm.start();
      return;
    }
    if (args.length > 0 && QUERY_COMMANDS.contains(args[0])) {
      startForQuery(args);
      return;
    }
    if (args.length == 0 || !SCAN_COMMANDS.contains(args[0])) {
      return;
    }
    // Named classes, not lambdas: this runs first thing on the main thread, and a lambda the
    // class-data archive does not hold would make the main thread set up the lambda machinery
    // (method handles spun at run time) before it parses a single option.
    FutureTask<Void> forStore = new FutureTask<>(new StoreStartUp());
    FutureTask<Void> forSeal = new FutureTask<>(new SealStartUp());
    FutureTask<Void> forScan = new FutureTask<>(new ScanStartUp());
    // No part for the reports: init's summary line and check's and update's text reports are
    // written without the JDK's locale data (RootNumbers, CheckReportLines). Until issue 18's
    // session 14 this thread ended by formatting numbers in the root locale (~10 ms of CPU) so that
    // the main thread would find that data set up; now no scan command needs it.
    Thread thread = new Thread(new InOrder(forStore, forSeal, forScan), "fim-preload");
    thread.setDaemon(true);
    task = forStore;
    scanTask = forScan;
    thread.start();
  }

  /**
   * history, who and report: RocksDB's library while the main thread reads the line and the times
   * (they read the database without a scan), then SHA-256 for the evidence's HMAC. A report written
   * to a file starts jffi later, and only when it is not small ({@link #startReportFile}).
   */
  private static void startForQuery(String[] args) {
    FutureTask<Void> forStore = new FutureTask<>(new StoreStartUp());
    FutureTask<Void> forSeal = new FutureTask<>(new SealStartUp());
    Runnable run = new InOrder(forStore, forSeal, null);
    Thread thread = new Thread(run, "fim-preload");
    thread.setDaemon(true);
    task = forStore;
    thread.start();
  }

  /**
   * A report file's C library (jffi's start and the libc lookup), on a thread of its own while the
   * main thread sets up the evidence: the file is created through open(2) for its page-cache advice
   * ({@code ReportFile}, {@code DropBehind}), and jffi's first use sets up java.util.logging, whose
   * start looks for a LoggerFinder in every jar of the class path (~25 ms of a report's main
   * thread, issue 18). Nothing waits for it: the main thread's first libc call finds it done, waits
   * for the JVM's class initialisation, or (had it failed) fails the same way and writes the file
   * without the advice. Not for a small report, whose file is made without the C library (issue 18,
   * session 16: the ~10 ms a tiny report's main thread still waited for it, and its CPU).
   */
  static void startReportFile() {
    Thread thread = new Thread(new FutureTask<>(new ReportFileStartUp()), "fim-preload-libc");
    thread.setDaemon(true);
    thread.start();
  }

  /** jffi's start and the C library's lookup, which a report file's creation uses first. */
  private static final class ReportFileStartUp implements java.util.concurrent.Callable<Void> {
    @Override
    public Void call() {
      try {
        dev.fim.store.sys.LibcFunction.of(
            "close", com.kenai.jffi.Type.SINT, com.kenai.jffi.Type.SINT);
      } catch (LinkageError | RuntimeException e) {
        // The report meets the same when it creates its file, and writes it without the advice.
      }
      return null;
    }
  }

  /**
   * What opening the store and its evidence needs: RocksDB's library and SHA-256 (the HMAC's
   * digest). First, because the main thread waits for it before it opens the store.
   */
  private static final class StoreStartUp implements java.util.concurrent.Callable<Void> {
    @Override
    public Void call() {
      linkReflection();
      Store.loadNativeLibrary();
      return null;
    }

    /**
     * Makes the JVM's first reflective call here, before RocksDB's library is loaded: that call
     * links a native method of the JDK ({@code NativeMethodAccessorImpl.invoke0}), and the lookup
     * takes the dynamic linker's lock, which the library's load holds for its relocations (~5 ms).
     * The main thread makes its first reflective call while reading the built-in config (an {@code
     * Enum.valueOf} or a stream's {@code EnumMap} calls the enum's {@code values()} reflectively),
     * and waited for the load there (off-CPU profile, issue 18, session 17).
     */
    private static void linkReflection() {
      java.lang.annotation.RetentionPolicy.valueOf("RUNTIME");
    }
  }

  /**
   * SHA-256 for the seal's HMAC, needed only after the store is open: nothing waits for this part
   * (with the built-in config no longer parsed, the main thread reached the open before it was
   * done, and waited ~10 ms). A main thread that gets there first loads it itself; the JDK's
   * provider lookup is thread-safe.
   */
  private static final class SealStartUp implements java.util.concurrent.Callable<Void> {
    @Override
    public Void call() {
      dev.fim.store.seal.HmacSha256.load();
      return null;
    }
  }

  /**
   * What the scan needs: its libc functions (jffi's stub library loaded and the symbols looked up;
   * until session 9 jnr-ffi generated classes here, ~0.13 s), done while the main thread opens the
   * store and reads the seal key and the evidence chain.
   */
  private static final class ScanStartUp implements java.util.concurrent.Callable<Void> {
    @Override
    public Void call() {
      Scanner.loadNativeBindings();
      return null;
    }
  }

  /** Runs the tasks one after the other (each keeps its own outcome). */
  private record InOrder(FutureTask<Void> first, FutureTask<Void> second, FutureTask<Void> then)
      implements Runnable {
    @Override
    public void run() {
      first.run();
      second.run();
      if (then != null) {
        then.run();
      }
    }
  }

  /**
   * Waits for the store's part of the preload (RocksDB's library, SHA-256), if one was started;
   * rethrows its failure (an Error or unchecked exception). Called before the store is opened.
   */
  static void await() {
    await(task);
  }

  /**
   * Waits for the scan's part of the preload (the libc bindings), if one was started; rethrows its
   * failure as {@link #await} does. Called before a scan, after the store is open.
   */
  static void awaitScan() {
    await(scanTask);
  }

  private static void await(FutureTask<Void> t) {
    if (t == null) {
      return;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          t.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Error err) {
        throw err;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("start-up failed", c); // neither part throws a checked one
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
