package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/fim, the launcher, as a user runs it: a copy in a scratch build layout ({@code bin/fim},
 * {@code cli/target/fim-cli.jar}, its {@code lib/} and {@code native/}) made from this build's
 * package. An integration test (failsafe, after the package phase, which makes the jar and the
 * extracted libraries).
 *
 * <p>Native libraries: a library that someone else can replace is their code running as fim's user
 * (root). A planted library that, when loaded, creates a marker file proves which directories the
 * launcher loads from. Class data sharing: one archive, trained once for every command, used by the
 * next command, and a damaged archive never breaks a command nor prints anything.
 */
class LauncherIT {
  @TempDir Path tmp;

  private Path repo;
  private Path layout;
  private Path target;
  private Path nativeDir;
  private Path tree;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void layout() throws Exception {
    repo = Path.of(System.getProperty("fim.repo"));
    Path built = repo.resolve("cli/target");
    assumeTrue(
        Files.isRegularFile(built.resolve("native/librocksdbjni-linux64.so")),
        "no extracted native libraries: run after mvn package");
    layout = tmp.resolve("fim");
    target = Files.createDirectories(layout.resolve("cli/target"));
    Files.createDirectories(layout.resolve("bin"));
    Files.copy(repo.resolve("bin/fim"), layout.resolve("bin/fim"));
    Files.copy(built.resolve("fim-cli.jar"), target.resolve("fim-cli.jar"));
    Files.createSymbolicLink(target.resolve("lib"), built.resolve("lib"));
    nativeDir = Files.createDirectories(target.resolve("native"));
    for (String lib : new String[] {"librocksdbjni-linux64.so", "libjffi-1.2.so"}) {
      Files.copy(built.resolve("native").resolve(lib), nativeDir.resolve(lib));
    }
    tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("a"), "a\n");
  }

  /**
   * The control: from a directory only its owner can write, the launcher loads the libraries (the
   * planted one creates its marker). Without it the tests below could pass by loading nothing.
   */
  @Test
  void loadsFromADirectoryOnlyItsOwnerCanWrite() throws Exception {
    Path mark = plantJffi();
    Run r = fim(Map.of("FIM_NO_CDS", "1"), "init", "--db", tmp.resolve("db").toString(), tree());
    assertTrue(Files.exists(mark), "the planted library was not loaded: " + r);
  }

  @Test
  void refusesADirectoryTheGroupCanWrite() throws Exception {
    Path mark = plantJffi();
    chmod(nativeDir, "rwxrwxr-x");
    assertRefused(mark, nativeDir + " is writable by group or others");
  }

  /** Whoever can write a directory above the libraries can rename theirs away and put another. */
  @Test
  void refusesADirectoryBelowOneOthersCanWrite() throws Exception {
    Path mark = plantJffi();
    chmod(target, "rwxrwxrwx");
    assertRefused(mark, target + " is writable by group or others");
  }

  @Test
  void refusesALibraryOthersCanWrite() throws Exception {
    Path mark = plantJffi();
    chmod(nativeDir.resolve("libjffi-1.2.so"), "rw-rw-rw-");
    assertRefused(mark, nativeDir.resolve("libjffi-1.2.so") + " is writable by group or others");
  }

  /**
   * {@code fim --version} and {@code -V}, alone, load no native library: the launcher neither
   * checks the directory (a {@code stat} process, ~10 ms of the command) nor warns about it. Any
   * other command still does (the tests above).
   */
  @Test
  void versionAloneSkipsTheCheckOfLibrariesItDoesNotLoad() throws Exception {
    chmod(nativeDir, "rwxrwxr-x");
    for (String spelling : new String[] {"--version", "-V"}) {
      Run version = fim(Map.of("FIM_NO_CDS", "1"), spelling);
      assertEquals(0, version.exit(), version.toString());
      assertTrue(version.out().startsWith("fim "), version.toString());
      assertEquals("", version.err(), spelling);
    }
    Run two = fim(Map.of("FIM_NO_CDS", "1"), "--version", "--version");
    assertTrue(
        two.err().contains("fim: warning: native libraries not loaded from " + nativeDir),
        two.err());
  }

  /**
   * When {@code --version} is the first command and trains the class-data archive, the training
   * (init, check, ... on a scratch tree) loads the libraries from the directory as any scan does:
   * the archive does not depend on which command trained it.
   */
  @Test
  void aVersionThatTrainsTheArchiveTrainsItWithTheNativeLibraries() throws Exception {
    Path mark = plantJffi();
    Run version = fim(Map.of(), "--version");
    assertEquals(0, version.exit(), version.toString());
    assertTrue(version.out().startsWith("fim "), version.toString());
    assertTrue(Files.exists(mark), "the training did not load from " + nativeDir + ": " + version);
  }

  @Test
  void refusesALibraryOfAnotherUser() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "giving a file to another user needs root");
    Path mark = plantJffi();
    Path lib = nativeDir.resolve("libjffi-1.2.so");
    assertEquals(0, new ProcessBuilder("chown", "4242", lib.toString()).start().waitFor());
    assertRefused(mark, lib + " belongs to uid 4242");
  }

  /**
   * The first command (any: here {@code --version}, which never recorded an archive before) trains
   * the one archive; the next command maps fim's classes from it.
   */
  @Test
  void oneArchiveIsTrainedOnceAndUsedByEveryCommand() throws Exception {
    Run first = fim(Map.of(), "--version");
    assertEquals(0, first.exit(), first.toString());
    assertEquals("", first.err());
    Path jsa = target.resolve("fim.jsa");
    assertTrue(Files.size(jsa) > 0, "no archive after the first command");
    FileTime recorded = Files.getLastModifiedTime(jsa);
    // fim --version is answered without picocli (QuickVersion): it loads none of its classes.
    Path versionClasses = tmp.resolve("version-classes.log");
    Run version = fim(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + versionClasses), "-V");
    assertEquals(0, version.exit(), version.toString());
    String versionLog = Files.readString(versionClasses);
    assertTrue(versionLog.contains("dev.fim.cli.QuickVersion source: shared objects file"));
    assertFalse(versionLog.contains(" picocli."), "fim -V loaded picocli's classes");
    for (String[] command :
        new String[][] {
          {"init", "--db", tmp.resolve("db").toString(), tree()},
          {"check", "--db", tmp.resolve("db").toString(), tree()},
          {"history", "--db", tmp.resolve("db").toString()},
          // --debug is left to picocli (QueryArgs reads the usual lines only): its model's classes.
          {"history", "--db", tmp.resolve("db").toString(), "--debug"},
        }) {
      Path classes = tmp.resolve("classes.log");
      Run r = fim(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + classes), command);
      assertTrue(r.exit() < 16, r.toString());
      String log = Files.readString(classes);
      assertTrue(
          log.contains("dev.fim.cli.Main source: shared objects file"),
          String.join(" ", command) + ": fim's classes did not come from the archive");
      // picocli's classes are Java 5 class files, which a dynamic archive of Java 17 leaves out:
      // they must come from the archive too, not be read from picocli's jar and verified.
      // Every command's error handling and execution strategy too: a lambda implementing one of
      // picocli's interfaces kept them out (the dump links what it archives a lambda for) and was
      // spun at every start.
      // check, init and the usual history are read without picocli (CheckArgs, InitArgs,
      // QueryArgs): none of its model is loaded.
      boolean quick = !List.of(command).contains("--debug");
      if (quick) {
        String reader =
            command[0].equals("check")
                ? "CheckArgs"
                : command[0].equals("init") ? "InitArgs" : "QueryArgs";
        assertTrue(
            log.contains("dev.fim.cli." + reader + " source: shared objects file"), command[0]);
        assertFalse(
            log.contains(" picocli.CommandLine "), command[0] + " loaded picocli's CommandLine");
      }
      for (String c :
          quick
              ? new String[] {}
              : new String[] {
                "picocli.CommandLine",
                "picocli.CommandLine$Model$CommandSpec",
                "picocli.CommandLine$RunLast",
                "picocli.CommandLine$IExecutionStrategy",
                "picocli.CommandLine$IExitCodeExceptionMapper",
                "picocli.CommandLine$IExecutionExceptionHandler",
                "dev.fim.cli.ErrorHandler"
              }) {
        assertTrue(
            log.contains(c + " source: shared objects file"),
            String.join(" ", command) + ": " + c + " did not come from the archive");
      }
      // No lambda class is spun at run time at all: fim's come from the archive, and the JDK's own
      // (Comparator.comparing and the like) are not used on these paths.
      java.util.regex.Matcher spun =
          java.util.regex.Pattern.compile(
                  "\\S*\\$\\$Lambda\\$\\S* source: (?!shared objects file)\\S*")
              .matcher(log);
      boolean found = spun.find();
      assertFalse(
          found, () -> String.join(" ", command) + ": a lambda spun at run time: " + spun.group());
    }
    assertEquals(recorded, Files.getLastModifiedTime(jsa), "trained again");
  }

  /**
   * The launcher finds its build from its own path without starting a process (a fork and exec
   * costs more than the rest of the script on a loaded machine), and through a symlink still
   * resolves it to the real place.
   */
  @Test
  void findsItsBuildWithoutAProcessAndThroughASymlink() throws Exception {
    Path strace = Path.of("/usr/bin/strace");
    assumeTrue(Files.isExecutable(strace), "no strace to see the launcher's processes");
    Path trace = tmp.resolve("execve.log");
    Run direct =
        run(
            Map.of("FIM_NO_CDS", "1"),
            strace.toString(),
            "-f",
            "-qq",
            "-e",
            "trace=execve",
            "-o",
            trace.toString(),
            layout.resolve("bin/fim").toString(),
            "--version");
    assertEquals(0, direct.exit(), direct.toString());
    assertTrue(direct.out().startsWith("fim "), direct.toString());
    String execs = Files.readString(trace);
    assertFalse(execs.contains("readlink"), "the launcher ran readlink:\n" + execs);
    // A symlink to the launcher from elsewhere (as in a PATH directory), and one to its directory.
    Path links = Files.createDirectories(tmp.resolve("links"));
    Files.createSymbolicLink(links.resolve("fim"), layout.resolve("bin/fim"));
    Files.createSymbolicLink(links.resolve("bin"), layout.resolve("bin"));
    for (Path launcher : new Path[] {links.resolve("fim"), links.resolve("bin/fim")}) {
      Run linked = run(Map.of("FIM_NO_CDS", "1"), launcher.toString(), "--version");
      assertEquals(0, linked.exit(), launcher + ": " + linked);
      assertEquals(direct.out(), linked.out(), launcher.toString());
    }
  }

  /**
   * A command looks up no class that is in none of its jars: with every class of the command in the
   * archive, such a look-up (picocli's for Groovy's Closure) is what made the main thread open and
   * read every jar on the class path, down to the last one, jackson-core's.
   */
  @Test
  void aCommandOpensNoJarToMissAClass() throws Exception {
    assertEquals(0, fim(Map.of(), "--version").exit()); // trains the archive
    // A command through picocli (--version is answered without it: QuickVersion).
    Run r = fim(Map.of("JAVA_TOOL_OPTIONS", "-Dsun.misc.URLClassPath.debug=true"), "--help");
    assertEquals(0, r.exit(), r.toString());
    assertFalse(r.err().contains("groovy/lang/Closure"), r.err());
    assertFalse(r.err().contains("Opening file:" + target.resolve("lib/jackson-core")), r.err());
    assertTrue(r.err().contains("Opening file:"), "no class path debugging: " + r.err());
  }

  /**
   * A check's text report, unchanged tree or not, is written without the JDK's locale data: no
   * {@code DecimalFormatSymbols}, so no CLDR provider set up on any thread (~10 ms of CPU that its
   * preload spent on every check until issue 18's session 14). The lines are String.format's
   * ({@code CheckReportLinesTest}).
   */
  @Test
  void aChecksTextReportSetsUpNoLocaleData() throws Exception {
    String db = tmp.resolve("db").toString();
    assertEquals(0, fim(Map.of(), "init", "--db", db, tree()).exit());
    Path classes = tmp.resolve("classes.log");
    Map<String, String> logged = Map.of("FIM_JAVA_EXTRA_OPTS", "-Xlog:class+load:file=" + classes);
    Run same = fim(logged, "check", "--db", db, tree());
    assertEquals(0, same.exit(), same.toString());
    assertTrue(
        same.out().contains("Summary: 0 added, 0 removed, 0 changed, 0 problems"), same.out());
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains("dev.fim.cli.CheckReportLines "), "no class log: " + loaded);
    assertFalse(loaded.contains("java.text.DecimalFormatSymbols "), same.out());
    Files.writeString(tree.resolve("added"), "x");
    Run changed = fim(logged, "check", "--db", db, tree());
    // 1 (added), with 4 when the directory's times changed too
    assertTrue(changed.exit() == 1 || changed.exit() == 5, changed.toString());
    assertTrue(changed.out().contains("Summary: 1 added, 0 removed, "), changed.out());
    assertFalse(
        Files.readString(classes).contains("java.text.DecimalFormatSymbols "), changed.out());
  }

  /** An archive that is not one (damaged, or of another JVM) is ignored without a word. */
  @Test
  void aDamagedArchiveIsIgnoredSilently() throws Exception {
    Path jsa = target.resolve("fim.jsa");
    Files.write(jsa, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().plusSeconds(60))); // not stale
    Run version = fim(Map.of(), "--version");
    assertEquals(0, version.exit(), version.toString());
    assertTrue(version.out().startsWith("fim "), version.toString());
    assertEquals("", version.err());
    Run init =
        fim(
            Map.of("FIM_SYSLOG_SOCKET", tmp.resolve("no-syslog").toString()),
            "init",
            "--db",
            tmp.resolve("db").toString(),
            tree());
    assertEquals(0, init.exit(), init.toString());
    assertFalse(init.err().contains("shar"), init.toString());
  }

  /**
   * A scan command's young generation is 8 MB (its short-lived objects reuse it instead of touching
   * new pages), and XXH3's Java loop over a large file gets C2 code (the loop of a host without
   * libxxhash, and of files of 241 to 1023 bytes on any host; {@code -Dfim.xxhash=java} has the
   * scan hash in Java here even where the library is installed). Other commands keep the JVM's
   * sizes.
   */
  @Test
  void aScanGetsASmallYoungGenerationAndItsHashLoopStillReachesC2() throws Exception {
    try (java.io.RandomAccessFile big =
        new java.io.RandomAccessFile(tree.resolve("big").toFile(), "rw")) {
      big.setLength(64L << 20); // sparse: read as zeros, 64k XXH3 blocks
    }
    Path jit = tmp.resolve("jit.log");
    Run init =
        fim(
            Map.of(
                "JAVA_TOOL_OPTIONS",
                "-Dfim.xxhash=java -XX:+PrintFlagsFinal -Xlog:jit+compilation=debug:file=" + jit),
            "init",
            "--db",
            tmp.resolve("db").toString(),
            tree());
    assertEquals(0, init.exit(), init.toString());
    // an 8 MB young generation that its short-lived objects reuse (fewer first-touch faults)
    assertEquals(8L << 20, flag(init.out(), "MaxNewSize"), init.out());
    assertTrue(
        java.util.regex.Pattern.compile(
                "\\s(%\\s+)?4\\s+dev\\.fim\\.baseline\\.hash\\.Xxh3Stream::accumulate ")
            .matcher(Files.readString(jit))
            .find(),
        "XXH3's loop was not compiled by C2");
    Run version = fim(Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal"), "--version");
    assertEquals(0, version.exit(), version.toString());
    assertTrue(flag(version.out(), "MaxNewSize") > 8L << 20, version.out());
  }

  /**
   * {@code fim watch} (C1 only) compiles its per-change code within its first tens of changes: with
   * the JVM's thresholds a method called once per change stayed interpreted for ~250 changes, and a
   * just-started watch's slowest changes (p99) were those (issue 18). The per-method thresholds are
   * set with CompileCommand, which prints each command to stdout unless told to be quiet: the
   * watch's stdout must stay its JSON lines.
   */
  @Test
  void aWatchCompilesItsEventPathWithinItsFirstChangesAndItsStdoutStaysJson() throws Exception {
    Path jit = tmp.resolve("watch-jit.log");
    Path out = tmp.resolve("watch.out");
    Path err = tmp.resolve("watch.err");
    ProcessBuilder pb =
        new ProcessBuilder(
            layout.resolve("bin/fim").toString(),
            "watch",
            "--db",
            tmp.resolve("db").toString(),
            "--backend",
            "inotify",
            "--attribution",
            "proc",
            "--format",
            "json",
            tree());
    pb.environment().remove("FIM_JAVA_OPTS");
    pb.environment().put("FIM_NO_CDS", "1"); // no training run's JVMs before the watch
    pb.environment().put("FIM_SYSLOG_SOCKET", tmp.resolve("no-syslog").toString());
    pb.environment().put("JAVA_TOOL_OPTIONS", "-Xlog:jit+compilation=debug:file=" + jit);
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process watch = pb.start();
    try {
      awaitFile(err, s -> s.contains("fim watch: recorded"), watch);
      int changes = 60;
      for (int i = 1; i <= changes; i++) {
        Files.writeString(
            tree.resolve("a"), "change " + i + "\n", java.nio.file.StandardOpenOption.APPEND);
        int lines = i;
        awaitFile(out, s -> s.split("\n", -1).length > lines, watch);
      }
      // the comparator's commit, once per change: compiled by now (queued compiles finish soon)
      awaitFile(
          jit,
          s ->
              java.util.regex.Pattern.compile(
                      "\\s1\\s+dev\\.fim\\.engine\\.record\\.Recorder::commit ")
                  .matcher(s)
                  .find(),
          watch);
      for (String line : Files.readAllLines(out)) {
        assertTrue(line.startsWith("{\"@timestamp\":"), "not a JSON event line: " + line);
      }
    } finally {
      watch.destroy();
      assertTrue(watch.waitFor(60, TimeUnit.SECONDS), "fim watch did not stop");
    }
    assertEquals(0, watch.exitValue(), Files.readString(err));
  }

  /** Polls {@code file} until its text satisfies {@code done}; fails after 60 s or if p ended. */
  private static void awaitFile(Path file, java.util.function.Predicate<String> done, Process p)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      String s = Files.exists(file) ? Files.readString(file) : "";
      if (done.test(s)) {
        return;
      }
      String tail = s.substring(Math.max(0, s.length() - 600));
      assertTrue(p.isAlive(), "fim watch ended; " + file + " ends with: " + tail);
      assertTrue(
          System.nanoTime() < deadline, "timed out waiting on " + file + ", ending: " + tail);
      Thread.sleep(20);
    }
  }

  /** The value of the numeric JVM flag {@code name} in -XX:+PrintFlagsFinal's table. */
  private static long flag(String flags, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\s" + name + "\\s+= (\\d+)").matcher(flags);
    assertTrue(m.find(), "no " + name + " in the flags");
    return Long.parseLong(m.group(1));
  }

  private void assertRefused(Path mark, String reason) throws Exception {
    Run r = fim(Map.of("FIM_NO_CDS", "1"), "init", "--db", tmp.resolve("db").toString(), tree());
    assertFalse(Files.exists(mark), "the planted library was loaded: " + r);
    assertEquals(0, r.exit(), r.toString()); // the libraries' own copies work
    assertTrue(
        r.err()
            .contains(
                "fim: warning: native libraries not loaded from " + nativeDir + ": " + reason),
        r.err());
  }

  /** Replaces jffi's library with one that creates a marker file when loaded; the marker's path. */
  private Path plantJffi() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/cc")), "no C compiler to build the library");
    Path c = tmp.resolve("planted.c");
    Files.writeString(
        c,
        "#include <fcntl.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
            + "__attribute__((constructor)) static void planted(void) {\n"
            + "  const char *m = getenv(\"FIM_PLANTED_MARK\"); if (m) close(creat(m, 0600));\n}\n");
    Path lib = nativeDir.resolve("libjffi-1.2.so");
    Files.delete(lib);
    Process cc =
        new ProcessBuilder("/usr/bin/cc", "-shared", "-fPIC", "-o", lib.toString(), c.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, cc.waitFor(), out);
    chmod(lib, "rw-r--r--");
    return tmp.resolve("planted-mark");
  }

  /**
   * A report's heap is on transparent huge pages exactly where the kernel offers them ({@code
   * madvise} or {@code always}): a 1M-event report faulted 85,000 times on its young generation's 4
   * KiB pages, 20,000 on huge pages. Where the kernel has none, a JVM asked for them prints a
   * warning to stdout, into a report written there; other commands are left as they were.
   */
  @Test
  void aReportGetsTransparentHugePagesOnlyWhereTheKernelOffersThem() throws Exception {
    Path enabled = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    String thp = Files.isReadable(enabled) ? Files.readString(enabled) : "";
    boolean offered = thp.contains("[always]") || thp.contains("[madvise]");
    Map<String, String> flags =
        Map.of("FIM_NO_CDS", "1", "JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
    Run report = fim(flags, "report", "--help");
    assertEquals(0, report.exit(), report.toString());
    assertTrue(report.out().contains("-XX:+UseParallelGC"), report.out()); // the flags were printed
    assertEquals(
        offered, report.out().contains("-XX:+UseTransparentHugePages"), thp + report.out());
    assertFalse(report.out().contains("warning"), report.out());
    Run version = fim(flags, "--version");
    assertFalse(version.out().contains("UseTransparentHugePages"), version.out());
  }

  /**
   * A report's JVM compiles Jackson's {@code writeString} and {@code writeFieldName} once each
   * instead of inlining them into every call site of the event JSON (C2's largest compilations in a
   * 1M-event JSON report, issue 18), and says nothing about it on stdout, where a report may be
   * written; other commands keep the JVM's inlining.
   */
  @Test
  void aReportKeepsTheJsonRowsStringWritersOutOfLineQuietly() throws Exception {
    Map<String, String> flags =
        Map.of("FIM_NO_CDS", "1", "JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
    Run report = fim(flags, "report", "--help");
    assertEquals(0, report.exit(), report.toString());
    for (String method : List.of("string", "timestamp")) {
      assertTrue(
          report
              .out()
              .contains("-XX:CompileCommand=dontinline,dev.fim.engine.output.JsonBytes::" + method),
          report.out());
    }
    assertTrue(report.out().contains("-XX:CompileCommand=quiet"), report.out());
    assertFalse(report.out().contains("CompileCommand: "), report.out()); // the JVM's echo
    Run check = fim(flags, "check", "--help");
    assertEquals(0, check.exit(), check.toString());
    assertFalse(check.out().contains("JsonBytes"), check.out());
  }

  /**
   * The scan commands leave fim's own methods to C1's optimising tier, XXH3's kernel excepted (C2
   * gives up on them at once: a node limit of 1): C2 compiling fim's per-file code near the end of
   * a 20k-file scan was 0.2-0.3 s of CPU that never paid (issue 18, session 13). Quietly: the JVM
   * would echo each CompileCommand on stdout. Other commands keep C2 for fim's code. In an init and
   * an update fim's methods get there after a tenth of the usual calls and loops: the seal's loop
   * over 100k records (one call) otherwise ran interpreted to its end; not in a check, whose 1-file
   * start-up then compiled more (issue 18, session 14).
   */
  @Test
  void theScanCommandsLeaveFimsOwnCodeToC1QuietlyExceptTheHashKernel() throws Exception {
    Map<String, String> flags =
        Map.of("FIM_NO_CDS", "1", "JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
    for (String command : List.of("init", "check", "update")) {
      Run scan = fim(flags, command, "--help");
      assertEquals(0, scan.exit(), scan.toString());
      assertTrue(scan.out().contains("-XX:CompileCommand=MaxNodeLimit,dev/fim/*.*,1"), scan.out());
      assertTrue(
          scan.out()
              .contains("-XX:CompileCommand=MaxNodeLimit,dev/fim/baseline/hash/Xxh3Stream.*,80000"),
          scan.out());
      assertTrue(
          scan.out()
              .contains(
                  "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::implCompressMultiBlock0,0.01"),
          scan.out());
      assertEquals(
          !command.equals("check"),
          scan.out().contains("-XX:CompileCommand=CompileThresholdScaling,dev/fim/*.*,0.1"),
          scan.out());
      assertTrue(scan.out().contains("-XX:CompileCommand=quiet"), scan.out());
      assertFalse(scan.out().contains("CompileCommand: "), scan.out()); // the JVM's echo
    }
    Run report = fim(flags, "report", "--help");
    assertEquals(0, report.exit(), report.toString());
    assertFalse(report.out().contains("MaxNodeLimit"), report.out());
    assertFalse(report.out().contains("dev/fim/*.*,0.1"), report.out());
  }

  /**
   * An init collects with the serial collector: its young collections find 2-3 MB alive, which one
   * thread copies in 0.3-0.4 ms, where Parallel's two threads took 0.6-0.7 ms of waking and joining
   * on 2 cores the scan keeps busy (issue 18, session 14). Check and update, whose collections find
   * more alive, and a report keep Parallel.
   */
  @Test
  void anInitCollectsWithTheSerialCollector() throws Exception {
    Map<String, String> flags =
        Map.of("FIM_NO_CDS", "1", "JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
    Run init = fim(flags, "init", "--help");
    assertEquals(0, init.exit(), init.toString());
    assertTrue(init.out().contains("-XX:+UseSerialGC"), init.out());
    assertFalse(init.out().contains("-XX:+UseParallelGC"), init.out());
    for (String command : List.of("check", "update", "report")) {
      Run other = fim(flags, command, "--help");
      assertEquals(0, other.exit(), other.toString());
      assertTrue(other.out().contains("-XX:+UseParallelGC"), other.out());
    }
  }

  /**
   * FIM_JAVA_EXTRA_OPTS adds to the options bin/fim chooses for a command (a later option wins),
   * while FIM_JAVA_OPTS replaces them: before the former existed, a larger heap for a watch meant
   * losing its C1-only JIT and small-heap collector without a word.
   */
  @Test
  void extraJavaOptionsAddToTheCommandsOwnWhileJavaOptionsReplaceThem() throws Exception {
    Map<String, String> flags = new HashMap<>();
    flags.put("FIM_NO_CDS", "1");
    flags.put("JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
    flags.put("FIM_JAVA_EXTRA_OPTS", "-Xmx96m  -XX:MaxMetaspaceSize=200m");
    Run added = fim(flags, "watch", "--help");
    assertEquals(0, added.exit(), added.toString());
    assertTrue(added.out().contains("-XX:TieredStopAtLevel=1"), added.out()); // the watch's own
    assertTrue(added.out().contains("-XX:+UseSerialGC"), added.out());
    assertTrue(added.out().contains("-XX:MaxHeapSize=100663296"), added.out()); // 96m won over 64m
    assertTrue(added.out().contains("-XX:MaxMetaspaceSize=209715200"), added.out());

    flags.remove("FIM_JAVA_EXTRA_OPTS");
    flags.put("FIM_JAVA_OPTS", "-Xmx96m -XX:+UseParallelGC");
    Run replaced = fim(flags, "watch", "--help");
    assertEquals(0, replaced.exit(), replaced.toString());
    assertFalse(replaced.out().contains("TieredStopAtLevel"), replaced.out());
    assertTrue(replaced.out().contains("-XX:+UseParallelGC"), replaced.out());
    assertFalse(replaced.err().contains("note:"), "no terminal, no note: " + replaced.err());
  }

  private String tree() {
    return tree.toString();
  }

  private static void chmod(Path p, String perms) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  private Run fim(Map<String, String> env, String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = layout.resolve("bin/fim").toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    return run(env, cmd);
  }

  private Run run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("FIM_SYSLOG_SOCKET", tmp.resolve("no-syslog").toString());
    e.put("FIM_PLANTED_MARK", tmp.resolve("planted-mark").toString());
    pb.environment().remove("FIM_JAVA_OPTS");
    pb.environment().remove("FIM_JAVA_EXTRA_OPTS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().putAll(e);
    pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "bin/fim did not end");
    String err = Files.readString(tmp.resolve("err"));
    if (env.containsKey("JAVA_TOOL_OPTIONS")) {
      err = err.replaceFirst("Picked up JAVA_TOOL_OPTIONS: [^\n]*\n", "");
    }
    return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), err);
  }
}
