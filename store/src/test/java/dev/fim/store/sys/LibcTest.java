package dev.fim.store.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fim's libc bindings bind the C library the process runs with, never a {@code libc.so.N} found by
 * listing the library search path: a planted {@code libc.so.99} in a directory of that path (here
 * {@code jnr.ffi.library.path}) is not loaded.
 */
class LibcTest {
  @TempDir Path tmp;

  @Test
  void aLibcPlantedInTheSearchPathIsNotLoaded() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/cc")), "no C compiler to build the library");
    Path dir = Files.createDirectories(tmp.resolve("libs"));
    Path mark = tmp.resolve("planted-mark");
    Path c = tmp.resolve("planted.c");
    Files.writeString(
        c,
        "#include <fcntl.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
            + "__attribute__((constructor)) static void planted(void) {\n"
            + "  const char *m = getenv(\"FIM_PLANTED_MARK\"); if (m) close(creat(m, 0600));\n}\n");
    Process cc =
        new ProcessBuilder(
                "/usr/bin/cc",
                "-shared",
                "-fPIC",
                "-o",
                dir.resolve("libc.so.99").toString(),
                c.toString())
            .redirectErrorStream(true)
            .start();
    String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, cc.waitFor(), ccOut);

    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djnr.ffi.library.path=" + dir,
            "-cp",
            System.getProperty("java.class.path"),
            CallGetpid.class.getName());
    pb.environment().put("FIM_PLANTED_MARK", mark.toString());
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
    assertEquals(0, p.exitValue(), out);
    assertFalse(Files.exists(mark), "the planted libc.so.99 was loaded");
    // The control: the binding works, and is libc's (its getpid is the child's pid).
    assertEquals("getpid " + p.pid() + "\ninvoker getpid " + p.pid(), out.strip());
  }

  /**
   * The child: binds SocketCalls (bound at once) and calls getpid through it, then through a {@link
   * LibcFunction}.
   */
  public static final class CallGetpid {
    public static void main(String[] args) {
      System.out.println("getpid " + SocketCalls.libc().getpid());
      // The jffi path (LibcFunction) looks the symbol up in the process's global scope.
      System.out.println(
          "invoker getpid " + LibcFunction.of("getpid", com.kenai.jffi.Type.SINT).call());
    }
  }
}
