package dev.fim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs fim in-process (as its main does, captured output) or as a real child process (for the
 * locale).
 */
final class Fim {
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Fim() {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** As {@link #run}, always through picocli (never {@code audit search}'s quick way in). */
  static Run runPicocli(String... args) {
    return execute(FimCommand.commandLine(RawArgs.fromProcCmdline(args), args), args);
  }

  /** Runs {@code args} through the picocli model {@code cl}, capturing what it prints. */
  static Run execute(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * Runs {@code args} (a subcommand first) in-process on the given database, seal key and config.
   */
  static Run on(
      java.nio.file.Path db, java.nio.file.Path key, java.nio.file.Path conf, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(1, List.of("--db", db.toString(), "--key", key.toString(), "-c", conf.toString()));
    return run(a.toArray(String[]::new));
  }

  /**
   * A real JVM running fim's main with the given environment (e.g. LC_ALL=C); args as raw bytes.
   */
  static Run process(Map<String, String> env, byte[]... args) throws Exception {
    return process(env, "", args);
  }

  /**
   * As {@link #process(Map, byte[]...)}, with shell commands run first in the child (e.g. join a
   * cgroup).
   */
  static Run process(Map<String, String> env, String shellPrefix, byte[]... args) throws Exception {
    List<String> cmd = new ArrayList<>(ChildFim.command());
    // Java can't pass arbitrary bytes as arguments, so go through bash's $'\ooo' quoting.
    StringBuilder sh = new StringBuilder(shellPrefix).append(" exec");
    for (String c : cmd) {
      sh.append(" '").append(c.replace("'", "'\\''")).append('\'');
    }
    for (byte[] a : args) {
      sh.append(" $'");
      for (byte b : a) {
        sh.append(String.format("\\%03o", b & 0xff));
      }
      sh.append('\'');
    }
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", sh.toString());
    pb.environment().putAll(env);
    // Both streams go to files, not pipes: a child that fills one pipe while the test reads the
    // other would block for ever, and the deadline below could never fire.
    Path outFile = Files.createTempFile("fim-process-out", ".txt");
    Path errFile = Files.createTempFile("fim-process-err", ".txt");
    try {
      pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "fim did not finish in 120 s; stderr so far:\n"
                + new String(Files.readAllBytes(errFile), StandardCharsets.UTF_8));
      }
      return new Run(
          p.exitValue(),
          new String(Files.readAllBytes(outFile), StandardCharsets.UTF_8),
          new String(Files.readAllBytes(errFile), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }
}
