package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.Column;
import dev.fim.store.EventLog;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code fim watch} as a real process: the start-up lines on stderr, JSON lines appended to {@code
 * --output}, log rotation with and without SIGHUP, the text format, the fallback to inotify for a
 * user without CAP_SYS_ADMIN, exit 24 when the requested backend cannot watch, and SIGTERM's
 * orderly stop (exit 0, every event in the store).
 */
@Tag("kernel")
class WatchCommandTest {
  private static final long DEADLINE_MS = 30_000;
  private Path dir;
  private Path tree;
  private Process fim;
  private final List<String> stderr = ChildFim.stderrLines();

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(
        CommonOptions.isRoot(), "fim watch's fanotify backend and the setpriv tests need root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watchcli-");
    tree = Files.createDirectory(dir.resolve("tree"));
    Files.writeString(tree.resolve("f"), "one\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (fim != null) {
      ChildFim.stop(fim, DEADLINE_MS);
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  private void start(List<String> prefix, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    String classPath =
        prefix.isEmpty() ? System.getProperty("java.class.path") : classPathForOtherUsers();
    // SIGINT at its default: a test run started as a background job of a non-interactive shell
    // (a CI script's `cmd &`) inherits SIGINT ignored down to this JVM and its children, and fim
    // rightly leaves an ignored SIGINT ignored (the shell's protection of background jobs from a
    // Ctrl-C); the SIGINT test then waited its 30 s for nothing. (coreutils env 8.31+)
    cmd.addAll(List.of("env", "--default-signal=INT"));
    cmd.addAll(ChildFim.command(classPath, List.of("watch")));
    cmd.addAll(List.of(args));
    fim = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout").toFile()).start();
    ChildFim.collectStderr(fim, stderr);
  }

  /**
   * The test class path as another user can read it: the jars live under /root/.m2 (mode 0700 above
   * them), so each is hard-linked (same filesystem, no copy of rocksdbjni's 92 MB) or else copied
   * into the test's directory.
   */
  private String classPathForOtherUsers() throws Exception {
    Path jars = Files.createDirectories(dir.resolve("classpath"));
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p) || !p.startsWith("/root")) {
        out.add(entry); // target/classes under /work: world-readable already
        continue;
      }
      Path link = jars.resolve((i++) + "-" + p.getFileName());
      try {
        Files.createLink(link, p);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(p, link);
      }
      out.add(link.toString());
    }
    sh("chmod -R a+rX " + jars + " && chmod a+rx " + dir);
    return String.join(java.io.File.pathSeparator, out);
  }

  private String awaitStderr(Predicate<String> p, String what) throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    synchronized (stderr) {
      while (true) {
        for (String l : stderr) {
          if (p.test(l)) {
            return l;
          }
        }
        long left = end - System.currentTimeMillis();
        if (left <= 0 || (!fim.isAlive() && stderr.stream().noneMatch(p))) {
          if (!fim.isAlive()) {
            fim.waitFor();
          }
          fail(
              "no stderr line for "
                  + what
                  + "; fim "
                  + (fim.isAlive() ? "running" : "exited " + fim.exitValue())
                  + ", stderr: "
                  + stderr);
        }
        stderr.wait(Math.min(left, 200));
      }
    }
  }

  /** Polls {@code file} until a line contains {@code text}; returns all its lines. */
  private static List<String> awaitLine(Path file, String text) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (lines.stream().anyMatch(l -> l.contains(text))) {
          return lines;
        }
      }
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(
          20); // polling a file with a deadline: the file is the only signal there is
    }
    fail("no line containing " + text + " in " + file);
    return null;
  }

  private void sh(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(tree.toFile()).inheritIO().start();
    assertEquals(0, p.waitFor());
  }

  private int stop(String signal) throws Exception {
    if (signal.equals("INT")) {
      ChildFim.assumeSignalNotIgnored(fim, 2);
    }
    assertEquals(
        0, new ProcessBuilder("kill", "-" + signal, Long.toString(fim.pid())).start().waitFor());
    assertTrue(
        fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop on SIG" + signal);
    return fim.exitValue();
  }

  /**
   * A daemon's write (login uid unset, as for cron jobs and systemd services) names what explains
   * it: the systemd unit it runs in and its parent chain (issue 15 #5). Real processes in a real
   * cgroup v2 named like a unit ({@code fimtest-PID.service}, removed after): a bash moves itself
   * into the cgroup, starts the writer (sh, which inherits the unset login uid and the cgroup) and
   * then, in the first run, gives itself login uid 1001, so the chain stops at it; in the second it
   * stays unset, so the chain goes on through this JVM to pid 1 or the bound. The writer waits on a
   * FIFO until its event is in, so /proc still shows it.
   */
  @Test
  void aDaemonsWriteNamesItsSystemdUnitAndParentChain() throws Exception {
    assumeTrue(
        Files.readString(Path.of("/proc/self/loginuid")).trim().equals("4294967295"),
        "this JVM has a login uid, which its children inherit: none of them can be a daemon");
    Path cgroup2 = cgroup2Mount();
    assumeTrue(cgroup2 != null, "no cgroup v2 hierarchy is mounted");
    String unitName = "fimtest-" + ProcessHandle.current().pid() + ".service";
    Path unit = Files.createDirectory(cgroup2.resolve(unitName));
    try {
      Path out = dir.resolve("changes.json");
      String db = dir.resolve("db").toString();
      start(
          List.of(),
          "--db",
          db,
          "--attribution",
          "proc",
          "--output",
          out.toString(),
          tree.toString());
      awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");
      for (boolean login : List.of(true, false)) {
        String file = login ? "f" : "g";
        Path go = dir.resolve("go-" + file);
        Path done = dir.resolve("done-" + file);
        sh("mkfifo " + go + " " + done);
        Process bash =
            new ProcessBuilder(
                    "bash",
                    "-c",
                    "echo $$ > \"$1\" || exit 98\n"
                        + "sh -c 'read x < \"$1\"; echo daemon >> \"$3\"; read y < \"$2\"' sh \"$2\" \"$3\" \"$4\" &\n"
                        + (login ? "echo 1001 > /proc/self/loginuid || exit 99\n" : "")
                        + "echo go > \"$2\"\nwait $!",
                    "bash",
                    unit.resolve("cgroup.procs").toString(),
                    go.toString(),
                    done.toString(),
                    tree.resolve(file).toString())
                .redirectErrorStream(true)
                .start();
        String bashExe = null;
        String line;
        try {
          line =
              awaitLine(out, "\"path\":\"" + tree.resolve(file) + "\"").stream()
                  .filter(l -> l.contains("\"path\":\"" + tree.resolve(file) + "\""))
                  .findFirst()
                  .orElseThrow();
          bashExe = Files.readSymbolicLink(Path.of("/proc/" + bash.pid() + "/exe")).toString();
        } finally {
          Files.writeString(done, "done\n"); // the writer reads it and exits; bash then ends
          assertTrue(
              bash.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the writer's bash did not end");
        }
        assertEquals(0, bash.exitValue(), () -> new String(readAll(bash), StandardCharsets.UTF_8));
        assertTrue(line.contains("\"attribution\":\"proc\""), line);
        assertTrue(line.contains("\"audit\":{\"id\":\"4294967295\"}"), line);
        assertTrue(line.contains("\"name\":\"sh\""), line);
        assertTrue(line.contains("\"systemd_unit\":\"" + unitName + "\""), line);
        String first =
            "{\"pid\":"
                + bash.pid()
                + ",\"executable\":\""
                + bashExe
                + "\",\"auid\":\""
                + (login ? "1001" : "4294967295")
                + "\"}";
        if (login) {
          assertTrue(
              line.contains("\"parents\":[" + first + "]"), line); // it stops at the login uid
        } else {
          ProcessHandle self = ProcessHandle.current();
          String jvm =
              "{\"pid\":"
                  + self.pid()
                  + ",\"executable\":\""
                  + Files.readSymbolicLink(Path.of("/proc/self/exe"))
                  + "\",\"auid\":\"4294967295\"}";
          assertTrue(line.contains("\"parents\":[" + first + "," + jvm), line);
          String parents = line.substring(line.indexOf("\"parents\":["));
          int count = parents.substring(0, parents.indexOf(']')).split("\\{\"pid\"").length - 1;
          assertTrue(
              parents.contains("{\"pid\":1,") || count == 8, () -> count + " parents: " + line);
        }
        if (login) {
          Fim.Run who = Fim.run("who", "--db", db, tree.resolve(file).toString());
          assertEquals(0, who.exit(), who::toString);
          assertTrue(
              who.out().contains("by (auid unset) as root, sh[")
                  && who.out()
                      .contains(
                          " via "
                              + unitName
                              + ", from "
                              + bashExe
                              + "["
                              + bash.pid()
                              + "] (auid 1001)"),
              who::toString);
        }
      }
      assertEquals(0, stop("TERM"));
    } finally {
      // Only this test's processes can be in its cgroup: end any that a failure left there, then
      // remove it.
      for (String pid : Files.readAllLines(unit.resolve("cgroup.procs"))) {
        ProcessHandle.of(Long.parseLong(pid.trim()))
            .ifPresent(
                p -> {
                  p.destroyForcibly();
                  p.onExit().join();
                });
      }
      Files.delete(unit);
    }
  }

  /** Where the cgroup v2 (unified) hierarchy is mounted, from mountinfo; null when it is not. */
  private static Path cgroup2Mount() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      int dash = l.indexOf(" - ");
      if (dash > 0 && l.substring(dash + 3).startsWith("cgroup2 ")) {
        return Path.of(l.split(" ")[4]);
      }
    }
    return null;
  }

  private static byte[] readAll(Process p) {
    try {
      return p.getInputStream().readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Test
  void jsonLinesToAFileThatFollowsRotationAndStopsCleanlyOnSigterm() throws Exception {
    Path out = dir.resolve("changes.json");
    start(
        List.of(),
        "--db",
        dir.resolve("db").toString(),
        "--output",
        out.toString(),
        tree.toString());
    String ready =
        awaitStderr(
            l -> l.startsWith("fim watch: watching 1 tree with fanotify"), "the backend line");
    assertTrue(ready.contains("database " + dir.resolve("db")), ready);
    awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");

    sh("echo two >> f");
    List<String> first = awaitLine(out, "\"path\":\"" + tree.resolve("f") + "\"");
    assertTrue(first.get(0).contains("\"action\":\"updated\""), first.get(0));
    assertTrue(first.get(0).startsWith("{\"@timestamp\":\""), first.get(0));

    // logrotate's "create" mode with a postrotate SIGHUP: the old file is renamed, fim reopens the
    // path.
    Files.move(out, dir.resolve("changes.json.1"));
    assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(fim.pid())).start().waitFor());
    // The signal is handled on fim's own thread: its reload line comes after the reopen was asked
    // for. A change made before that line could still go to the rotated file.
    awaitStderr(l -> l.startsWith("fim watch: reload"), "the SIGHUP's reload");
    sh("echo three > g");
    awaitLine(out, "\"path\":\"" + tree.resolve("g") + "\"");
    assertEquals(
        1,
        Files.readAllLines(dir.resolve("changes.json.1")).size(),
        "nothing more went to the rotated file");

    // Rotation without a signal: noticed within a second of a write; every event lands in one of
    // the two files.
    Files.move(out, dir.resolve("changes.json.2"));
    long end = System.currentTimeMillis() + DEADLINE_MS;
    for (int i = 0; !Files.exists(out) || Files.readAllLines(out).isEmpty(); i++) {
      // a deadline in time, not in rounds: each round starts a shell, slow on a loaded machine
      assertTrue(System.currentTimeMillis() < end, "the rotated path was never reopened");
      sh("echo " + i + " >> g");
      TimeUnit.MILLISECONDS.sleep(
          20); // paces the writes while polling for the new file (deadline above)
    }
    // history reads beside the running watch (no lock), and sees what was recorded
    Fim.Run history =
        Fim.run(
            "history", "--db", dir.resolve("db").toString(), "--format", "json", tree.toString());
    assertEquals(0, history.exit(), history::toString);
    assertTrue(history.out().contains("\"path\":\"" + tree.resolve("g") + "\""), history::toString);
    assertEquals(0, stop("TERM"), "SIGTERM is an orderly stop: exit 0");
    String stopped = awaitStderr(l -> l.startsWith("fim watch: stopped: "), "the stop line");
    long lines = 0;
    for (String name : List.of("changes.json.1", "changes.json.2", "changes.json")) {
      lines += Files.readAllLines(dir.resolve(name)).size();
    }
    assertTrue(
        stopped.contains(lines + " events recorded"), stopped + " vs " + lines + " lines written");
    try (Store store = Store.open(dir.resolve("db"), Store.OpenMode.EXISTING)) {
      long[] stored = {0};
      new EventLog(store).forEach(0, Long.MAX_VALUE, e -> stored[0]++);
      assertEquals(lines, stored[0], "every emitted event is in the store's history");
    }
  }

  /**
   * A temporary renamed onto its final name is one line of that name naming the temporary in {@code
   * file.old_path} (issue 15 #3), and the stop line counts it as folded.
   */
  @Test
  void aTemporaryRenamedOntoItsNameIsOneLineNamingIt() throws Exception {
    Path out = dir.resolve("changes.json");
    start(
        List.of(),
        "--db",
        dir.resolve("db").toString(),
        "--output",
        out.toString(),
        "--attribution",
        "proc",
        "--quiet-ms",
        "50",
        "--temporary-hold-ms",
        "60000",
        tree.toString());
    awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");
    sh("printf new > n.dpkg-new");
    sh("mv n.dpkg-new n");
    List<String> lines = awaitLine(out, "\"path\":\"" + tree.resolve("n") + "\"");
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).contains("\"action\":\"created\""), lines.get(0));
    assertTrue(
        lines.get(0).contains("\"old_path\":\"" + tree.resolve("n.dpkg-new") + "\""), lines.get(0));
    assertEquals(0, stop("TERM"));
    String stopped = awaitStderr(l -> l.startsWith("fim watch: stopped: "), "the stop line");
    assertTrue(stopped.contains(" 1 folded into their final name"), stopped);
    assertEquals(1, Files.readAllLines(out).size(), "nothing about n.dpkg-new at the stop either");
  }

  @Test
  void textFormatAndSigintOnStdout() throws Exception {
    start(List.of(), "--db", dir.resolve("db").toString(), "--format", "text", tree.toString());
    awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");
    sh("chmod 600 f");
    List<String> lines = awaitLine(dir.resolve("stdout"), "attributes_modified");
    String line = lines.get(0);
    assertTrue(
        line.matches(
            "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z attributes_modified "
                + tree.resolve("f")
                + "  permissions: 0644 -> 0600.*"),
        line);
    assertTrue(line.contains("  by ") && line.contains("chmod["), "who made it: " + line);
    assertEquals(0, stop("INT"));
  }

  @Test
  void withoutCapSysAdminItFallsBackToInotifyAndSaysWhy() throws Exception {
    // sticky, as /tmp: the key nobody's fim makes beside its database is refused in a directory
    // others may rearrange
    sh("chmod 1777 " + dir + " && chmod 777 " + tree + " && chmod 666 f");
    start(
        List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
        "--db",
        dir.resolve("db").toString(),
        tree.toString());
    String why =
        awaitStderr(l -> l.startsWith("fim watch: fanotify unavailable"), "the fallback line");
    assertTrue(why.contains("using inotify"), why);
    awaitStderr(l -> l.startsWith("fim watch: watching 1 tree with inotify"), "the backend line");
    awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");
    sh("echo x >> f");
    awaitLine(dir.resolve("stdout"), "\"action\":\"updated\"");
    assertEquals(0, stop("TERM"));
  }

  @Test
  void aBackendThatCannotWatchExits24WithTheReason() throws Exception {
    sh("chmod 1777 " + dir); // sticky: see above
    start(
        List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
        "--db",
        dir.resolve("db").toString(),
        "--backend",
        "fanotify",
        tree.toString());
    assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
    assertEquals(ExitCodes.WATCH, fim.exitValue(), stderr::toString);
    // (a note that the chain's start could not go to syslog, where there is no /dev/log, may come
    // first)
    String err =
        awaitStderr(l -> l.startsWith("fim: ") && !l.startsWith("fim: note: "), "the error line");
    assertTrue(err.contains("fanotify") && err.contains("CAP_SYS_ADMIN"), err);
  }

  @Test
  void aWatchKilledWithSigkillIsCleanedUpByTheNextStart() throws Exception {
    dev.fim.auditlink.netlink.AuditStatus host;
    try (dev.fim.auditlink.netlink.AuditClient c = dev.fim.auditlink.netlink.AuditClient.open()) {
      host = c.status();
    }
    assumeTrue(
        !host.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
    String db = dir.resolve("db").toString();
    start(List.of(), "--db", db, "--attribution", "audit", tree.toString());
    awaitStderr(
        l -> l.startsWith("fim watch: attribution: audit records"), "the audit attribution line");
    awaitStderr(l -> l.startsWith("fim watch: recorded "), "the initial recording");
    assertTrue(
        ruleTexts().stream().anyMatch(r -> r.contains("dir=" + tree)), "fim's rule is installed");
    assertEquals(
        0, new ProcessBuilder("kill", "-KILL", Long.toString(fim.pid())).start().waitFor());
    assertTrue(fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
    assertTrue(
        ruleTexts().stream().anyMatch(r -> r.contains("dir=" + tree)),
        "SIGKILL leaves the rule behind");

    synchronized (stderr) {
      stderr.clear();
    }
    start(List.of(), "--db", db, "--attribution", "proc", tree.toString());
    String undone = awaitStderr(l -> l.contains("did not stop cleanly"), "the clean-up line");
    // b64 and b32, and the progress probe's rule
    assertTrue(undone.contains("removed 3 of its audit rule(s)"), undone);
    assertTrue(
        ruleTexts().stream().noneMatch(r -> r.contains("dir=" + tree)), "the rules are gone");
    assertTrue(
        ruleTexts().stream().noneMatch(r -> r.contains("-F ppid=" + fim.pid() + " ")),
        "the probe's rule is gone");
    try (dev.fim.auditlink.netlink.AuditClient c = dev.fim.auditlink.netlink.AuditClient.open()) {
      assertEquals(host.enabled(), c.status().enabled());
      assertEquals(host.backlogLimit(), c.status().backlogLimit());
    }
    awaitStderr(
        l -> l.startsWith("fim watch: reconciled"),
        "the start-up scan (signal handlers are in place)");
    assertEquals(0, stop("TERM"));
  }

  /**
   * The watch service and the nightly check on one database: the check finds it held by the watch,
   * asks for it, and runs (exit 4, not 18 "in use"); the watch lends it, takes it back and goes on
   * recording, and the history holds both, with distinct sequences.
   */
  @Test
  void aCheckBesideTheRunningWatchBorrowsItsDatabase() throws Exception {
    String db = dir.resolve("db").toString();
    String key = dir.resolve("key").toString();
    Fim.Run init = Fim.run("init", "--db", db, "--key", key, tree.toString());
    assertEquals(0, init.exit(), init.toString());
    Path out = dir.resolve("out.json");
    start(
        List.of(),
        "--db",
        db,
        "--key",
        key,
        "--attribution",
        "proc",
        "--output",
        out.toString(),
        tree.toString());
    awaitStderr(l -> l.startsWith("fim watch: reconciled"), "the start-up reconcile");
    sh("echo two >> f");
    awaitLine(out, "/tree/f\"");

    Fim.Run check =
        Fim.process(
            java.util.Map.of(),
            b("check"),
            b("--db"),
            b(db),
            b("--key"),
            b(key),
            b(tree.toString()));
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check.err().contains("is held by fim watch (pid " + fim.pid() + "); asked it to lend it"),
        check.toString());
    awaitStderr(
        l -> l.startsWith("fim watch: lending the database to pid ") && l.contains("fim check"),
        "the lending line");
    awaitStderr(l -> l.startsWith("fim watch: database back after"), "the database taken back");
    sh("echo new > g");
    awaitLine(out, "/tree/g\"");
    assertEquals(0, stop("TERM"));

    List<dev.fim.store.ChangeEvent> events = new ArrayList<>();
    try (Store store = Store.open(Path.of(db), Store.OpenMode.READ_ONLY)) {
      new EventLog(store).forEach(0, Long.MAX_VALUE, events::add);
    }
    assertTrue(
        events.stream()
            .anyMatch(
                e -> "check".equals(e.origin().label()) && e.path().display().endsWith("/tree/f")),
        "the check's finding is in the history");
    assertTrue(
        events.stream()
            .anyMatch(
                e -> "watch".equals(e.origin().label()) && e.path().display().endsWith("/tree/g")),
        "the watch recorded after taking the database back");
    assertEquals(
        events.size(),
        events.stream().mapToLong(dev.fim.store.ChangeEvent::sequence).distinct().count(),
        "sequences stay unique per store");
    // Both processes sealed what they recorded into one chain (the watch took it up where the check
    // left it), and the watch's coverage heartbeats and end rewrote its interval in the chain too.
    Fim.Run history = Fim.run("history", "--db", db, "--key", key);
    assertEquals(0, history.exit(), history.toString());
    Fim.Run report =
        Fim.run("report", "--db", db, "--key", key, "--since", "-1h", "--format", "json");
    assertEquals(0, report.exit(), report.toString());
    assertTrue(report.out().contains("\"evidence_chain\":{\"verified\":true"), report.out());
  }

  /**
   * Issue 12: a watch with no state of its own copies the baseline into {@code current} and
   * compares with it, so the baseline's seal is verified first, as check does. The attacker (who
   * can write the database directory, not read the key) changes {@code f}, baselines it in a
   * database of their own and grafts that record into the victim's baseline: a watch that trusted
   * it would report nothing about {@code f}. It exits 19 instead, having copied nothing.
   */
  @Test
  void aWatchDoesNotSeedItsStateFromAGraftedBaseline() throws Exception {
    String db = dir.resolve("db").toString();
    String key = dir.resolve("key").toString();
    assertEquals(0, Fim.run("init", "--db", db, "--key", key, tree.toString()).exit());
    Files.writeString(tree.resolve("f"), "changed by the attacker\n");
    Path theirs = dir.resolve("their-db");
    assertEquals(
        0,
        Fim.run(
                "init",
                "--db",
                theirs.toString(),
                "--key",
                dir.resolve("their.key").toString(),
                tree.toString())
            .exit());
    PathBytes f = PathBytes.ofUtf8(tree.resolve("f").toString());
    byte[] forged;
    try (Store s = Store.open(theirs, Store.OpenMode.EXISTING);
        RecordCursor c = s.cursor(Column.BASELINE, f)) {
      assertTrue(c.next());
      forged = c.rawValue();
    }
    try (Store s = Store.open(Path.of(db), Store.OpenMode.EXISTING);
        RecordWriter w = s.newWriter(Column.BASELINE)) {
      w.putRaw(f.toBytes(), forged);
    }
    start(List.of(), "--db", db, "--key", key, "--attribution", "proc", tree.toString());
    assertTrue(
        fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch started on a grafted baseline");
    assertEquals(ExitCodes.SEAL, fim.exitValue(), stderr::toString);
    String err =
        awaitStderr(l -> l.startsWith("fim: ") && !l.startsWith("fim: note: "), "the error line");
    assertTrue(err.contains("baseline seal mismatch in " + db), err);
    try (Store s = Store.open(Path.of(db), Store.OpenMode.EXISTING)) {
      assertFalse(s.hasAny(Column.CURRENT), "nothing was copied into the watch state");
    }
  }

  /**
   * A re-baseline killed after its commit point (the new baseline sealed in {@code scan}, state
   * "switching", the baseline column half copied, here empty) is finished by the watch as by check;
   * before, the watch found no baseline and recorded the trees as they were, without an event. A
   * waiting baseline altered meanwhile is refused.
   */
  @Test
  void aWatchFinishesAHalfDoneSwitchOrRefusesAnAlteredOne() throws Exception {
    String db = dir.resolve("db").toString();
    String key = dir.resolve("key").toString();
    assertEquals(0, Fim.run("init", "--db", db, "--key", key, tree.toString()).exit());
    leaveAHalfDoneSwitch(Path.of(db), PathBytes.ofUtf8(tree.resolve("f").toString()));
    start(List.of(), "--db", db, "--key", key, "--attribution", "proc", tree.toString());
    assertTrue(
        fim.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS),
        "fim watch started on an altered waiting baseline");
    assertEquals(ExitCodes.SEAL, fim.exitValue(), stderr::toString);
    String err =
        awaitStderr(l -> l.startsWith("fim: ") && !l.startsWith("fim: note: "), "the error line");
    assertTrue(err.contains("killed while it replaced the baseline"), err);

    String db2 =
        dir.resolve("db2").toString(); // a scoped init cannot repair the first (BaselineTrustTest)
    assertEquals(0, Fim.run("init", "--db", db2, "--key", key, tree.toString()).exit());
    leaveAHalfDoneSwitch(Path.of(db2), null);
    synchronized (stderr) {
      stderr.clear();
    }
    start(List.of(), "--db", db2, "--key", key, "--attribution", "proc", tree.toString());
    awaitStderr(
        l -> l.equals("fim watch: no earlier watch state: comparing with the baseline"),
        "the seed line");
    awaitStderr(l -> l.startsWith("fim watch: reconciled"), "the start-up reconcile");
    assertEquals(0, stop("TERM"));
    Fim.Run check = Fim.run("check", "--db", db2, "--key", key, tree.toString());
    assertEquals(0, check.exit(), "the switch was finished: " + check);
  }

  /**
   * The state a fim killed in the middle of a switch leaves (as ReinitInterruptTest makes it);
   * {@code drop}: altered.
   */
  private static void leaveAHalfDoneSwitch(Path db, PathBytes drop) throws Exception {
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      s.replaceAll(Column.BASELINE, Column.SCAN);
      if (drop != null) {
        try (RecordWriter w = s.newWriter(Column.SCAN)) {
          w.delete(drop);
        }
      }
      java.util.Map<String, byte[]> m = new java.util.HashMap<>();
      m.put("next_seal", s.getMeta("seal"));
      m.put("next_config_digest", s.getMeta("config_digest"));
      m.put("next_baseline_scan_start", s.getMeta("baseline_scan_start"));
      m.put("next_baseline_time", s.getMeta("baseline_time"));
      m.put("baseline_state", "switching".getBytes(StandardCharsets.US_ASCII));
      m.put("seal", null);
      s.putMetaAtomically(m);
      s.clear(Column.BASELINE);
      s.flush();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> ruleTexts() throws Exception {
    Process p = new ProcessBuilder("/usr/sbin/auditctl", "-l").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return List.of(out.split("\n"));
  }
}
