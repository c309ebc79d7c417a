package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditListener;
import dev.fim.auditlink.netlink.AuditRefusedException;
import dev.fim.auditlink.netlink.AuditState;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import dev.fim.engine.Commands;
import dev.fim.store.PathBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The host is left as it was found: after {@link AuditAttributor#close()}, and after a {@link
 * AuditAttributor#start} that failed half-way, the kernel lists the same rules and reports the same
 * enabled flag, audit pid and backlog limit as before. A rule the host already had is left in
 * place. Each test compares the host's state before and after itself.
 */
@Tag("kernel")
class AuditAttributorRestoreKernelTest {
  Path tree;
  AuditClient client;
  HostAudit host;

  @BeforeEach
  void open() throws Exception {
    assumeTrue(
        Commands.isRoot(), "needs CAP_AUDIT_CONTROL to add audit rules (run the tests as root)");
    client = AuditClient.open();
    host = HostAudit.capture(client);
    tree = Files.createTempDirectory(Path.of("/var/tmp"), "fim-attr-").toRealPath();
  }

  @AfterEach
  void close() throws Exception {
    if (client == null) {
      return;
    }
    try {
      host.assertRestored(client);
    } finally {
      client.close();
      Files.deleteIfExists(tree);
    }
  }

  @Test
  void installsFimsRulePerArchAndPutsEverythingBack() throws Exception {
    String dir = tree.toString();
    try (AuditAttributor a =
        AuditAttributor.start(List.of(pathOf(tree)), AttributorSettings.defaults())) {
      List<String> expected =
          List.of(
              "-a always,exit -F arch=b64 -F dir=" + dir + " -F perm=wa -F key=fim",
              "-a always,exit -F arch=b32 -F dir=" + dir + " -F perm=wa -F key=fim");
      assertEquals(expected, a.addedRules());
      List<String> now = AuditAttributorKernelTest.ruleTexts(client);
      assertTrue(now.containsAll(expected), () -> "installed: " + now);
      String probe =
          "-a always,exit -F arch=b64 -S kill -F ppid="
              + ProcessHandle.current().pid()
              + " -F key=fim-progress";
      assertTrue(now.contains(probe), () -> "the progress probe's rule: " + now);
      assertTrue(a.probing());
      assertEquals(
          host.rules().size() + 3,
          now.size(),
          () -> "only fim's two rules and its progress probe's were added: " + now);
      assertEquals(List.of(), a.missingRules());
      AuditStatus during = client.status();
      assertTrue(during.enabled() >= 1, "audit enabled while attributing");
      assertTrue(during.backlogLimit() >= 8192, () -> "backlog limit " + during.backlogLimit());
      if (host.status().pid() == 0) {
        assertEquals(AuditListener.Mode.AUDIT_PID, a.mode());
        assertEquals(ProcessHandle.current().pid(), during.pid(), "fim is the audit pid meanwhile");
      } else {
        assertEquals(AuditListener.Mode.MULTICAST, a.mode());
        assertEquals(host.status().pid(), during.pid(), "auditd stays the audit pid");
      }
    }
    // host.assertRestored(client) in close()
  }

  @Test
  void aRuleTheHostAlreadyHadIsNotOursToRemove() throws Exception {
    String key = "fim-test-" + ProcessHandle.current().pid();
    String b64 = "-a always,exit -F arch=b64 -F dir=" + tree + " -F perm=wa -F key=" + key;
    try (AuditState host = AuditState.capture()) {
      assertTrue(host.addRule(new RuleCompiler(RuleSettings.host()).compile(b64).bytes()));
      List<String> withHostRule = AuditAttributorKernelTest.ruleTexts(client);
      try (AuditAttributor a =
          AuditAttributor.start(
              List.of(pathOf(tree)), AttributorSettings.defaults().withKey(key))) {
        assertEquals(
            List.of(b64.replace("b64", "b32")), a.addedRules(), "only the b32 rule is fim's");
        assertEquals(List.of(), a.missingRules());
      }
      assertEquals(
          withHostRule,
          AuditAttributorKernelTest.ruleTexts(client),
          "the host's rule is still there");
    }
  }

  @Test
  void startFailingHalfWayLeavesNothingBehind() throws Exception {
    Path missing = tree.resolve("missing");
    AuditRefusedException e =
        assertThrows(
            AuditRefusedException.class,
            () ->
                AuditAttributor.start(
                    List.of(pathOf(tree), pathOf(missing)), AttributorSettings.defaults()));
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such directory"),
        e.getMessage());
    host.assertRestored(client); // at once, not only after the test
  }

  @Test
  void treesTheRulesCannotNameFailBeforeTheHostIsTouched() {
    IllegalArgumentException relative =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AuditAttributor.start(
                    List.of(PathBytes.ofUtf8("var/tmp")), AttributorSettings.defaults()));
    assertTrue(relative.getMessage().contains("not an absolute path"), relative.getMessage());
    IllegalArgumentException latin1 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AuditAttributor.start(
                    List.of(PathBytes.of(new byte[] {'/', 't', (byte) 0xe9})),
                    AttributorSettings.defaults()));
    assertTrue(latin1.getMessage().contains("2f74e9"), latin1.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> AuditAttributor.start(List.of(), AttributorSettings.defaults()));
  }

  @Test
  void aRuleDeletedBehindFimsBackIsReportedMissing() throws Exception {
    String key = "fim-test-" + ProcessHandle.current().pid();
    String b32 = "-a always,exit -F arch=b32 -F dir=" + tree + " -F perm=wa -F key=" + key;
    try (AuditAttributor a =
        AuditAttributor.start(List.of(pathOf(tree)), AttributorSettings.defaults().withKey(key))) {
      client.deleteRule(new RuleCompiler(RuleSettings.host()).compile(b32).bytes());
      assertEquals(List.of(b32), a.missingRules());
    } // close() finds the rule gone (ENOENT) and still restores the rest
  }

  static PathBytes pathOf(Path p) {
    return AuditAttributorKernelTest.pathOf(p);
  }
}
