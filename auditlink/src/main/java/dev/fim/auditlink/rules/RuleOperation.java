package dev.fim.auditlink.rules;

/**
 * What a compiled rule asks of the kernel: the netlink message type that carries its {@code
 * audit_rule_data} (include/uapi/linux/audit.h: {@code AUDIT_ADD_RULE 1011}, {@code AUDIT_DEL_RULE
 * 1012}).
 */
public enum RuleOperation {
  /**
   * {@code -a}, {@code -A} (prepend: {@code AUDIT_FILTER_PREPEND} in flags) and {@code -w}:
   * AUDIT_ADD_RULE.
   */
  ADD(1011),
  /**
   * {@code -d} and {@code -W}: AUDIT_DEL_RULE; the kernel deletes the rule whose data matches
   * exactly.
   */
  DELETE(1012);

  private final int messageType;

  RuleOperation(int messageType) {
    this.messageType = messageType;
  }

  /** The netlink message type: AUDIT_ADD_RULE or AUDIT_DEL_RULE. */
  public int messageType() {
    return messageType;
  }
}
