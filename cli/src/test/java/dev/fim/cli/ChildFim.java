package dev.fim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * fim as a real child JVM, for tests that signal it, give it an environment (NOTIFY_SOCKET) or read
 * its stderr while it runs: the command line and the stderr reader that several tests share.
 */
final class ChildFim {
  private ChildFim() {}

  /** {@code java -Xmx256m -cp CLASSPATH dev.fim.cli.Main ARGS…}. */
  static List<String> command(String classPath, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classPath,
                Main.class.getName()));
    cmd.addAll(args);
    return cmd;
  }

  /** As {@link #command(String, List)} with this JVM's class path. */
  static List<String> command(String... args) {
    return command(System.getProperty("java.class.path"), List.of(args));
  }

  /**
   * As {@link #command(String...)}, the JVM printing each class it loads and where from ({@code
   * -verbose:class}): for the tests that a command line loads no picocli or locale class.
   */
  static List<String> loggingClasses(String... args) {
    List<String> cmd = command(args);
    cmd.add(1, "-verbose:class");
    return cmd;
  }

  /**
   * Skips the test (with the reason) when {@code p} ignores {@code signal}: a JVM started as a
   * background job of a non-interactive shell ({@code cmd &}, {@code nohup}) inherits SIGINT and
   * SIGQUIT ignored, and fim keeps an ignored SIGINT ignored, as a background job must.
   */
  static void assumeSignalNotIgnored(Process p, int signal) throws java.io.IOException {
    String ign =
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + p.pid() + "/status"))
            .stream()
            .filter(l -> l.startsWith("SigIgn:"))
            .findFirst()
            .orElseThrow()
            .substring("SigIgn:".length())
            .trim();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        (Long.parseUnsignedLong(ign, 16) & (1L << (signal - 1))) == 0,
        "signal " + signal + " is ignored in fim (inherited: the tests run as a background job)");
  }

  /**
   * Ends a child fim still running at a test's end: SIGTERM first, so a watch restores what it
   * changed in the kernel's audit settings (a SIGKILLed watch leaves its rules until the next watch
   * on the same database starts, which a test's temporary database never gets), then SIGKILL if it
   * has not ended within {@code deadlineMs}.
   */
  static void stop(Process p, long deadlineMs) throws InterruptedException {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(deadlineMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(deadlineMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A list for {@link #collectStderr}: its reader thread appends while a test reads, and a test's
   * assertion message ({@code "..." + stderr}) iterates it; a plain ArrayList threw
   * ConcurrentModificationException there (CI, WatchNotifyTest, while a reload wrote its lines).
   * The synchronized wrapper is its own lock, so {@code synchronized (stderr)} blocks and the
   * collector's {@code notifyAll} keep working.
   */
  static List<String> stderrLines() {
    return java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  }

  /**
   * Reads {@code p}'s stderr on a daemon thread, adding each line to {@code lines} and notifying
   * its waiters (synchronized on {@code lines}), until the process closes it. Join the returned
   * thread after the process ended to have every line.
   */
  static Thread collectStderr(Process p, List<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "stderr-of-" + p.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }
}
