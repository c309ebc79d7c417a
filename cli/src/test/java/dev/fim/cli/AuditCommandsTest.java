package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.rules.RuleCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fim audit …}: compile against a peer golden, errors with FILE:LINE, and (as root) status
 * and rules.
 */
class AuditCommandsTest {
  @TempDir Path tmp;

  private static Path fixture(String name) {
    String root = System.getProperty("fim.fixtures");
    assertTrue(root != null, "system property fim.fixtures is not set");
    Path p = Path.of(root, "go-libaudit", "rules", name);
    assertTrue(Files.isRegularFile(p), "missing fixture " + p);
    return p;
  }

  /**
   * go-libaudit's generator moved every -w/dir=/path= path under /tmp/audit-test before running
   * auditctl (rule/gen_testdata_test.go), so the same rewrite is applied to the input here.
   */
  @Test
  void compilePrintsTheGoldenOf43ModuleLoadWithoutItsHeader() throws Exception {
    List<String> rewritten = new ArrayList<>();
    for (String line : Files.readAllLines(fixture("43-module-load.rules"))) {
      rewritten.add(
          line.startsWith("#")
              ? line
              : line.replaceAll("(-w ['\"]?|dir=|path=)/", "$1/tmp/audit-test/"));
    }
    Path rules = tmp.resolve("43-module-load.rules");
    Files.write(rules, rewritten);
    List<String> golden = Files.readAllLines(fixture("43-module-load.rules.golden.yml"));
    assertTrue(
        golden.get(0).startsWith("# Linux ") && golden.get(1).startsWith("# auditctl version"));
    String expected = String.join("\n", golden.subList(2, golden.size())) + "\n";

    Fim.Run r = Fim.run("audit", "rules", "compile", rules.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals(expected, r.out());
  }

  @Test
  void aBadRuleExitsWithConfigErrorAndFileLine() throws Exception {
    Path rules = tmp.resolve("bad.rules");
    Files.writeString(
        rules,
        "# fim\n-w /etc/passwd -p wa -k fim\n\n-a always,exit -F arch=b64 -S no_such_syscall -k x\n",
        StandardCharsets.UTF_8);
    Fim.Run r = Fim.run("audit", "rules", "compile", rules.toString());
    assertEquals(ExitCodes.CONFIG, r.exit(), r.toString());
    assertTrue(r.err().startsWith("fim: " + rules + ":4: "), r.toString());
    assertEquals("", r.out());
  }

  @Test
  void aMissingFileIsAnIoError() {
    Fim.Run r = Fim.run("audit", "rules", "compile", tmp.resolve("none.rules").toString());
    assertEquals(ExitCodes.IO, r.exit(), r.toString());
    assertTrue(r.err().contains("none.rules"), r.toString());
  }

  @Test
  void helpListsTheAuditExitCode() {
    Fim.Run r = Fim.run("audit", "rules", "add", "--help");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("fim audit rules add [--] RULE-WORDS"), r.out());
    assertTrue(r.out().contains("23"), r.out());
  }

  @Test
  @Tag("kernel")
  void statusPrintsEnabledPidBacklog() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs CAP_AUDIT_CONTROL (run as root)");
    long backlog;
    try (AuditClient c = AuditClient.open()) {
      backlog = c.status().backlogLimit();
    }
    Fim.Run r = Fim.run("audit", "status");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out()
            .matches(
                "(?s)enabled [012].*\npid \\d+.*\nrate_limit \\d+\nbacklog_limit "
                    + backlog
                    + "\n.*"),
        r.out());
    Fim.Run j = Fim.run("audit", "status", "--format", "json");
    assertEquals(0, j.exit(), j.toString());
    assertTrue(
        j.out().startsWith("{\"enabled\":") && j.out().contains("\"backlog_limit\":" + backlog),
        j.out());
  }

  @Test
  @Tag("kernel")
  void addListDeleteAWatchRuleGivenAsWords() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs CAP_AUDIT_CONTROL (run as root)");
    String key = "fim-test-" + ProcessHandle.current().pid();
    Fim.Run before = Fim.run("audit", "rules", "list");
    assertEquals(0, before.exit(), before.toString());
    String dir = tmp.toString();
    try {
      Fim.Run add =
          Fim.run(
              "audit",
              "rules",
              "add",
              "-a",
              "always,exit",
              "-F",
              "arch=b64",
              "-F",
              "dir=" + dir,
              "-F",
              "perm=wa",
              "-F",
              "key=" + key);
      assertEquals(0, add.exit(), add.toString());
      Fim.Run again =
          Fim.run(
              "audit",
              "rules",
              "add",
              "--",
              "-a",
              "always,exit",
              "-F",
              "arch=b64",
              "-F",
              "dir=" + dir,
              "-F",
              "perm=wa",
              "-F",
              "key=" + key);
      assertEquals(ExitCodes.AUDIT, again.exit(), again.toString());
      assertTrue(again.err().contains("rule already exists"), again.toString());
      Fim.Run list = Fim.run("audit", "rules", "list");
      assertTrue(
          list.out()
              .contains(
                  "-a always,exit -F arch=b64 -F dir=" + dir + " -F perm=wa -F key=" + key + "\n"),
          list.toString());
    } finally {
      Fim.Run del =
          Fim.run(
              "audit",
              "rules",
              "delete",
              "-a",
              "always,exit",
              "-F",
              "arch=b64",
              "-F",
              "dir=" + dir,
              "-F",
              "perm=wa",
              "-F",
              "key=" + key);
      assertEquals(0, del.exit(), del.toString());
    }
    Fim.Run gone =
        Fim.run(
            "audit",
            "rules",
            "delete",
            "-a",
            "always,exit",
            "-F",
            "arch=b64",
            "-F",
            "dir=" + dir,
            "-F",
            "perm=wa",
            "-F",
            "key=" + key);
    assertEquals(ExitCodes.AUDIT, gone.exit(), gone.toString());
    assertTrue(gone.err().contains("no such rule"), gone.toString());
    assertEquals(before.out(), Fim.run("audit", "rules", "list").out());
    assertTrue(RuleCompiler.INLINE_SOURCE.startsWith("<"));
  }
}
