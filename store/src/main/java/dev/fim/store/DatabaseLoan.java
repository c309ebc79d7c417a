package dev.fim.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a {@code fim check} (or update, accept) gets a database that a running {@code fim watch}
 * holds: RocksDB admits one writing process, and the watch service holds the database for as long
 * as it runs, so the nightly check would otherwise fail every night.
 *
 * <p>The protocol, on files in the database directory: the watch marks its lock file {@code "PID
 * lends"} ({@link Store#lendOnRequest}). A borrower that finds the database locked by such a holder
 * creates {@value #REQUEST} holding its own pid and retries opening. The watch sees the request
 * between two batches, records what it has, closes the database and releases the lock ({@link
 * Store#lend}); the kernel keeps queueing file notifications meanwhile (an overflow is handled as
 * always: a rescan). When the borrower closes its store, it deletes the request; the watch then
 * takes the lock back and reopens ({@link Store#reclaim}). A borrower that dies is noticed by its
 * pid, so the watch never waits for a dead one.
 */
final class DatabaseLoan {
  /** The lock file's note of a holder that lends. */
  static final String LENDS = "lends";

  /** The request file's name. */
  static final String REQUEST = "fim.lend-request";

  static final long POLL_MS = 50;

  private DatabaseLoan() {}

  static Path requestFile(Path dir) {
    return dir.resolve(REQUEST);
  }

  /** The pid of the live holder of {@code dir}'s lock if it lends, else 0. */
  static long lender(Path dir) {
    String[] words = Store.readLockFile(dir).split(" ");
    if (words.length != 2 || !words[1].equals(LENDS)) {
      return 0;
    }
    long pid = parsePid(words[0]);
    return pid > 0 && alive(pid) ? pid : 0;
  }

  /**
   * The pid in the request file if that very process still lives (pid and start time: after a power
   * loss a stale request must not name whatever process got the pid since); a request of a dead
   * process is removed.
   */
  static long requester(Path dir) {
    Path f = requestFile(dir);
    String s;
    try {
      s = Files.readString(f, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return 0; // none (or unreadable: nobody can be waiting on it)
    }
    String[] words = s.split(" ");
    long pid = parsePid(words[0]);
    if (pid > 0 && words.length == 2 && words[1].equals(startOf(pid))) {
      return pid;
    }
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // left for the next look
    }
    return 0;
  }

  /** True while {@code pid} lives and its request is still there. */
  static boolean stillBorrowing(Path dir, long pid) {
    return requester(dir) == pid;
  }

  /** The borrower closed its store: withdraw its request (only if it is still its own). */
  static void returned(Path request) {
    try {
      String s = Files.readString(request, StandardCharsets.US_ASCII).trim();
      if (parsePid(s.split(" ")[0]) == ProcessHandle.current().pid()) {
        Files.deleteIfExists(request);
      }
    } catch (IOException e) {
      // gone already
    }
  }

  interface Opener {
    Store open() throws StoreException;
  }

  interface Mark {
    void borrowed(Store s);
  }

  /**
   * Puts up this process's request (waiting for another borrower's to go first) and retries {@code
   * opener} until it succeeds or {@code wait} passes; withdraws the request on failure.
   */
  static Store borrow(
      Path dir, long holder, Duration wait, Consumer<String> status, Opener opener, Mark mark)
      throws StoreException {
    long deadline = System.nanoTime() + wait.toNanos();
    Path request = requestFile(dir);
    long self = ProcessHandle.current().pid();
    byte[] me = (self + " " + startOf(self) + "\n").getBytes(StandardCharsets.US_ASCII);
    boolean said = false;
    boolean done = false;
    StoreException last = null;
    try {
      while (true) {
        boolean mine = false;
        if (requester(dir) == 0) {
          try {
            Files.write(request, me, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            mine = true;
          } catch (FileAlreadyExistsException e) {
            // another borrower got in first: wait for its turn to end
          } catch (IOException e) {
            throw new StoreException(
                StoreException.Reason.IO,
                "database "
                    + dir
                    + ": cannot ask fim watch (pid "
                    + holder
                    + ") to lend it: cannot write "
                    + request
                    + ": "
                    + e.getMessage(),
                e);
          }
        } else {
          mine = requester(dir) == ProcessHandle.current().pid();
        }
        if (mine) {
          if (!said) {
            status.accept(
                "database "
                    + dir
                    + " is held by fim watch (pid "
                    + holder
                    + "); asked it to lend it");
            said = true;
          }
          try {
            Store s = opener.open();
            mark.borrowed(s);
            done = true;
            return s;
          } catch (StoreException e) {
            if (e.reason() != StoreException.Reason.LOCKED) {
              throw e;
            }
            last = e;
          }
        }
        if (System.nanoTime() - deadline > 0) {
          throw new StoreException(
              StoreException.Reason.LOCKED,
              "database "
                  + dir
                  + " is in use by fim watch (pid "
                  + holder
                  + "), which did not lend it within "
                  + wait.toSeconds()
                  + " s"
                  + (last == null ? " (another fim was borrowing it)" : "")
                  + "; try again later",
              last);
        }
        Thread.sleep(POLL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(
          StoreException.Reason.LOCKED,
          "database "
              + dir
              + ": interrupted while waiting for "
              + "fim watch (pid "
              + holder
              + ") to lend it",
          e);
    } finally {
      if (!done) {
        returned(request); // withdrawn on every failure, interrupted or not
      }
    }
  }

  private static long parsePid(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * When {@code pid} started (ms since the epoch, as the kernel says), or "-" when it does not
   * live.
   */
  private static String startOf(long pid) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(p -> p.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("?"))
        .orElse("-");
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
