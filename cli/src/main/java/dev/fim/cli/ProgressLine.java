package dev.fim.cli;

import dev.fim.baseline.ScanProgress;
import dev.fim.baseline.Scanner;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display on stderr (only when stderr is a terminal): files, bytes, rate and an
 * estimate of the time left, redrawn four times a second on a daemon thread.
 */
final class ProgressLine {
  private final PrintWriter err;
  private volatile Thread thread;
  private final long startNs = System.nanoTime();

  ProgressLine(PrintWriter err) {
    this.err = err;
  }

  void start(Scanner scanner) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(250); // a display refresh rate, not synchronisation
                  draw(scanner.progress());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fim-progress");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void draw(ScanProgress p) {
    double secs = Math.max(1e-3, (System.nanoTime() - startNs) / 1e9);
    double rate = p.bytesHashed() / secs;
    long left = Math.max(0, p.bytesDiscovered() - p.bytesHashed());
    String eta = rate > 0 && left > 0 ? " ETA " + duration(left / rate) : "";
    err.print(
        String.format(
            Locale.ROOT,
            "\r\033[K%,d entries  %s hashed  %s/s%s",
            p.entriesDone(),
            bytes(p.bytesHashed()),
            bytes((long) rate),
            eta));
    err.flush();
  }

  void stop() {
    Thread t = thread;
    if (t != null) {
      thread = null;
      t.interrupt();
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      err.print("\r\033[K");
      err.flush();
    }
  }

  static String bytes(long b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? b + " B" : RootNumbers.oneDecimal(v) + " " + units[u];
  }

  static String duration(double secs) {
    long s = (long) Math.ceil(secs);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
