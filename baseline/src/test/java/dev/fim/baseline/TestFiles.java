package dev.fim.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test fixtures built with the real tools (bash, printf, setfacl…), so that names with odd bytes
 * are made by the shell, never through Java's file-name encoding.
 */
public final class TestFiles {
  /** Names that Java's String/Path round trip would lose or reject under LC_ALL=C. */
  public static final byte[] NAME_FF = {'o', 'd', 'd', '_', (byte) 0xff, '_', 'b'};

  public static final byte[] NAME_NEWLINE = {'n', 'e', 'w', '\n', 'l', 'i', 'n', 'e'};
  public static final byte[] NAME_E_ACUTE = "caf\u00e9".getBytes(StandardCharsets.UTF_8);

  private TestFiles() {}

  public static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** Runs {@code bash -c script} with positional args; fails the test on a non-zero exit. */
  public static String sh(String script, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "sh"));
    cmd.addAll(List.of(args));
    // stderr apart from stdout: tools such as xxh128sum draw progress on stderr.
    java.io.File err = java.io.File.createTempFile("fim-test", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timeout: " + script);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      String errText = Files.readString(err.toPath(), StandardCharsets.ISO_8859_1);
      assertEquals(
          0,
          p.exitValue(),
          () -> "`" + script + "` " + List.of(args) + " failed:\n" + text + errText);
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      err.delete();
    }
  }

  /** Whether a command is on PATH. */
  public static boolean has(String tool) {
    try {
      return new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Installs a Debian package when its tool is missing (we run as root in CI); true if present
   * after.
   */
  public static boolean ensureTool(String tool, String aptPackage) {
    if (has(tool)) {
      return true;
    }
    if (!isRoot()) {
      return false;
    }
    try {
      new ProcessBuilder(
              "bash",
              "-c",
              "DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
                  + aptPackage
                  + " >/dev/null 2>&1")
          .start()
          .waitFor(300, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return has(tool);
  }

  public static PathBytes pb(Path p) {
    return PathBytes.ofUtf8(p.toString());
  }

  /** Creates a file whose name is raw bytes (via printf), with the given content. */
  public static void writeRaw(Path dir, byte[] name, String content) throws IOException {
    sh(
        "cd \"$1\" && printf '%s' \"$3\" > \"$(printf \"$2\")\"",
        dir.toString(), printfEscape(name), content);
  }

  /** {@code \xNN} escapes for every byte, for printf(1). */
  public static String printfEscape(byte[] name) {
    StringBuilder sb = new StringBuilder();
    for (byte b : name) {
      sb.append(String.format("\\x%02x", b & 0xff));
    }
    return sb.toString();
  }

  public static Path write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }
}
