package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditState;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code fim check --audit-log} on a log a real auditd wrote: the test starts its own auditd
 * ({@code -n -s nochange -c CONFDIR}, log in a temporary directory), installs one rule ({@code -a
 * always,exit -F arch=b64 -F dir=TREE -F perm=wa -k KEY}), takes a baseline, and has a bash whose
 * loginuid is 1001 edit the tree with vim, sed -i, rm, mv and chmod; one more change is made after
 * the rule is gone. Then the real CLI (in-process) checks with {@code --audit-log}: each change
 * names the program that made it and auid 1001 with attribution {@code audit-log}; the unlogged
 * change is {@code none} with its reason; the same log split into audit.log.1 + audit.log gives the
 * same answer; a missing and an unreadable log give a clear warning and the usual exit code.
 * Afterwards auditd is stopped and the host's audit pid, enabled flag and rules are as before.
 *
 * <p>Run under {@code flock /var/tmp/fim-audit.lock}. Skips (with the reason) when not root,
 * without auditd or vim, when an audit daemon already runs, or when audit is locked.
 */
@Tag("kernel")
class CheckAuditLogKernelTest {
  static final List<Path> AUDITD = List.of(Path.of("/usr/sbin/auditd"), Path.of("/sbin/auditd"));

  Path dir;
  Path tree;
  Path log;
  AuditClient client;
  AuditStatus hostStatus;
  List<String> hostRules;
  Process auditd;
  AuditState state;

  @BeforeEach
  void open() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs root: starts auditd and installs an audit rule");
    Path bin = AUDITD.stream().filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(
        bin != null, "auditd is not installed (" + AUDITD + "); bin/test-all installs it as root");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/vim")), "needs vim (bin/test-all installs it)");
    client = AuditClient.open();
    hostStatus = client.status();
    assumeTrue(
        !hostStatus.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
    assumeTrue(
        hostStatus.pid() == 0,
        "process " + hostStatus.pid() + " is the audit pid: this test starts its own auditd");
    hostRules = ruleTexts();
    // Under /var/tmp, not /tmp: vim's default backupskip covers /tmp, where it writes in place
    // (DESIGN.md).
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-auditlog-test-");
    tree = Files.createDirectories(dir.resolve("tree/etc"));
    log = startAuditd(bin);
  }

