package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Operating a running {@code fim watch} (issue 16): SIGHUP reloads the config (a tree added is
 * recorded and its changes reported; a config that does not parse is refused with the reason and
 * the old trees stay watched), SIGUSR1 writes a status line, and {@code fim watch --status} from
 * another process reads the running watch's status. Real processes, real fanotify; attribution
 * proc, so the host's audit state is never touched.
 */
@Tag("kernel")
class WatchOperationsTest {
  private static final long DEADLINE_MS = 30_000;
  private Path dir;
  private Path one;
  private Path two;
  private Path conf;
  private Path db;
  private Path out;
  private Process fim;
  private final List<String> stderr = ChildFim.stderrLines();

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watchops-");
    // Each tree in a directory of its own: a rule "/x/tree" also selects /x/tree2, so the walk's
    // root is the rule's parent directory.
    one = Files.createDirectories(dir.resolve("one/tree"));
    two = Files.createDirectories(dir.resolve("two/tree"));
    Files.writeString(one.resolve("f"), "one\n");
    Files.writeString(two.resolve("g"), "two\n");
    conf = dir.resolve("fim.conf");
    db = dir.resolve("db");
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

  private void start(String... more) throws Exception {
    startUnder(List.of(), more);
  }

  /** Starts fim watch as the last argument of {@code wrapper} (e.g. {@code nohup}). */
  private void startUnder(List<String> wrapper, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(
        ChildFim.command(
            "watch",
            "--db",
            db.toString(),
            "--key",
            dir.resolve("db.key").toString(),
            "-c",
            conf.toString(),
            "--attribution",
            "proc",
            "--output",
            out.toString()));
    cmd.addAll(List.of(more));
    fim = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    ChildFim.collectStderr(fim, stderr);
    awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");
  }

