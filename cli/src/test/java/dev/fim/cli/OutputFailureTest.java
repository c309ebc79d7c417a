package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fim.cli.report.SyntheticHistory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 10: output that cannot be written was success. {@code fim check > /dev/full}
 * exited 5 with nothing on stderr: the PrintWriter every command prints through keeps its
 * IOException to itself. Real fim processes here, with standard output on /dev/full (ENOSPC on
 * every write) or on a pipe whose reader has gone (EPIPE).
 */
class OutputFailureTest {
  private static final String NO_SPACE =
      "fim: cannot write standard output: No space left on device";
  @TempDir Path tmp;

  @Test
  void everyCommandThatPrintsExits20WhenStandardOutputIsFull() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    String[] on = {
      "--db", t.db().toString(), "--key", t.key().toString(), "-c", t.conf().toString()
    };
    Path hosts = t.tree().resolve("etc/hosts");
    assertFull(cmd("init", on));
    Files.writeString(hosts, "10.0.0.9 backup\n");
    assertFull(cmd("check", on)); // was exit 4 (changed), silently
    assertFull(cmd("check", on, "--format", "json"));
    assertFull(cmd("history", "--db", t.db().toString(), "--key", t.key().toString()));
    assertFull(
        cmd(
            "history",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "--format",
            "json",
            t.tree().toString()));
    assertFull(
        cmd("who", "--db", t.db().toString(), "--key", t.key().toString(), hosts.toString()));
    assertFull(
        cmd("report", "--db", t.db().toString(), "--key", t.key().toString(), "--since", "-1h"));
    assertFull(
        cmd(
            "report",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "--since",
            "-1h",
            "--format",
            "csv"));
    assertFull(cmd("accept", on, hosts.toString(), "--note", "CHG-1"));
    Files.writeString(hosts, "10.0.0.10 backup\n");
    assertFull(cmd("update", on));
    Path rules = Files.writeString(tmp.resolve("r.rules"), "-w /etc/passwd -p wa -k fim-test\n");
    assertFull(cmd("audit", "rules", "compile", rules.toString()));
    assertFull(
        cmd("audit", "search", "--input", AuditSearchCommandTest.fixture(), "-k", "kill_signals"));
    assertFull(cmd("--help"));
    assertFull(cmd("history", "--help"));
  }

  @Test
  void aClosedPipeStopsQuietlyWithExit20() throws Exception {
    Path db = tmp.resolve("db");
    SyntheticHistory.main(
        new String[] {db.toString(), "5000", "9"}); // far more than a pipe's 64 KiB
    for (List<String> args :
        List.of(
            List.of("history", "--db", db.toString()),
            List.of("report", "--db", db.toString(), "--since", "-31d", "--format", "json"))) {
      Path err = tmp.resolve("err");
      // head -c 0 reads nothing and exits: fim's next write into the pipe fails with EPIPE.
      String script =
          quote(java(args))
              + " 2>"
              + quote(List.of(err.toString()))
              + " | head -c 0; echo ${PIPESTATUS[0]}";
      Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bash did not finish");
      assertEquals("20", out, args + ": exit; stderr: " + Files.readString(err));
      assertEquals(
          "",
          Files.readString(err),
          args + ": a reader that stopped reading is not an error to print");
    }
  }

  @Test
  void watchStopsWithExit20WhenItsStandardOutputIsFull() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    String[] on = {
      "--db", t.db().toString(), "--key", t.key().toString(), "-c", t.conf().toString()
    };
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    // inotify and /proc attribution: no root and no kernel audit needed.
    Process p =
        new ProcessBuilder(java(cmd("watch", on, "--backend", "inotify", "--attribution", "proc")))
            .redirectOutput(new File("/dev/full"))
            .start();
    List<String> stderr = ChildFim.stderrLines();
    Thread reader = ChildFim.collectStderr(p, stderr);
    try {
      long end = System.currentTimeMillis() + 60_000;
      synchronized (stderr) {
        while (stderr.stream()
            .noneMatch(l -> l.startsWith("fim watch: reconciled"))) { // watching, compared
          long left = end - System.currentTimeMillis();
          if (left <= 0 || !p.isAlive()) {
            fail("fim watch did not start: " + stderr);
          }
          stderr.wait(Math.min(left, 200));
        }
      }
      Files.writeString(t.tree().resolve("etc/new-file"), "x\n");
      // Before, the watch went on with its alerts going nowhere, and this waited in vain.
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fim watch did not stop: " + stderr);
      reader.join(10_000);
      synchronized (stderr) {
        assertEquals(ExitCodes.IO, p.exitValue(), String.join("\n", stderr));
        assertTrue(stderr.contains(NO_SPACE), String.join("\n", stderr));
      }
    } finally {
      p.destroyForcibly();
    }
    Fim.Run history = Fim.run("history", "--db", t.db().toString(), "--key", t.key().toString());
    assertTrue(
        history.out().contains("etc/new-file"),
        "the change was recorded before the alert failed: " + history);
  }

  private void assertFull(List<String> args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(java(args)).redirectOutput(new File("/dev/full"));
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(args + " did not finish");
    }
    assertEquals(ExitCodes.IO, p.exitValue(), args + ": " + err);
    assertTrue(err.contains(NO_SPACE), args + ": " + err);
    assertEquals(1, err.split(NO_SPACE, -1).length - 1, args + ": said once: " + err);
    assertFalse(err.contains("\tat "), args + ": no stack trace: " + err);
  }

  private static List<String> cmd(String command, String... args) {
    List<String> a = new ArrayList<>(List.of(command));
    a.addAll(List.of(args));
    return a;
  }

  private static List<String> cmd(String command, String[] on, String... args) {
    List<String> a = cmd(command, on);
    a.addAll(List.of(args));
    return a;
  }

  private static List<String> java(List<String> args) {
    List<String> c = new ArrayList<>(ChildFim.command());
    c.addAll(args);
    return c;
  }

  private static String quote(List<String> words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      b.append(b.length() == 0 ? "" : " ")
          .append('\'')
          .append(w.replace("'", "'\\''"))
          .append('\'');
    }
    return b.toString();
  }
}
