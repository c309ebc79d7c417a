package dev.fim.baseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link ScanMain} in a child JVM, optionally as uid/gid 65534 (nobody) via setpriv. */
final class ChildScan {
  private ChildScan() {}

  static String run(Path root, boolean asNobody, String... env)
      throws IOException, InterruptedException {
    String classpath = System.getProperty("java.class.path");
    Path copy = null;
    if (asNobody) {
      copy = Files.createTempDirectory("fim-cp");
      classpath = readableCopy(classpath, copy);
    }
    try {
      return runJava(root, asNobody, classpath, env);
    } finally {
      if (copy != null) {
        TestFiles.sh("rm -rf \"$1\"", copy.toString());
      }
    }
  }

  private static String runJava(Path root, boolean asNobody, String classpath, String... env)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asNobody) {
      cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    cmd.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            classpath,
            ScanMain.class.getName(),
            TestFiles.pb(root).hex()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    for (String e : env) {
      String[] kv = e.split("=", 2);
      pb.environment().put(kv[0], kv[1]);
    }
    if (env.length > 0) {
      pb.environment().remove("LANG");
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("child scan timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("child scan failed (" + p.exitValue() + "):\n" + text);
    }
    return text;
  }

  /**
   * Test classpath entries under /root are not readable by nobody: copy them somewhere
   * world-readable.
   */
  private static String readableCopy(String classpath, Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      Path src = Path.of(entry);
      if (!Files.exists(src)) {
        continue;
      }
      Path dst = dir.resolve((i++) + "-" + src.getFileName());
      TestFiles.sh("cp -r \"$1\" \"$2\"", src.toString(), dst.toString());
      out.add(dst.toString());
    }
    TestFiles.sh("chmod -R a+rX \"$1\"", dir.toString());
    return String.join(java.io.File.pathSeparator, out);
  }
}
