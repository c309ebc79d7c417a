package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Real processes for the kernel tests: the changes they watch for are made by commands, as in
 * production.
 */
public final class Commands {
  private Commands() {}

  /**
   * Runs a command to completion, without pipes left open in this JVM; returns its pid. Fails the
   * test unless 0.
   */
  public static long run(String... cmd) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly(); // not left running beside the next tests
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("timed out: " + Arrays.toString(cmd));
    }
    assertEquals(0, p.exitValue(), () -> "failed: " + Arrays.toString(cmd));
    return p.pid();
  }

  /**
   * Whether this JVM runs as uid 0 (kernel tests that need privileges skip otherwise): the engine
   * module's one such helper.
   */
  public static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }
}
