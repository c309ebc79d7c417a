package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.sink.UnixDatagram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code fim watch} under {@code Type=notify} (issue 16): the test binds the datagram socket
 * systemd would (a path, and a name in the abstract namespace), starts a real {@code fim watch
 * --attribution proc} with {@code $NOTIFY_SOCKET} naming it, and reads what arrives: READY=1 once
 * the watch is up (a change made right after it is reported), RELOADING=1 and READY=1 around a
 * SIGHUP, STOPPING=1 on SIGTERM.
 */
@Tag("kernel")
class WatchNotifyTest {
  private static final long DEADLINE_MS = 30_000;
  private Path dir;
  private Path one;
  private Path two;
  private Path conf;
  private Path out;
  private Process fim;
  private final List<String> stderr = ChildFim.stderrLines();

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-notify-");
    one = Files.createDirectories(dir.resolve("one/tree"));
    two = Files.createDirectories(dir.resolve("two/tree"));
    Files.writeString(one.resolve("f"), "one\n");
    Files.writeString(two.resolve("g"), "two\n");
    conf = dir.resolve("fim.conf");
    out = dir.resolve("events.json");
    Files.writeString(conf, one + " R\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (fim != null) {
      ChildFim.stop(fim, DEADLINE_MS);
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  @Test
  void aPathSocketHearsReadyAfterTheWatchIsUpThenReloadingReadyAndStopping() throws Exception {
    String socket = dir.resolve("notify.sock").toString();
    try (UnixDatagram.Receiver systemd = new UnixDatagram.Receiver(socket, 30)) {
      start(socket);
      String ready = next(systemd, "READY=1");
      // the watch was up when READY came: its status line precedes it (stderr is read by a thread
      // of this test, so wait for it), and a change made at once is reported
      assertTrue(stderrHas("fim watch: watching 1 tree"), stderr.toString());
      assertTrue(stderrHas("fim watch: recorded "), stderr.toString()); // the start-up recording
      assertEquals("READY=1\nSTATUS=watching 1 tree with " + backend(), ready);
      append(one.resolve("f"), "changed\n");
      awaitEvent("\"path\":\"" + one.resolve("f") + "\"");

      Files.writeString(conf, one + " R\n" + two + " R\n");
      signal("HUP");
      String reloading = next(systemd, "RELOADING=1");
      assertTrue(reloading.matches("RELOADING=1\nMONOTONIC_USEC=[0-9]+\nSTATUS=.*"), reloading);
      long usec = Long.parseLong(reloading.split("\n")[1].substring("MONOTONIC_USEC=".length()));
      assertTrue(usec > 0 && usec <= monotonicNowUsec(), reloading);
      String reloaded = next(systemd, "READY=1");
      assertEquals("READY=1\nSTATUS=watching 2 trees with " + backend(), reloaded);
      assertTrue(stderrHas("fim watch: reloaded: watching 2 trees"), stderr.toString());
      append(two.resolve("g"), "changed\n");
      awaitEvent("\"path\":\"" + two.resolve("g") + "\"");

      signal("TERM");
      assertEquals("STOPPING=1\nSTATUS=stopping on SIGTERM", next(systemd, "STOPPING=1"));
      assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop");
      assertEquals(0, fim.exitValue());
      assertEquals(null, systemd.receiveQueued(), "nothing after STOPPING=1");
    }
  }

  @Test
  void anAbstractSocketHearsReadyAndAnUnchangedReloadIsReadyAgainAtOnce() throws Exception {
    String socket = "@fim-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (UnixDatagram.Receiver systemd = new UnixDatagram.Receiver(socket, 30)) {
      start(socket);
      String ready = next(systemd, "READY=1");
      assertTrue(stderrHas("fim watch: watching 1 tree"), stderr.toString());
      assertEquals("READY=1\nSTATUS=watching 1 tree with " + backend(), ready);
      signal("HUP"); // the config is unchanged: no new watcher, ready again at once
      assertTrue(next(systemd, "RELOADING=1").startsWith("RELOADING=1\nMONOTONIC_USEC="));
      assertEquals("READY=1\nSTATUS=watching 1 tree with " + backend(), next(systemd, "READY=1"));
      assertTrue(stderrHas("fim watch: reload: the config is unchanged"), stderr.toString());
      signal("TERM");
      assertEquals("STOPPING=1\nSTATUS=stopping on SIGTERM", next(systemd, "STOPPING=1"));
      assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop");
      assertEquals(0, fim.exitValue());
    }
  }

