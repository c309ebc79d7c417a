package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control client against the running kernel: status, AUDIT_SET, rules add/list/delete. */
@Tag("kernel")
class AuditClientKernelTest {
  @TempDir Path dir;

  private AuditClient client;
  private AuditStatus hostStatus;
  private List<String> hostRules;
  private final List<byte[]> added = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    KernelAudit.assumeRoot();
    client = AuditClient.open();
    hostStatus = client.status();
    hostRules = KernelAudit.ruleTexts(client);
  }

  @AfterEach
  void restore() throws Exception {
    if (client == null) {
      return;
    }
    try {
      for (byte[] r : added) {
        try {
          client.deleteRule(r);
        } catch (AuditRefusedException e) {
          // deleted by the test already
        }
      }
      if (client.status().backlogLimit() != hostStatus.backlogLimit()) {
        client.setBacklogLimit(hostStatus.backlogLimit());
      }
      assertEquals(hostRules, KernelAudit.ruleTexts(client), "the host's rules are as before");
      AuditStatus now = client.status();
      assertEquals(hostStatus.enabled(), now.enabled());
      assertEquals(hostStatus.pid(), now.pid());
      assertEquals(hostStatus.backlogLimit(), now.backlogLimit());
    } finally {
      client.close();
    }
  }

  @Test
  void auditGetReplyHasTheSizeOfOurAuditStatus() throws Exception {
    try (NetlinkSocket s = NetlinkSocket.open(AuditClient.BUFFER_SIZE)) {
      s.setReceiveTimeout(java.time.Duration.ofMillis(500));
      RequestChannel ch = new RequestChannel(s, AuditClient.BUFFER_SIZE, (b, n) -> {});
      List<NetlinkMessage> r =
          ch.request(RequestChannel.AUDIT_GET, new byte[0], RequestChannel.Expect.ONE);
      assertEquals(1, r.size());
      assertEquals(
          AuditStatus.SIZE, r.get(0).payloadLength(), "sizeof(struct audit_status) on this kernel");
    }
  }

  @Test
  void backlogLimitRoundTrip() throws Exception {
    long old = hostStatus.backlogLimit();
    client.setBacklogLimit(old + 17);
    assertEquals(old + 17, client.status().backlogLimit());
    client.setBacklogLimit(old);
    AuditStatus after = client.status();
    assertEquals(old, after.backlogLimit());
    assertEquals(hostStatus.enabled(), after.enabled());
    assertEquals(hostStatus.failure(), after.failure());
    assertEquals(hostStatus.rateLimit(), after.rateLimit());
    assertEquals(hostStatus.backlogWaitTime(), after.backlogWaitTime());
  }

  @Test
  void addListDeleteRulesLeavesTheHostListAsItWas() throws Exception {
    String key = KernelAudit.testKey();
    RuleCompiler compiler = new RuleCompiler(RuleSettings.host());
    List<String> texts =
        List.of(
            "-a always,exit -F arch=b64 -F dir=" + dir + " -F perm=wa -F key=" + key,
            "-a always,exit -F arch=b32 -F dir=" + dir + " -F perm=wa -F key=" + key,
            "-w " + dir + " -p wa -k " + key);
    List<String> expected =
        List.of(
            "-a always,exit -F arch=b64 -F dir=" + dir + " -F perm=wa -F key=" + key,
            "-a always,exit -F arch=b32 -F dir=" + dir + " -F perm=wa -F key=" + key,
            "-w " + dir + "/ -p wa -k " + key);
    List<byte[]> bytes = new ArrayList<>();
    for (String t : texts) {
      CompiledRule r = compiler.compile(t);
      client.addRule(r.bytes());
      added.add(r.bytes());
      bytes.add(r.bytes());
    }
    List<byte[]> listed = client.listRules();
    List<String> ours = new ArrayList<>();
    for (byte[] r : listed) {
      String text = RuleCompiler.toCommandLine(r);
      if (text.contains(key)) {
        ours.add(text);
        assertTrue(
            bytes.stream().anyMatch(b -> samePadded(b, r)), "the kernel lists our bytes: " + text);
      }
    }
    assertEquals(expected, ours);

    AuditRefusedException again =
        assertThrows(AuditRefusedException.class, () -> client.addRule(bytes.get(0)));
    assertEquals(Errno.EEXIST, again.errno());
    assertEquals("rule already exists", again.reason());

    for (byte[] b : bytes) {
      client.deleteRule(b);
    }
    AuditRefusedException gone =
        assertThrows(AuditRefusedException.class, () -> client.deleteRule(bytes.get(0)));
    assertEquals(Errno.ENOENT, gone.errno());
    assertEquals(
        "AUDIT_DEL_RULE: ENOENT (No such file or directory); no such rule", gone.getMessage());
    assertEquals(hostRules, KernelAudit.ruleTexts(client));
    assertTrue(Files.isDirectory(dir));
  }

  /**
   * The compiler pads audit_rule_data to 4 bytes (as auditctl sends it); the kernel lists it back
   * with exactly buflen string bytes (kernel/auditfilter.c audit_krule_to_data), so up to 3
   * trailing zeros may be missing.
   */
  private static boolean samePadded(byte[] compiled, byte[] listed) {
    if (listed.length > compiled.length || compiled.length - listed.length > 3) {
      return false;
    }
    for (int i = listed.length; i < compiled.length; i++) {
      if (compiled[i] != 0) {
        return false;
      }
    }
    return Arrays.equals(compiled, 0, listed.length, listed, 0, listed.length);
  }

  @Test
  void auditStateRestoresBacklogEnabledAndItsRules() throws Exception {
    String key = KernelAudit.testKey();
    byte[] rule =
        new RuleCompiler(RuleSettings.host())
            .compile("-a always,exit -F arch=b64 -F dir=" + dir + " -F perm=wa -F key=" + key)
            .bytes();
    added.add(rule);
    try (AuditState state = AuditState.capture()) {
      assertEquals(hostStatus.backlogLimit(), state.before().backlogLimit());
      state.raiseBacklogLimit(hostStatus.backlogLimit() + 1000);
      // enable() is covered by AuditListenerKernelTest, where fim is the audit pid: enabling here,
      // with no one reading, would print the CONFIG_CHANGE records to the console.
      assertTrue(state.addRule(rule));
      AuditStatus during = client.status();
      assertEquals(hostStatus.backlogLimit() + 1000, during.backlogLimit());
      assertTrue(KernelAudit.ruleTexts(client).stream().anyMatch(t -> t.contains(key)));
    }
    assertEquals(hostRules, KernelAudit.ruleTexts(client));
    assertEquals(hostStatus.backlogLimit(), client.status().backlogLimit());
    assertEquals(hostStatus.enabled(), client.status().enabled());
  }
}
