package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while {@code fim watch} is still starting (issue 16): the stop is held from main's first
 * line and acted on as soon as there is something to stop, so the watch exits 0 in order and leaves
 * the host as it was; before, a signal before the handlers went in (after the watcher's start)
 * ended the JVM with 143 halfway through its start. The signal is sent at each point of the start
 * in turn, found by polling /proc and stderr (no sleeps), several times each to catch the race.
 */
@Tag("kernel")
class WatchStartSignalTest {
  private static final long DEADLINE_MS = 60_000;
  private static final int ROUNDS = 3;
  private Path dir;
  private Path tree;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-termstart-");
    tree = Files.createDirectory(dir.resolve("tree"));
    Files.writeString(tree.resolve("f"), "one\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  /** When to send SIGTERM: the process exists, or stderr has a line matching. */
  private record Moment(String name, Predicate<String> line) {}

  @Test
  void aSigtermAtAnyPointOfTheStartStopsTheWatchInOrder() throws Exception {
    List<Moment> moments =
        List.of(
            new Moment("the process exists", null),
            new Moment("the first stderr line", l -> true),
            new Moment("the backend line", l -> l.startsWith("fim watch: watching ")),
            new Moment("the initial recording", l -> l.startsWith("fim watch: recorded ")));
    for (int round = 0; round < ROUNDS; round++) {
      for (Moment m : moments) {
        Path db = dir.resolve("db-" + round + "-" + moments.indexOf(m));
        Run run = startAndTerminate(db, m);
        String what = "SIGTERM at " + m.name() + " (round " + round + "): " + run;
        if (run.stderr.isEmpty()) {
          // Only possible before main's first line (the JVM's own start): fim did nothing yet.
          assertTrue(run.exit == 0 || run.exit == 143, what);
          assertTrue(m.line() == null, what);
        } else {
          assertEquals(0, run.exit, what);
          String last = run.stderr.get(run.stderr.size() - 1);
          assertTrue(
              last.startsWith("fim watch: stopped") || last.contains("stopped before the"), what);
        }
        // (other programs may change the host's rules meanwhile: only ours are looked for)
        assertFalse(auditRules().contains(tree.toString()), "no audit rule of this watch; " + what);
        if (Files.isDirectory(db)) {
          // the database lock is released: the store opens again
          try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
            assertTrue(s != null, what);
          }
        }
      }
    }
  }

  private record Run(int exit, List<String> stderr) {
    @Override
    public String toString() {
      return "exit " + exit + ", stderr " + stderr;
    }
  }

  private Run startAndTerminate(Path db, Moment m) throws Exception {
    List<String> cmd =
        ChildFim.command("watch", "--db", db.toString(), "--attribution", "proc", tree.toString());
    Process fim = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    List<String> stderr = ChildFim.stderrLines();
    Thread reader = ChildFim.collectStderr(fim, stderr);
    try {
      long end = System.currentTimeMillis() + DEADLINE_MS;
      if (m.line() == null) {
        while (!Files.exists(Path.of("/proc", Long.toString(fim.pid())))) {
          assertTrue(System.currentTimeMillis() < end, "the process never appeared in /proc");
          Thread.onSpinWait();
        }
      } else {
        synchronized (stderr) {
          while (stderr.stream().noneMatch(m.line())) {
            long left = end - System.currentTimeMillis();
            assertTrue(left > 0 && fim.isAlive(), "no stderr line for " + m.name() + ": " + stderr);
            stderr.wait(Math.min(left, 100));
          }
        }
      }
      assertEquals(
          0, new ProcessBuilder("kill", "-TERM", Long.toString(fim.pid())).start().waitFor());
      assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim did not stop");
      reader.join(DEADLINE_MS);
      synchronized (stderr) {
        return new Run(fim.exitValue(), List.copyOf(stderr));
      }
    } finally {
      if (fim.isAlive()) {
        fim.destroyForcibly().waitFor();
      }
    }
  }

  /** The kernel's audit rules as auditctl lists them (read only). */
  private static String auditRules() throws Exception {
    Path auditctl = Path.of("/usr/sbin/auditctl");
    if (!Files.isExecutable(auditctl)) {
      return "(no auditctl)";
    }
    Process p = new ProcessBuilder(auditctl.toString(), "-l").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
