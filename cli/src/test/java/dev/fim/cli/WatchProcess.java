package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code fim watch} in a JVM of its own (fim's main on the test classpath), its stdout and
 * stderr in files of {@code dir}; started, waited for by what it prints, stopped with SIGTERM.
 */
final class WatchProcess implements AutoCloseable {
  static final long DEADLINE_MS = 60_000;

  private final Process process;
  private final Path out;
  private final Path err;

  private WatchProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code fim watch ARGS} and waits until it has recorded its start-up state. */
  static WatchProcess start(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(ChildFim.command("watch"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "watch-", ".out");
    Path err = Files.createTempFile(dir, "watch-", ".err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    WatchProcess w = new WatchProcess(p, out, err);
    w.awaitErr("fim watch: rec"); // "recorded N paths" or "reconciled: …"
    return w;
  }

  String out() throws Exception {
    return Files.readString(out);
  }

  String err() throws Exception {
    return Files.readString(err);
  }

  void awaitOut(String text) throws Exception {
    await(out, text);
  }

  void awaitErr(String text) throws Exception {
    await(err, text);
  }

  private void await(Path file, String text) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.readString(file).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        fail("fim watch exited " + process.exitValue() + " before " + text + ": " + this);
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file with a deadline
    }
    fail("no " + text + " in " + file + ": " + this);
  }

  /** SIGTERM; the watch must stop in order (exit 0). */
  void stop() throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
    assertTrue(process.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop");
    assertEquals(0, process.exitValue(), this::toString);
  }

  @Override
  public String toString() {
    try {
      return "--- watch stdout\n" + out() + "--- watch stderr\n" + err();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws Exception {
    ChildFim.stop(process, DEADLINE_MS);
  }
}
