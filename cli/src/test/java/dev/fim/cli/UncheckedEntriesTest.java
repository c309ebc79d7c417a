package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a scan cannot check must show (issue 12, defect 2): files below a path longer than PATH_MAX
 * are scanned like any other, and an entry that cannot be read sets exit bit 8 instead of passing
 * as unchanged. Real trees, a real RocksDB, the real CLI (as nobody in a child JVM where root would
 * read everything).
 */
class UncheckedEntriesTest {
  /** 250 bytes: NAME_MAX is 255. */
  static final String NAME = "d".repeat(250);

  static final int DEPTH = 20;

  Path tmp;

  @BeforeEach
  void dir() throws Exception {
    // Not JUnit's @TempDir: its cleanup walks with java.nio paths, which cannot reach below
    // PATH_MAX.
    tmp = Files.createTempDirectory("fim-unchecked");
  }

  @AfterEach
  void removeDir() throws Exception {
    sh("rm -rf \"$1\"", tmp.toString()); // GNU rm walks with openat: any depth
  }

  /**
   * 20 directories of 250-byte names (a 5 KB path, over PATH_MAX) with a file at the bottom;
   * returns its path.
   */
  static String deepTree(Path top) throws Exception {
    sh(
        "cd \"$1\" && for i in $(seq "
            + DEPTH
            + "); do mkdir \"$2\" && cd \"$2\" || exit 1; done && echo original > bottom",
        top.toString(),
        NAME);
    String bottom = top + ("/" + NAME).repeat(DEPTH) + "/bottom";
    assertTrue(bottom.length() > 4096, "the path must pass PATH_MAX");
    return bottom;
  }

  static void appendAtBottom(Path top, String text) throws Exception {
    sh(
        "cd \"$1\" && for i in $(seq "
            + DEPTH
            + "); do cd \"$2\" || exit 1; done && echo \"$3\" >> bottom",
        top.toString(),
        NAME,
        text);
  }

  @Test
  void aChangeBelowPathMaxIsReportedAsChanged() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    String bottom = deepTree(t.tree());
    Fim.Run init = Fim.on(t.db(), t.key(), t.conf(), "init");
    assertEquals(0, init.exit(), init.toString());
    assertFalse(init.err().contains("ENAMETOOLONG"), init.toString());
    Fim.Run clean = Fim.on(t.db(), t.key(), t.conf(), "check");
    assertEquals(0, clean.exit(), clean.toString());

    appendAtBottom(t.tree(), "tampered");
    Fim.Run check = Fim.on(t.db(), t.key(), t.conf(), "check");
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check.out().contains("Summary: 0 added, 0 removed, 1 changed, 0 problems"),
        check.toString());
    assertTrue(
        check.out().contains("  f " + bottom + "\n      content: xxh3_128:"), check.toString());
    assertTrue(check.out().contains("      size: 9 → 18\n"), check.toString());
  }

  /** A scope PATH that is itself longer than PATH_MAX: its parents are opened piece by piece. */
  @Test
  void aScopeLongerThanPathMaxIsChecked() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    String bottom = deepTree(t.tree());
    String deepDir = bottom.substring(0, bottom.length() - "/bottom".length());
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    appendAtBottom(t.tree(), "tampered");
    Fim.Run check = Fim.on(t.db(), t.key(), t.conf(), "check", deepDir);
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check.out().contains("Summary: 0 added, 0 removed, 1 changed, 0 problems"),
        check.toString());
    assertTrue(check.out().contains("  f " + bottom + "\n"), check.toString());
  }

  /**
   * A file fim cannot read: its content cannot be compared, so "no change" is not known. As root
   * nothing is EACCES, so fim runs as nobody (setpriv) in a child JVM, on a tree, database and key
   * nobody owns, and a root-owned file of mode 000 in it. Before exit bit 8 this check exited 0.
   */
  @Test
  @Tag("kernel")
  void anUnreadableFileSetsExitBit8() throws Exception {
    assumeTrue(
        CommonOptions.isRoot() && has("setpriv"), "needs root to drop to uid 65534 with setpriv");
    sh("chmod 755 \"$1\"", tmp.toString());
    Path home = Files.createDirectories(tmp.resolve("home"));
    EtcTree t = EtcTree.in(home, "");
    Path secret = t.tree().resolve("etc/secret");
    Files.writeString(secret, "root only\n");
    sh(
        "chown -R 65534:65534 \"$1\" && chown 0:0 \"$2\" && chmod 000 \"$2\"",
        home.toString(),
        secret.toString());
    Path cp = Files.createDirectories(tmp.resolve("cp"));
    String classpath = readableCopy(System.getProperty("java.class.path"), cp);

    Run init =
        asNobody(
            classpath,
            "init",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "-c",
            t.conf().toString());
    assertEquals(0, init.exit, init.toString());
    assertTrue(
        init.err.contains(
            "open " + secret + " for hashing: EACCES (Permission denied); hash skipped"),
        init.toString());

    Run check =
        asNobody(
            classpath,
            "check",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "-c",
            t.conf().toString());
    assertEquals(ExitCodes.UNCHECKED, check.exit, check.toString());
    assertTrue(
        check.out.contains("Summary: 0 added, 0 removed, 0 changed, 1 problems"), check.toString());
    // The problem is printed once, its path once (the message names it).
    assertTrue(
        check.out.contains(
            "\nProblems:\n  open " + secret + " for hashing: EACCES (Permission denied)"),
        check.toString());
    assertTrue(
        check.err.contains("fim: 1 entry could not be checked (exit bit 8)"), check.toString());

    // The JSON report says the same in its exit_code; and a real change on top combines: 4 | 8.
    Files.writeString(
        t.tree().resolve("etc/hosts"), "10.0.0.1 evil\n", java.nio.file.StandardOpenOption.APPEND);
    Run json =
        asNobody(
            classpath,
            "check",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "-c",
            t.conf().toString(),
            "--format",
            "json");
    assertEquals(ExitCodes.CHANGED | ExitCodes.UNCHECKED, json.exit, json.toString());
    assertTrue(json.out.contains("\"exit_code\":12"), json.toString());
  }

  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static Run asNobody(String classpath, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile());
    pb.environment().putAll(Map.of("HOME", "/nonexistent"));
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("fim did not finish in 120 s");
    }
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /**
   * Test classpath entries under /root are not readable by nobody: copy them somewhere
   * world-readable.
   */
  private static String readableCopy(String classpath, Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      Path src = Path.of(entry);
      if (!Files.exists(src)) {
        continue;
      }
      Path dst = dir.resolve((i++) + "-" + src.getFileName());
      sh("cp -r \"$1\" \"$2\"", src.toString(), dst.toString());
      out.add(dst.toString());
    }
    sh("chmod -R a+rX \"$1\"", dir.toString());
    return String.join(java.io.File.pathSeparator, out);
  }

  static boolean has(String program) throws Exception {
    return new ProcessBuilder("sh", "-c", "command -v " + program).start().waitFor() == 0;
  }

  static void sh(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "sh"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), script + ": " + text);
  }
}
