package dev.fim.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian package, built with {@code dpkg-deb --build} and installed with {@code dpkg -i}, of
 * a name unique to this run ({@code fimtest-<random>}), whose files lie under one directory the
 * test owns. {@link #close()} purges it whatever happened, so a failing test leaves no package
 * installed. Needs root and dpkg.
 */
final class TestDeb implements AutoCloseable {
  static final long DEADLINE_MS = 120_000;

  final String name = "fimtest-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  private final Path work;
  private int builds;

  TestDeb() throws IOException {
    work = Files.createTempDirectory(Path.of("/tmp"), "fimpkg-");
  }

  /** Whether this host can build and install packages (root, dpkg-deb, dpkg). */
  static String unavailable() {
    if (!Commands.isRoot()) {
      return "installing a package needs root";
    }
    for (String tool : List.of("/usr/bin/dpkg", "/usr/bin/dpkg-deb")) {
      if (!Files.isExecutable(Path.of(tool))) {
        return tool + " is missing";
      }
    }
    return null;
  }

  /**
   * Builds version {@code version} with {@code files} (absolute path → content; executable when
   * under a {@code bin} directory), {@code conffiles} among them, and, when {@code md5sums} is not
   * null, that {@code DEBIAN/md5sums} (absolute path → MD5) instead of the one dpkg computes.
   */
  Path build(
      String version, Map<Path, String> files, List<Path> conffiles, Map<Path, String> md5sums)
      throws Exception {
    return build(version, files, conffiles, md5sums, null);
  }

  /** As above, with {@code postinst} as the package's postinst script when not null. */
  Path build(
      String version,
      Map<Path, String> files,
      List<Path> conffiles,
      Map<Path, String> md5sums,
      String postinst)
      throws Exception {
    Path root = work.resolve("build-" + (++builds));
    Path debian = Files.createDirectories(root.resolve("DEBIAN"));
    if (postinst != null) {
      Path script = debian.resolve("postinst");
      Files.writeString(script, postinst);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(
        debian.resolve("control"),
        "Package: "
            + name
            + "\nVersion: "
            + version
            + "\nArchitecture: all\nMaintainer: fim tests <root@localhost>\n"
            + "Description: fim test package (removed by the test)\n");
    if (!conffiles.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (Path c : conffiles) {
        sb.append(c).append('\n');
      }
      Files.writeString(debian.resolve("conffiles"), sb);
    }
    if (md5sums != null) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<Path, String> m : md5sums.entrySet()) {
        sb.append(m.getValue())
            .append("  ")
            .append(m.getKey().toString().substring(1))
            .append('\n');
      }
      Files.writeString(debian.resolve("md5sums"), sb);
    }
    for (Map.Entry<Path, String> f : files.entrySet()) {
      Path p = root.resolve(f.getKey().toString().substring(1));
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
      boolean exec = p.getParent().getFileName().toString().equals("bin");
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
    }
    Path deb = work.resolve(name + "_" + version + ".deb");
    run(List.of("dpkg-deb", "--root-owner-group", "--build", root.toString(), deb.toString()));
    return deb;
  }

  /** A path in this package's own work directory (removed by {@link #close()}). */
  Path workFile(String name) {
    return work.resolve(name);
  }

  /** {@code dpkg -i DEB}, waiting for another dpkg's lock if need be. */
  void install(Path deb) throws Exception {
    dpkg(List.of("dpkg", "--force-confnew", "-i", deb.toString()), true);
  }

  static Map<Path, String> files(Object... pathThenContent) {
    Map<Path, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pathThenContent.length; i += 2) {
      out.put((Path) pathThenContent[i], (String) pathThenContent[i + 1]);
    }
    return out;
  }

  static String md5(String content) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  /** Purges the package (installed or not) and removes the build directory. */
  @Override
  public void close() throws Exception {
    try {
      dpkg(List.of("dpkg", "--purge", name), false);
    } finally {
      WatchHarness.deleteTree(work);
    }
  }

  /** Runs dpkg; while another dpkg holds its lock, tries again until the deadline. */
  private static void dpkg(List<String> command, boolean mustSucceed) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (true) {
      Result r = exec(command);
      if (r.exit == 0) {
        return;
      }
      boolean locked = r.output.contains("lock");
      if (!locked || System.currentTimeMillis() > end) {
        if (mustSucceed) {
          throw new AssertionError(command + " exited " + r.exit + ": " + r.output);
        }
        return;
      }
      Thread.sleep(200); // another helper's dpkg holds the lock: poll until the deadline
    }
  }

  private static void run(List<String> command) throws Exception {
    Result r = exec(command);
    if (r.exit != 0) {
      throw new AssertionError(command + " exited " + r.exit + ": " + r.output);
    }
  }

  private record Result(int exit, String output) {}

  private static Result exec(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
