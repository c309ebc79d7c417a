package dev.fim.cli;

import dev.fim.engine.StatusFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code fim watch --status}: asks the watch running on a database for a fresh status. The watch
 * keeps its pid, its start time and its counters in {@link StatusFile}; this sends it SIGUSR1 only
 * when that pid still runs with that start time (never a signal to a process that reused the pid),
 * waits for the file to be rewritten and prints it.
 */
final class WatchStatusQuery {
  static final long DEADLINE_MS = 10_000;

  private WatchStatusQuery() {}

  static int run(Path db, PrintWriter out, PrintWriter err) throws IOException {
    String before = StatusFile.read(db);
    if (before == null) {
      err.println("fim: no fim watch runs on " + db + " (no " + StatusFile.NAME + ")");
      return ExitCodes.NONE_FOUND;
    }
    long pid = StatusFile.pid(before);
    if (!StatusFile.writerAlive(before)) {
      err.println(
          "fim: no fim watch runs on "
              + db
              + ": pid "
              + pid
              + ", which wrote the last status at "
              + StatusFile.time(before)
              + ", has ended");
      return ExitCodes.NONE_FOUND;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(pid)).start();
      if (kill.waitFor() != 0) {
        err.println("fim: cannot signal fim watch (pid " + pid + ")");
        return ExitCodes.NONE_FOUND;
      }
      long end = System.currentTimeMillis() + DEADLINE_MS;
      String was = StatusFile.time(before);
      while (System.currentTimeMillis() < end) {
        String now = StatusFile.read(db);
        if (now != null && !Objects.equals(StatusFile.time(now), was)) {
          out.print(now);
          out.flush();
          return ExitCodes.OK;
        }
        TimeUnit.MILLISECONDS.sleep(20); // polling the file the watch rewrites, with a deadline
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.println(
        "fim: fim watch (pid "
            + pid
            + ") did not write a fresh status within "
            + DEADLINE_MS / 1000
            + " s; the last one, of "
            + StatusFile.time(before)
            + ":");
    out.print(before);
    out.flush();
    return ExitCodes.NONE_FOUND;
  }
}
