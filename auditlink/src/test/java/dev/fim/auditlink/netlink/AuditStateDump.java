package dev.fim.auditlink.netlink;

/**
 * Prints the audit state a benchmark must leave as it found: enabled, pid, backlog limit, rules
 * (one line).
 */
public final class AuditStateDump {
  private AuditStateDump() {}

  public static void main(String[] args) throws Exception {
    try (AuditClient c = AuditClient.open()) {
      AuditStatus s = c.status();
      System.out.println(
          "enabled="
              + s.enabled()
              + " pid="
              + s.pid()
              + " backlog_limit="
              + s.backlogLimit()
              + " failure="
              + s.failure()
              + " rate_limit="
              + s.rateLimit()
              + " backlog_wait_time="
              + s.backlogWaitTime()
              + " rules="
              + KernelAudit.ruleTexts(c));
    }
  }
}
