package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.output.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that {@code mvn package} made (cli/target/fim_VERSION_amd64.deb), installed for real
 * with dpkg, used, removed and purged (issue 16). An integration test (failsafe, after the package
 * phase): {@code mvn verify} runs it, {@code mvn test} does not. Root only, and only on a host
 * where no fim is installed and no /var/lib/fim, /var/lib/fim.key or /etc/fim exists (a purge would
 * delete them); it skips with the reason otherwise. The host is left without the package. The
 * maintainer scripts run with FIM_KEEP_AUDIT_RULES=1: the test never touches audit rules.
 */
@Tag("kernel")
class DebianPackageIT {
  @TempDir Path tmp;

  static final Path DB = Path.of("/var/lib/fim");
  static final Path KEY = Path.of("/var/lib/fim.key");
  static final Path ETC = Path.of("/etc/fim");

  record Result(int exit, String out) {}

  @Test
  void installUseRemoveAndPurge() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "installing a package needs root");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "no dpkg: not a Debian system");
    assumeTrue(run("dpkg", "-s", "fim").exit() != 0, "a fim package is installed on this host");
    for (Path p : List.of(DB, KEY, ETC)) {
      assumeTrue(!Files.exists(p), p + " exists: the purge in this test would delete it");
    }
    Path deb = debOfThisBuild();
    Result dry = dpkg("--dry-run", "-i", deb.toString());
    assumeTrue(dry.exit() == 0, "the package's dependencies are not installed here: " + dry.out());
    try {
      Result install = dpkg("-i", deb.toString());
      assertEquals(0, install.exit(), install.out());
      installed(deb);
      removeKeepsTheDatabaseAndTheConfig();
      purgeRemovesEverything();
    } finally {
      if (run("dpkg", "-s", "fim").exit() == 0) {
        dpkg("-P", "fim");
      }
    }
  }

  private void installed(Path deb) throws Exception {
    // The private database directory, made by postinst.
    PosixFileAttributes db = Files.readAttributes(DB, PosixFileAttributes.class);
    assertEquals("rwx------", PosixFilePermissions.toString(db.permissions()));
    assertEquals("root", db.owner().getName());
    // /etc/fim/fim.conf is a conffile and is the built-in default (after its header).
    assertTrue(
        run("dpkg-query", "-W", "-f=${Conffiles}", "fim").out().contains("/etc/fim/fim.conf"));
    String conf = Files.readString(ETC.resolve("fim.conf"));
    String builtIn =
        Files.readString(
            Path.of(
                System.getProperty("fim.repo"),
                "baseline/src/main/resources/dev/fim/baseline/select/default.conf"));
    assertTrue(conf.startsWith("# /etc/fim/fim.conf") && conf.endsWith(builtIn), conf);

    // The installed launcher runs the installed jars: this build's version, commit and date.
    Result version = run(Map.of(), "/usr/bin/fim", "--version");
    assertEquals(0, version.exit(), version.out());
    assertEquals(BuildInfo.describe() + "\n", version.out());
    // It reads the shipped config.
    Result config = run(Map.of(), "/usr/bin/fim", "config", "check");
    assertEquals(0, config.exit(), config.out());
    assertTrue(config.out().contains("/etc/fim/fim.conf"), config.out());

    // A baseline in the package's database, then a change found by check (exit 4, with the agent).
    EtcTree t = EtcTree.in(tmp, "# package test\n");
    Map<String, String> noSyslog = Map.of("FIM_SYSLOG_SOCKET", "none");
    Result init = run(noSyslog, "/usr/bin/fim", "init", "-c", t.conf().toString());
    assertEquals(0, init.exit(), init.out());
    assertTrue(init.out().contains("baseline of 2 files and 3 directories"), init.out());
    assertTrue(Files.isRegularFile(KEY), "seal key beside the database");
    Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.9 evil\n");
    Result check =
        run(noSyslog, "/usr/bin/fim", "check", "-c", t.conf().toString(), "--format", "json");
    assertEquals(4, check.exit(), check.out());
    assertTrue(
        check.out().contains("\"agent\":{\"type\":\"fim\",\"version\":\"" + BuildInfo.VERSION),
        check.out());

    // Root's first command trained the class-data archive; RocksDB and jffi load the libraries the
    // package ships in /usr/lib/fim (root's, 0644) instead of copying theirs to /tmp.
    assertTrue(Files.size(Path.of("/var/cache/fim/fim.jsa")) > 0, "no class-data archive");
    for (String lib : List.of("libjffi-1.2.so", "librocksdbjni-linux64.so")) {
      PosixFileAttributes a =
          Files.readAttributes(Path.of("/usr/lib/fim", lib), PosixFileAttributes.class);
      assertEquals("rw-r--r--", PosixFilePermissions.toString(a.permissions()), lib);
      assertEquals("root", a.owner().getName(), lib);
    }
    if (Files.isExecutable(Path.of("/usr/bin/strace"))) {
      Path trace = tmp.resolve("strace.txt");
      Result traced =
          run(
              noSyslog,
              "strace",
              "-f",
              "-e",
              "trace=openat",
              "-o",
              trace.toString(),
              "/usr/bin/fim",
              "check",
              "-c",
              t.conf().toString());
      assertEquals(4, traced.exit(), traced.out());
      String opened = Files.readString(trace);
      assertTrue(opened.contains("\"/usr/lib/fim/libjffi-1.2.so\""), opened);
      assertTrue(opened.contains("\"/usr/lib/fim/librocksdbjni-linux64.so\""), opened);
      assertFalse(
          Pattern.compile("\"/tmp/(jffi|librocksdbjni)[^\"]*\\.so\"").matcher(opened).find(),
          "a native library copied to /tmp");
    } else {
      System.out.println("DebianPackageIT: skipped the native-library trace: no strace");
    }

    // man pages for the command and its subcommands, generated from the command model.
    for (String page : List.of("fim", "fim-check", "fim-watch", "fim-audit-rules-list")) {
      Result man = run("man", "-w", page);
      assertEquals("/usr/share/man/man1/" + page + ".1.gz", man.out().strip(), "man -w " + page);
    }
    Result manText = run(Map.of("MANWIDTH", "100"), "man", "-P", "cat", "fim-check");
    assertTrue(manText.out().contains("--audit-log"), manText.out());

    // bash completion: the shipped script completes subcommands and options.
    Path bash = Path.of("/usr/share/bash-completion/completions/fim");
    assertFalse(Files.readString(bash).startsWith("#!"), "no #! line (lintian)");
    assertEquals("check", complete("fim ch"));
    assertTrue(complete("fim check --form").contains("--format"), complete("fim check --form"));
    assertTrue(
        Files.readString(Path.of("/usr/share/zsh/vendor-completions/_fim"))
            .startsWith("#compdef fim\n"));

    // The units as installed: systemd-analyze verify prints nothing (an unknown key is only a
    // warning, so any output fails), and the watch's hardening scores "OK" or better.
    if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
      Result verify =
          run(
              "systemd-analyze",
              "verify",
              "--man=no",
              "/lib/systemd/system/fim-watch.service",
              "/lib/systemd/system/fim-check.service",
              "/lib/systemd/system/fim-check.timer");
      assertEquals(new Result(0, ""), verify);
      Result security =
          run(
              "systemd-analyze",
              "security",
              "--offline=true",
              "/lib/systemd/system/fim-watch.service");
      Matcher m =
          Pattern.compile("Overall exposure level for fim-watch.service: (\\d+\\.\\d) (\\w+)")
              .matcher(security.out());
      assertTrue(m.find(), security.out());
      assertTrue(
          List.of("PERFECT", "SAFE", "OK").contains(m.group(2)), m.group(1) + " " + m.group(2));
      System.out.println(
          "DebianPackageIT: systemd-analyze security: " + m.group(1) + " " + m.group(2));
    } else {
      System.out.println("DebianPackageIT: skipped the unit checks: no systemd-analyze");
    }

    // lintian, when installed: no errors and no warnings (overrides carry their reasons).
    if (Files.isExecutable(Path.of("/usr/bin/lintian"))) {
      Result lintian =
          run("lintian", "-EvIL", "+pedantic", "--tag-display-limit", "0", deb.toString());
      List<String> findings = new ArrayList<>();
      for (String line : lintian.out().split("\n")) {
        if (line.matches("^[EW]: .*")) {
          findings.add(line);
        }
      }
      assertEquals(List.of(), findings, lintian.out());
    } else {
      System.out.println("DebianPackageIT: skipped lintian: not installed");
    }
  }

  /** dpkg -r: the program goes; the database, its key and the edited config stay. */
  private void removeKeepsTheDatabaseAndTheConfig() throws Exception {
    Files.writeString(
        ETC.resolve("fim.conf"),
        "# edited by the administrator\n",
        java.nio.file.StandardOpenOption.APPEND);
    Result remove = dpkg("-r", "fim");
    assertEquals(0, remove.exit(), remove.out());
    assertFalse(Files.exists(Path.of("/usr/bin/fim")));
    assertFalse(Files.exists(Path.of("/usr/share/fim")));
    assertFalse(Files.exists(Path.of("/usr/lib/fim")));
    assertFalse(Files.exists(Path.of("/usr/share/man/man1/fim.1.gz")));
    assertTrue(Files.isRegularFile(DB.resolve("CURRENT")), "the database is kept");
    assertTrue(Files.isRegularFile(KEY), "the key is kept");
    assertTrue(
        Files.readString(ETC.resolve("fim.conf")).endsWith("# edited by the administrator\n"));
    assertTrue(
        run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "fim").out().startsWith("rc"),
        "removed, config files kept");
  }

  /** dpkg -P: the database, the key, the config and the package's record go. */
  private void purgeRemovesEverything() throws Exception {
    Result purge = dpkg("-P", "fim");
    assertEquals(0, purge.exit(), purge.out());
    for (Path p : List.of(DB, KEY, ETC, Path.of("/var/cache/fim"))) {
      assertFalse(Files.exists(p), p + " after purge");
    }
    assertTrue(run("dpkg", "-s", "fim").exit() != 0, "dpkg no longer knows fim");
  }

  /** What bash completion offers for {@code line} (the last word being completed). */
  private String complete(String line) throws Exception {
    String[] words = line.split(" ", -1);
    StringBuilder sh =
        new StringBuilder("source /usr/share/bash-completion/completions/fim; COMP_WORDS=(");
    for (String w : words) {
      sh.append('\'').append(w).append("' ");
    }
    sh.append("); COMP_CWORD=")
        .append(words.length - 1)
        .append("; COMP_LINE='")
        .append(line)
        .append("'; COMP_POINT=${#COMP_LINE}; _complete_fim; printf '%s\\n' \"${COMPREPLY[@]}\"");
    return run("bash", "-c", sh.toString()).out().strip();
  }

  /** The .deb of this build: the pom's version as jdeb writes it (-SNAPSHOT becomes ~snapshot). */
  private static Path debOfThisBuild() throws IOException {
    String debVersion = BuildInfo.VERSION.replace("-SNAPSHOT", "~snapshot");
    Path deb =
        Path.of(System.getProperty("fim.repo"), "cli/target/fim_" + debVersion + "_amd64.deb");
    assertTrue(Files.isRegularFile(deb), deb + " was not built (mvn package makes it)");
    return deb;
  }

  /**
   * dpkg with {@code args}; while another process (apt, another installer on this host) holds
   * dpkg's lock, polled again until it is free, for up to ten minutes.
   */
  private static Result dpkg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dpkg"));
    cmd.addAll(List.of(args));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      Result r = run(cmd.toArray(String[]::new));
      boolean locked = r.exit() == 2 && r.out().contains("lock");
      if (!locked || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(1000); // polling a lock held by another process, with the deadline above
    }
  }

  private static Result run(String... cmd) throws Exception {
    return run(Map.of(), cmd);
  }

  /**
   * Runs {@code cmd} with stderr joined to stdout, PATH of a root shell, FIM_KEEP_AUDIT_RULES=1.
   */
  private static Result run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("FIM_KEEP_AUDIT_RULES", "1");
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    pb.environment().remove("FIM_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", cmd) + " did not end");
    return new Result(p.exitValue(), out);
  }
}