  @AfterEach
  void restore() throws Exception {
    try {
      try {
        if (state != null) {
          state.close(); // deletes the rule, puts enabled back
        }
      } finally {
        stopAuditd();
      }
      if (client != null) {
        AuditStatus now = client.status();
        assertEquals(hostStatus.pid(), now.pid(), "audit pid given back");
        assertEquals(hostStatus.enabled(), now.enabled(), "enabled restored");
        assertEquals(hostRules, ruleTexts(), "the host's rules are as before");
      }
    } finally {
      if (client != null) {
        client.close();
      }
      if (dir != null) {
        try (Stream<Path> s = Files.walk(dir)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  @Test
  void eachChangeNamesItsWriterFromTheLog() throws Exception {
    for (String f : List.of("hosts", "sshd_config", "motd", "old.conf", "secret", "late")) {
      Files.writeString(tree.resolve(f), f + "\n");
    }
    String db = dir.resolve("db").toString();
    String key = dir.resolve("seal.key").toString();
    Fim.Run init = Fim.run("init", "--db", db, "--key", key, tree.toString());
    assertEquals(0, init.exit(), init.toString());

    state = AuditState.capture();
    state.enable();
    String ruleKey = "fimlogtest" + ProcessHandle.current().pid();
    byte[] rule =
        new RuleCompiler(RuleSettings.host())
            .compile(
                List.of(
                    "-a",
                    "always,exit",
                    "-F",
                    "arch=b64",
                    "-F",
                    "dir=" + dir.resolve("tree"),
                    "-F",
                    "perm=wa",
                    "-F",
                    "key=" + ruleKey))
            .bytes();
    state.addRule(rule);
    sh(
        tree,
        "echo 1001 > /proc/self/loginuid || exit 99\n"
            + "vim -u NONE -N -es -c 'normal Go10.0.0.1 evil' -c wq hosts\n"
            + "sed -i s/sshd/changed/ sshd_config\n"
            + "rm motd\n"
            + "mv old.conf new.conf\n"
            + "chmod 600 secret\n"
            + "cp /usr/bin/true newbin && chmod 4755 newbin\n");
    state.deleteRule(rule);
    Files.writeString(
        tree.resolve("late"), "not in the log\n", java.nio.file.StandardOpenOption.APPEND);
    awaitLogLine(
        l -> l.contains("comm=\"chmod\"") && l.contains(ruleKey), "chmod's SYSCALL record");
    // auditd writes an event a line at a time: wait for chmod's PATH line too (it names the file).
    // chmod 4755's PATH line (cp's names newbin as CREATE, chmod's as NORMAL)
    awaitLogLine(
        l ->
            l.startsWith("type=PATH ")
                && l.contains("name=\"newbin\"")
                && l.contains("nametype=NORMAL"),
        "chmod 4755's PATH record");

    Fim.Run check =
        Fim.run(
            "check",
            "--db",
            db,
            "--key",
            key,
            "--format",
            "json",
            "--audit-log",
            log.toString(),
            tree.toString());
    assertEquals(
        ExitCodes.ADDED | ExitCodes.REMOVED | ExitCodes.CHANGED, check.exit(), check.toString());
    Map<String, Map<String, Object>> byPath = entries(check.out());
    expectWriter(byPath, "hosts", "/usr/bin/vim");
    expectWriter(byPath, "sshd_config", "/usr/bin/sed");
    expectWriter(byPath, "motd", "/usr/bin/rm");
    expectWriter(byPath, "old.conf", "/usr/bin/mv"); // removed: found by the rename's old name
    expectWriter(byPath, "new.conf", "/usr/bin/mv");
    expectWriter(byPath, "secret", "/usr/bin/chmod");
    // Two writers of one path (issue 15): process is the last (chmod), fim.writers both in order.
    expectWriter(byPath, "newbin", "/usr/bin/chmod");
    String out = check.out();
    int entry = out.indexOf("\"path\":\"" + tree.resolve("newbin") + "\"");
    int writers = out.indexOf("\"writers\":[", entry);
    int nextEntry = out.indexOf("\"file\":{", entry);
    assertTrue(entry > 0 && writers > entry && (nextEntry < 0 || nextEntry > writers), out);
    String ws = out.substring(writers, out.indexOf(']', writers) + 1);
    assertTrue(
        ws.matches(
            "\"writers\":\\[\\{\"pid\":\\d+,\"executable\":\"/usr/bin/cp\",\"name\":\"cp\","
                + "\"auid\":\"1001\",\"uid\":\"0\",\"syscall\":\"open\\w*\",\"serial\":\\d+,"
                + "\"time\":\"[^\"]+\"\\},\\{\"pid\":\\d+,\"executable\":\"/usr/bin/chmod\","
                + "\"name\":\"chmod\",\"auid\":\"1001\",\"uid\":\"0\",\"syscall\":\"fchmodat\","
                + "\"serial\":\\d+,\"time\":\"[^\"]+\"\\}\\]"),
        ws);
    expectWriter(
        byPath,
        "",
        "/usr/bin/cp"); // the directory: the last entry created or removed in it (newbin)
    Map<String, Object> late = byPath.get(tree.resolve("late").toString());
    assertEquals("none", late.get("fim.attribution"), late.toString());
    assertTrue(
        ((String) late.get("fim.attribution_reason"))
            .startsWith("no write to this path in the audit log (1 file, "),
        late.toString());
    Map<String, Object> report = BaselineCommandsTest.flatten(check.out());
    assertEquals("audit-log", report.get("attribution.source"));
    assertEquals(8, report.get("attribution.attributed"));
    assertEquals(9, report.get("attribution.changes"));

    // Text: who, as EventText says it for watch events.
    Fim.Run text =
        Fim.run("check", "--db", db, "--key", key, "--audit-log", log.toString(), tree.toString());
    // "by alice (auid 1001) as root, chmod[4242] /usr/bin/chmod (audit event …: fchmodat)"; no name
    // where the host has no user 1001.
    assertTrue(
        text.out()
            .matches(
                "(?s).*\n  f "
                    + tree.resolve("secret")
                    + "\n      by (\\S+ \\(auid 1001\\)|auid 1001)"
                    + " as root, chmod\\[\\d+\\] /usr/bin/chmod \\(audit event \\d+ at \\S+: fchmodat\\)\n.*"),
        text.out());
    assertTrue(text.out().contains("Attribution: audit log " + log + ", 1 file ("), text.out());
    assertTrue(
        text.out()
            .matches(
                "(?s).*\n  f "
                    + tree.resolve("newbin")
                    + "\n      by \\S.* chmod\\[\\d+\\] /usr/bin/chmod \\(also: cp\\[\\d+\\] open\\w*\\)"
                    + " \\(audit event \\d+ at \\S+: fchmodat\\)\n.*"),
        text.out());

    // The same log as audit.log.1 + audit.log (a rotation between vim and sed): the same writers.
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    int cut = 0;
    while (cut < lines.size() && !lines.get(cut).contains("comm=\"sed\"")) {
      cut++;
    }
    Path rotated = Files.createDirectories(dir.resolve("rotated"));
    Files.write(rotated.resolve("audit.log.1"), lines.subList(0, cut), StandardCharsets.ISO_8859_1);
    Files.write(
        rotated.resolve("audit.log"),
        lines.subList(cut, lines.size()),
        StandardCharsets.ISO_8859_1);
    Fim.Run split =
        Fim.run(
            "check",
            "--db",
            db,
            "--key",
            key,
            "--format",
            "json",
            "--audit-log",
            rotated.resolve("audit.log").toString(),
            tree.toString());
    Map<String, Map<String, Object>> splitByPath = entries(split.out());
    for (String p : List.of("hosts", "sshd_config", "old.conf", "secret")) {
      Map<String, Object> a = byPath.get(tree.resolve(p).toString());
      Map<String, Object> b = splitByPath.get(tree.resolve(p).toString());
      assertEquals(
          a.get("fim.attribution_reason"),
          b.get("fim.attribution_reason"),
          p + " in " + split.out());
      assertEquals(a.get("process.executable"), b.get("process.executable"), p);
    }
    assertEquals(2, countFiles(split.out()), "both files were read: " + split.out());

    // A missing log and an unreadable one: the check runs, exits as usual, and says why on stderr.
    Fim.Run missing =
        Fim.run(
            "check",
            "--db",
            db,
            "--key",
            key,
            "--audit-log",
            dir.resolve("nope/audit.log").toString(),
            tree.toString());
    assertEquals(7, missing.exit(), missing.toString());
    assertTrue(
        missing
            .err()
            .contains(
                "fim: warning: --audit-log: audit log "
                    + dir.resolve("nope/audit.log")
                    + " does not exist (nor any rotation audit.log.N); no change is attributed"),
        missing.toString());
    assertTrue(
        missing
            .out()
            .contains("by unknown (audit log " + dir.resolve("nope/audit.log") + " does not exist"),
        missing.out());
    Fim.Run unreadable =
        Fim.run(
            "check", "--db", db, "--key", key, "--audit-log", "/proc/self/mem", tree.toString());
    assertEquals(7, unreadable.exit(), unreadable.toString());
    assertTrue(
        unreadable.err().contains("fim: warning: --audit-log: cannot read /proc/self/mem: "),
        unreadable.toString());
    assertTrue(
        unreadable.out().contains("by unknown (audit log unreadable (/proc/self/mem: "),
        unreadable.out());
  }

  private void expectWriter(
      Map<String, Map<String, Object>> byPath, String name, String exePrefix) {
    String path = name.isEmpty() ? tree.toString() : tree.resolve(name).toString();
    Map<String, Object> e = byPath.get(path);
    assertNotNull(e, "an entry for " + path + " in " + byPath.keySet());
    assertEquals("audit-log", e.get("fim.attribution"), e.toString());
    assertEquals("1001", e.get("user.audit.id"), e.toString());
    assertEquals("0", e.get("user.id"), e.toString());
    assertTrue(((String) e.get("process.executable")).startsWith(exePrefix), e.toString());
    assertNotNull(e.get("process.pid"), e.toString());
    assertNotNull(e.get("process.parent.pid"), e.toString());
    assertTrue(((String) e.get("fim.attribution_reason")).startsWith("audit event "), e.toString());
  }

  private static int countFiles(String json) throws Exception {
    int n = 0;
    try (JsonParser p = new JsonFactory().createParser(json)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && "first_record".equals(p.getCurrentName())) {
          n++;
        }
      }
    }
    return n;
  }

  /** The report's entries by file.path, each flattened ({@link BaselineCommandsTest#flatten}). */
  static Map<String, Map<String, Object>> entries(String json) throws Exception {
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      int depth = 0;
      boolean inEntries = false;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && depth == 1 && "entries".equals(p.getCurrentName())) {
          p.nextToken(); // START_ARRAY
          inEntries = true;
          continue;
        }
        if (inEntries && t == JsonToken.START_OBJECT) {
          int start = (int) p.getTokenLocation().getCharOffset();
          p.skipChildren();
          int end = (int) p.getCurrentLocation().getCharOffset();
          Map<String, Object> e = BaselineCommandsTest.flatten(json.substring(start, end));
          out.put((String) e.get("file.path"), e);
          continue;
        }
        if (inEntries && t == JsonToken.END_ARRAY) {
          inEntries = false;
          continue;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) depth++;
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) depth--;
      }
    }
    return out;
  }

  private void awaitLogLine(java.util.function.Predicate<String> p, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)
          && Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().anyMatch(p)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "auditd's log "
            + log
            + " has no "
            + what
            + " within 30 s:\n"
            + Files.readString(log, StandardCharsets.ISO_8859_1));
  }

  private static void sh(Path cwd, String script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", script)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "edits finished");
    assertEquals(0, p.exitValue(), out);
  }

  private List<String> ruleTexts() throws Exception {
    List<String> out = new ArrayList<>();
    for (byte[] r : client.listRules()) {
      out.add(RuleCompiler.toCommandLine(r));
    }
    return out;
  }

  /**
   * auditd.conf(5) as the other kernel tests write it: no rotation, network or plugins; nothing
   * that halts.
   */
  private Path startAuditd(Path bin) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("auditd/etc/plugins.d")).getParent();
    Path out = Files.createDirectories(dir.resolve("auditd/log")).resolve("audit.log");
    Files.writeString(
        conf.resolve("auditd.conf"),
        String.join(
            "\n",
            "local_events = yes",
            "write_logs = yes",
            "log_file = " + out,
            "log_group = root",
            "log_format = ENRICHED",
            "flush = INCREMENTAL_ASYNC",
            "freq = 20",
            "max_log_file = 100",
            "num_logs = 0",
            "max_log_file_action = IGNORE",
            "space_left = 2",
            "space_left_action = IGNORE",
            "admin_space_left = 1",
            "admin_space_left_action = IGNORE",
            "disk_full_action = IGNORE",
            "disk_error_action = IGNORE",
            "name_format = NONE",
            "priority_boost = 0",
            "use_libwrap = no",
            "tcp_listen_queue = 5",
            "tcp_max_per_addr = 1",
            "tcp_client_max_idle = 0",
            "transport = TCP",
            "distribute_network = no",
            "q_depth = 2000",
            "overflow_action = IGNORE",
            "max_restarts = 0",
            "plugin_dir = " + conf.resolve("plugins.d"),
            "end_of_event_timeout = 2",
            ""));
    auditd =
        new ProcessBuilder(bin.toString(), "-n", "-s", "nochange", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("auditd/out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.status().pid() != auditd.pid()
        && auditd.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (client.status().pid() != auditd.pid()) {
      String why =
          auditd.isAlive()
              ? "did not become the audit pid within 30 s"
              : "exited with " + auditd.exitValue();
      stopAuditd();
      assumeTrue(
          false,
          "could not start auditd ("
              + bin
              + " "
              + why
              + "): "
              + Files.readString(dir.resolve("auditd/out"), StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /** SIGTERM (auditd gives the audit pid back), up to 30 s, then SIGKILL. */
  private void stopAuditd() throws InterruptedException {
    if (auditd == null) {
      return;
    }
    auditd.destroy();
    if (!auditd.waitFor(30, TimeUnit.SECONDS)) {
      auditd.destroyForcibly();
      auditd.waitFor(10, TimeUnit.SECONDS);
    }
    auditd = null;
  }
}
