package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real process as a logged-in user runs it: a bash sets {@code /proc/self/loginuid} to 1001 (as
 * pam_loginuid does at login; root may) and then runs the command, which inherits the login uid as
 * everything a user runs after {@code sudo} does.
 *
 * <p>By default the command runs as bash's child, as a login shell's commands do: a fresh task,
 * whose PROCTITLE is its own. With {@link #startExec} bash execs it instead; the command then keeps
 * bash's pid, and the kernel keeps bash's PROCTITLE for it (it was cached when the loginuid write
 * was audited).
 */
final class LoginChild {
  static final long LOGIN_UID = 1001;

  final Process process;

  /** Wall clock (ns since the epoch) just before the process was started. */
  final long startedNs;

  /** The pid of the command itself. */
  final int commandPid;

  private final BufferedReader out;

  private LoginChild(Process process, long startedNs, int commandPid, BufferedReader out) {
    this.process = process;
    this.startedNs = startedNs;
    this.commandPid = commandPid;
    this.out = out;
  }

  /**
   * Starts {@code argv} in {@code cwd} as a child of a login-uid-1001 bash; returns once its pid is
   * known.
   */
  static LoginChild start(Path cwd, String... argv) throws IOException {
    return start(
        cwd, "echo 1001 > /proc/self/loginuid || exit 99; \"$@\" & echo $!; wait $!", false, argv);
  }

  /** As {@link #start}, but bash execs the command (same pid, bash's cached PROCTITLE). */
  static LoginChild startExec(Path cwd, String... argv) throws IOException {
    return start(
        cwd, "echo 1001 > /proc/self/loginuid || exit 99; echo $$; exec \"$@\"", true, argv);
  }

  private static LoginChild start(Path cwd, String script, boolean exec, String... argv)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "bash"));
    cmd.addAll(List.of(argv));
    long t = nowNs();
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertNotNull(first, () -> "no pid from " + cmd);
    int pid;
    try {
      pid = Integer.parseInt(first.trim());
    } catch (NumberFormatException e) {
      throw new AssertionError("expected a pid from " + cmd + ", got: " + first);
    }
    if (exec) {
      assertEquals(p.pid(), pid);
    }
    return new LoginChild(p, t, pid, out);
  }

  /** Runs it to the end; fails the test unless it exits 0. */
  static LoginChild run(Path cwd, String... argv) throws IOException, InterruptedException {
    LoginChild c = start(cwd, argv);
    c.await();
    return c;
  }

  /** The bash's pid: the command's parent, or the command itself after {@link #startExec}. */
  int bashPid() {
    return (int) process.pid();
  }

  /** Waits for the exit (30 s at most); fails the test unless 0. Returns the rest of the output. */
  String await() throws IOException, InterruptedException {
    String rest = out.lines().collect(Collectors.joining("\n"));
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "child finished");
    assertEquals(0, process.exitValue(), () -> "failed: " + rest);
    return rest;
  }

  static long nowNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