  /**
   * WatchdogSec: keep-alives prove the pipeline works, they are not a timer. With WATCHDOG_USEC=2 s
   * an idle watch sends WATCHDOG=1 (its comparator turns every second); when the comparator is
   * stuck — here on a synchronous stdout output whose pipe nobody reads, after a few thousand
   * events filled it — the watch says so and sends none; once the pipe is read, keep-alives come
   * again. A timer thread would have gone on sending while the comparator was stuck.
   */
  @Test
  void watchdogKeepAlivesComeOnlyWhileTheComparatorMakesProgress() throws Exception {
    String socket = dir.resolve("notify.sock").toString();
    try (UnixDatagram.Receiver systemd = new UnixDatagram.Receiver(socket, 30)) {
      start(socket, java.util.Map.of("WATCHDOG_USEC", "2000000"), true);
      String ready = skipKeepAlives(systemd);
      assertTrue(stderrHas("fim watch: watching 1 tree"), stderr.toString());
      assertEquals("READY=1\nSTATUS=watching 1 tree with " + backend(), ready);
      assertEquals("WATCHDOG=1", systemd.receive(), "an idle, healthy watch keeps alive");

      for (int i = 0; i < 3000; i++) {
        Files.writeString(one.resolve("new-" + i), "x\n");
      }
      assertTrue(stuckAndSaidSo(), "no stall seen; stderr: " + stderr);
      // every keep-alive sent before the stall was said is queued by now (same thread, in order)
      while (systemd.receiveQueued() != null) {}
      assertTrue(stuckAndSaidSo(), "the comparator moved meanwhile; stderr: " + stderr);
      assertEquals(null, systemd.receiveQueued(), "a keep-alive while the comparator is stuck");

      Thread drain =
          new Thread(
              () -> {
                try {
                  fim.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                  // the process ended
                }
              });
      drain.setDaemon(true);
      drain.start();
      assertEquals("WATCHDOG=1", systemd.receive(), "keep-alives did not resume");
      assertTrue(stderrHas("fim watch: watchdog: working again"), stderr.toString());
      signal("TERM");
      assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop");
      assertEquals(0, fim.exitValue());
    }
  }

  /** The next datagram that is not a keep-alive. */
  private String skipKeepAlives(UnixDatagram.Receiver systemd) throws IOException {
    while (true) {
      String m = systemd.receive();
      assertNotNull(m, "no datagram within 30 s; stderr: " + stderr);
      if (!m.equals("WATCHDOG=1")) {
        return m;
      }
    }
  }

  /**
   * Waits (with the deadline) until the comparator thread sleeps in the kernel's pipe write and the
   * watch's last watchdog line is the stall (a busy moment before may have said it and "working
   * again" already).
   */
  private boolean stuckAndSaidSo() throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      String last = "";
      synchronized (stderr) {
        for (String l : stderr) {
          if (l.startsWith("fim watch: watchdog: ")) {
            last = l;
          }
        }
      }
      if (compareThreadWaitsOnThePipe()
          && last.startsWith("fim watch: watchdog: no progress of the comparator for ")) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling /proc and stderr with a deadline
    }
    return false;
  }

  /** Whether the watch's comparator thread sleeps in the kernel's pipe write. */
  private boolean compareThreadWaitsOnThePipe() throws IOException {
    try (java.util.stream.Stream<Path> tasks =
        Files.list(Path.of("/proc", fim.pid() + "", "task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(t.resolve("comm")).trim().equals("fim-compare")) {
          return Files.readString(t.resolve("wchan")).contains("pipe");
        }
      }
    }
    return false;
  }

  /** The next datagram, which must begin with {@code first} (the protocol's order). */
  private String next(UnixDatagram.Receiver systemd, String first) throws IOException {
    String m = systemd.receive();
    assertNotNull(m, "no datagram (expected " + first + ") within 30 s; stderr: " + stderr);
    assertTrue(m.startsWith(first + "\n"), "expected " + first + ", got " + m);
    return m;
  }

  /** The backend the watch named in its "watching" status line. */
  private String backend() {
    synchronized (stderr) {
      for (String l : stderr) {
        if (l.startsWith("fim watch: watching ") && l.contains(" with ")) {
          String rest = l.substring(l.indexOf(" with ") + " with ".length());
          return rest.substring(0, rest.indexOf("; database "));
        }
      }
    }
    return "(no watching line yet: " + stderr + ")";
  }

  private static long monotonicNowUsec() {
    return System.nanoTime() / 1000; // CLOCK_MONOTONIC on Linux, as in the watch's JVM
  }

  private void start(String notifySocket) throws Exception {
    start(notifySocket, java.util.Map.of(), false);
  }

  /**
   * {@code fim watch} with {@code env} added; {@code stdoutPiped}: also {@code --output stdout}
   * into a pipe this test reads only when it wants to (else stdout is discarded).
   */
  private void start(String notifySocket, java.util.Map<String, String> env, boolean stdoutPiped)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            ChildFim.command(
                "watch",
                "--db",
                dir.resolve("db").toString(),
                "--key",
                dir.resolve("db.key").toString(),
                "-c",
                conf.toString(),
                "--attribution",
                "proc",
                "--output",
                out.toString()));
    if (stdoutPiped) {
      cmd.addAll(List.of("--output", "stdout"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!stdoutPiped) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    pb.environment().put("NOTIFY_SOCKET", notifySocket);
    pb.environment().putAll(env);
    fim = pb.start();
    ChildFim.collectStderr(fim, stderr);
  }

  /** Whether stderr has (or gets within the deadline) a line starting with {@code prefix}. */
  private boolean stderrHas(String prefix) throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    synchronized (stderr) {
      while (true) {
        for (String l : stderr) {
          if (l.startsWith(prefix)) {
            return true;
          }
        }
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        stderr.wait(Math.min(left, 200));
      }
    }
  }

  private void awaitEvent(String text) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(out)) {
        for (String l : Files.readAllLines(out)) {
          if (l.contains(text)) {
            return;
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file with a deadline: the file is the signal
    }
    fail("no event containing " + text + " in " + out);
  }

  private void signal(String name) throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-" + name, Long.toString(fim.pid())).start().waitFor());
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, java.nio.file.StandardOpenOption.APPEND);
  }
}