  private String awaitStderr(Predicate<String> p, String what) throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    synchronized (stderr) {
      while (true) {
        for (String l : stderr) {
          if (p.test(l)) {
            return l;
          }
        }
        long left = end - System.currentTimeMillis();
        if (left <= 0 || !fim.isAlive()) {
          fail("no stderr line for " + what + "; stderr: " + stderr);
        }
        stderr.wait(Math.min(left, 200));
      }
    }
  }

  /** Waits until at least {@code n} stderr lines match {@code p}. */
  private void awaitStderrCount(Predicate<String> p, long n) throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    synchronized (stderr) {
      while (stderr.stream().filter(p).count() < n) {
        long left = end - System.currentTimeMillis();
        if (left <= 0 || !fim.isAlive()) {
          fail(n + " stderr lines expected; stderr: " + stderr);
        }
        stderr.wait(Math.min(left, 200));
      }
    }
  }

  /** Polls the events file until a line contains {@code text}; returns that line. */
  private String awaitEvent(String text) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(out)) {
        for (String l : Files.readAllLines(out)) {
          if (l.contains(text)) {
            return l;
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file with a deadline: the file is the signal
    }
    fail("no event containing " + text + " in " + out);
    return null;
  }

  private void signal(String name) throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-" + name, Long.toString(fim.pid())).start().waitFor());
  }

  private int stop() throws Exception {
    signal("TERM");
    assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop");
    return fim.exitValue();
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, java.nio.file.StandardOpenOption.APPEND);
  }

  @Test
  void sighupAddsATreeWhoseChangesAreThenReported() throws Exception {
    start();
    Files.writeString(conf, one + " R\n" + two + " R\n");
    signal("HUP");
    String reloading = awaitStderr(l -> l.startsWith("fim watch: reloading "), "the reload");
    assertTrue(reloading.contains("adds " + two.getParent()), reloading);
    awaitStderr(l -> l.startsWith("fim watch: reloaded: watching 2 trees"), "the new watcher");
    awaitStderr(
        l -> l.startsWith("fim watch: recorded ") && l.contains("of 1 added tree(s)"),
        "the added tree's recording");
    // the reconcile after the switch (a change before it ends is found by it, without a writer)
    awaitStderr(l -> l.startsWith("fim watch: reconciled: 0 changes"), "the reconcile");
    append(two.resolve("g"), "changed\n");
    String event = awaitEvent("\"path\":\"" + two.resolve("g") + "\"");
    assertTrue(event.contains("\"action\":\"updated\""), event);
    assertTrue(event.contains("\"origin\":\"watch\""), event);
    // the first tree is still watched, and nothing of the added tree was reported as "created"
    append(one.resolve("f"), "changed\n");
    awaitEvent("\"path\":\"" + one.resolve("f") + "\"");
    for (String l : Files.readAllLines(out)) {
      assertFalse(l.contains("\"action\":\"created\""), l);
    }
    assertEquals(0, stop());
    String stopped = awaitStderr(l -> l.startsWith("fim watch: stopped: "), "the stop line");
    assertTrue(stopped.contains(Files.readAllLines(out).size() + " events recorded"), stopped);
  }

  /**
   * {@code nohup fim watch} starts the JVM with SIGHUP ignored, and the JVM will not install a
   * handler over an ignored SIGHUP: without fim setting the disposition back, this SIGHUP (a
   * reload, or logrotate's reopen) is dropped and no "reloaded" line ever comes.
   */
  @Test
  void aWatchStartedUnderNohupStillReloadsOnSighup() throws Exception {
    startUnder(List.of("nohup"));
    Files.writeString(conf, one + " R\n" + two + " R\n");
    signal("HUP");
    awaitStderr(l -> l.startsWith("fim watch: reloaded: watching 2 trees"), "the reload");
    synchronized (stderr) { // the watch still writes: its reader thread appends meanwhile
      assertTrue(
          stderr.stream().noneMatch(l -> l.contains("is ignored in this process")),
          stderr.toString());
    }
    assertEquals(0, stop());
  }

  /**
   * The stop line after a reload counts since the watch started: a temporary and a fold seen by the
   * first watcher are in it, not only the replacing watcher's own (zero) counts.
   */
  @Test
  void theStopLineAfterAReloadCountsTheReplacedWatchersTemporariesAndFolds() throws Exception {
    start();
    // a temporary that came and went within the quiet window, then dpkg's way of replacing a file
    assertEquals(
        0,
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "cd \"$1\" && echo t > scratch.tmp && rm scratch.tmp"
                    + " && echo new > f.dpkg-new && mv f.dpkg-new f",
                "sh",
                one.toString())
            .start()
            .waitFor());
    String folded = awaitEvent("\"path\":\"" + one.resolve("f") + "\"");
    assertTrue(folded.contains("f.dpkg-new"), () -> "folded into f: " + folded);
    Files.writeString(conf, one + " R\n" + two + " R\n");
    signal("HUP");
    awaitStderr(l -> l.startsWith("fim watch: reloaded: watching 2 trees"), "the new watcher");
    awaitStderr(l -> l.startsWith("fim watch: reconciled: 0 changes"), "the reconcile");
    assertEquals(0, stop());
    String stopped = awaitStderr(l -> l.startsWith("fim watch: stopped: "), "the stop line");
    assertTrue(stopped.contains("1 events recorded"), stopped);
    assertTrue(stopped.contains(" 1 folded into their final name"), stopped);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(" (\\d+) temporaries counted").matcher(stopped);
    assertTrue(m.find(), stopped);
    // at least: a notice split over two quiet windows counts a temporary twice
    assertTrue(Long.parseLong(m.group(1)) >= 1, stopped);
  }

  @Test
  void aBadConfigOnSighupIsRefusedWithTheReasonAndTheOldTreesStayWatched() throws Exception {
    start();
    Files.writeString(conf, one + " NoSuchGroup\n");
    signal("HUP");
    String refused = awaitStderr(l -> l.startsWith("fim watch: reload refused"), "the refusal");
    assertTrue(refused.contains("still watching 1 tree"), refused);
    assertTrue(refused.contains(conf + ":1: "), refused);
    assertTrue(refused.contains("NoSuchGroup"), refused);
    append(one.resolve("f"), "changed\n");
    String event = awaitEvent("\"path\":\"" + one.resolve("f") + "\"");
    assertTrue(event.contains("\"action\":\"updated\""), event);
    assertTrue(fim.isAlive());
    assertEquals(0, stop());
  }

  /**
   * A refused reload is not only a stderr line: it is recorded as a watch notice (action overflow,
   * path = the config file, reason "config reload refused", the message with file:line), in the
   * output a log pipeline reads and in the database's history, as audit loss is.
   */
  @Test
  void aRefusedReloadIsRecordedAsANoticeInTheOutputAndTheDatabase() throws Exception {
    start();
    Files.writeString(conf, one + " NoSuchGroup\n");
    signal("HUP");
    String event = awaitEvent("\"path\":\"" + conf + "\"");
    assertTrue(event.contains("\"action\":\"overflow\""), event);
    assertTrue(event.contains("\"attribution_reason\":\"config reload refused\""), event);
    assertTrue(
        event.contains("reload refused, still watching 1 tree with the config loaded before: "),
        event);
    assertTrue(event.contains(conf + ":1: "), event);
    assertTrue(event.contains("NoSuchGroup"), event);
    assertEquals(0, stop());
    Fim.Run history = Fim.run("history", "--db", db.toString(), "--format", "json");
    assertEquals(0, history.exit(), history::toString);
    assertTrue(
        history
            .out()
            .lines()
            .anyMatch(
                l ->
                    l.contains("\"path\":\"" + conf + "\"")
                        && l.contains("\"action\":\"overflow\"")
                        && l.contains("config reload refused")),
        history.out());
  }

  @Test
  void statusEveryWritesTheStatusLineWithoutASignal() throws Exception {
    start("--status-every", "0.005"); // 0.3 s
    synchronized (stderr) {
      long end = System.currentTimeMillis() + DEADLINE_MS;
      while (stderr.stream().filter(l -> l.startsWith("fim watch: status: up ")).count() < 2) {
        long left = end - System.currentTimeMillis();
        assertTrue(left > 0 && fim.isAlive(), "no two periodic status lines: " + stderr);
        stderr.wait(Math.min(left, 200));
      }
    }
    assertEquals(0, stop());
  }

  @Test
  void sigusr1WritesAStatusLineAndWatchStatusReadsItFromAnotherProcess() throws Exception {
    start();
    append(one.resolve("f"), "changed\n");
    awaitEvent("\"path\":\"" + one.resolve("f") + "\"");
    signal("USR1");
    String line = awaitStderr(l -> l.startsWith("fim watch: status: up "), "the status line");
    assertTrue(line.contains(" 1 events recorded, 0 overflow rescans, 0 audit records lost"), line);
    assertTrue(line.contains("attribution audit 0 / proc 1 / none 0"), line);
    assertTrue(fim.isAlive(), "SIGUSR1 does not end the watch");

    Fim.Run status = Fim.run("watch", "--status", "--db", db.toString());
    assertEquals(0, status.exit(), status::toString);
    String json = status.out();
    assertTrue(json.startsWith("{\"@timestamp\":\""), json);
    assertTrue(json.contains("\"pid\":" + fim.pid() + ","), json);
    assertTrue(json.contains("\"events\":1,"), json);
    assertTrue(json.contains("\"attribution\":{\"audit\":0,\"proc\":1,\"none\":0}"), json);
    assertTrue(json.contains("\"backend\":\"fanotify\""), json);
    // the query made the watch write a fresh status: its line comes to stderr a second time (read
    // by another thread, and written by the watch after the status file the query read)
    awaitStderrCount(l -> l.startsWith("fim watch: status: up "), 2);
    synchronized (stderr) {
      assertEquals(
          2,
          stderr.stream().filter(l -> l.startsWith("fim watch: status: up ")).count(),
          stderr.toString());
    }

    assertEquals(0, stop());
    Fim.Run after = Fim.run("watch", "--status", "--db", db.toString());
    assertEquals(1, after.exit(), after::toString);
    assertTrue(after.err().contains("no fim watch runs on " + db), after.err());
  }
}
