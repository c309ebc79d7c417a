package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditStatus;
import java.util.List;

/**
 * The host's audit state before a kernel test (enabled, pid, backlog limit, rules), and the check
 * that the test left it so. Skips the test when audit is locked (enabled=2): no rule can be added
 * until reboot.
 */
record HostAudit(AuditStatus status, List<String> rules) {
  static HostAudit capture(AuditClient client) throws Exception {
    AuditStatus s = client.status();
    assumeTrue(!s.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
    return new HostAudit(s, List.copyOf(AuditAttributorKernelTest.ruleTexts(client)));
  }

  void assertRestored(AuditClient client) throws Exception {
    AuditStatus now = client.status();
    assertEquals(status.enabled(), now.enabled(), "enabled restored");
    assertEquals(status.pid(), now.pid(), "audit pid given back");
    assertEquals(status.backlogLimit(), now.backlogLimit(), "backlog limit restored");
    assertEquals(
        rules, AuditAttributorKernelTest.ruleTexts(client), "the host's rules are as before");
  }
}
