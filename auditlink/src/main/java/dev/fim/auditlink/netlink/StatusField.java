package dev.fim.auditlink.netlink;

/**
 * A field of {@code struct audit_status} that {@code AUDIT_SET} can change, with its mask bit
 * (AUDIT_STATUS_*, audit.h:342-349) and the auditctl option that sets it.
 */
public enum StatusField {
  /** {@code -e}: AUDIT_STATUS_ENABLED. 0, 1, or 2 (lock until reboot). */
  ENABLED(0x0001, "-e"),
  /** {@code -f}: AUDIT_STATUS_FAILURE. 0 silent, 1 printk, 2 panic. */
  FAILURE(0x0002, "-f"),
  /**
   * AUDIT_STATUS_PID: the audit daemon's pid; must be the sender's own pid, or 0 to give it back.
   */
  PID(0x0004, "(audit pid)"),
  /** {@code -r}: AUDIT_STATUS_RATE_LIMIT. */
  RATE_LIMIT(0x0008, "-r"),
  /** {@code -b}: AUDIT_STATUS_BACKLOG_LIMIT. */
  BACKLOG_LIMIT(0x0010, "-b"),
  /** {@code --backlog_wait_time}: AUDIT_STATUS_BACKLOG_WAIT_TIME. */
  BACKLOG_WAIT_TIME(0x0020, "--backlog_wait_time");

  private final int mask;
  private final String option;

  StatusField(int mask, String option) {
    this.mask = mask;
    this.option = option;
  }

  /** The AUDIT_STATUS_* bit. */
  public int mask() {
    return mask;
  }

  /** The auditctl option, for messages. */
  public String option() {
    return option;
  }
}
