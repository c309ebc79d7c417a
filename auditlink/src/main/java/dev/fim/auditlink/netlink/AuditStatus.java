package dev.fim.auditlink.netlink;

/**
 * The kernel's audit state as {@code AUDIT_GET} reports it ({@code struct audit_status},
 * audit.h:464-481; {@code auditctl -s}). All values are the kernel's unsigned 32-bit numbers.
 * Immutable.
 *
 * @param enabled 0 disabled, 1 enabled, 2 enabled and locked (immutable until reboot)
 * @param failure what the kernel does when it cannot log: 0 silent, 1 printk, 2 panic
 * @param pid the audit daemon's pid (records go to it by unicast); 0 when none
 * @param rateLimit messages per second, 0 = unlimited
 * @param backlogLimit records the kernel queues for the audit daemon before it counts them lost
 * @param lost records lost since boot (or since the last reset)
 * @param backlog records queued now
 * @param featureBitmap AUDIT_FEATURE_BITMAP_* the kernel supports
 * @param backlogWaitTime jiffies a task waits when the backlog is full
 * @param backlogWaitTimeActual jiffies tasks actually waited (5.9+; 0 before)
 */
public record AuditStatus(
    long enabled,
    long failure,
    long pid,
    long rateLimit,
    long backlogLimit,
    long lost,
    long backlog,
    long featureBitmap,
    long backlogWaitTime,
    long backlogWaitTimeActual) {

  /** sizeof(struct audit_status) with all fields this client knows (5.9+). */
  static final int SIZE = Layouts.AUDIT_STATUS_SIZE;

  /** enabled = 2: rules and settings cannot change until reboot ({@code auditctl -e 2}). */
  public boolean immutable() {
    return enabled == 2;
  }

  /** Decodes an AUDIT_GET payload; fields an older kernel did not send read as 0. */
  static AuditStatus decode(byte[] payload, int off, int len) {
    byte[] b = new byte[SIZE];
    System.arraycopy(payload, off, b, 0, Math.min(len, SIZE));
    return new AuditStatus(
        Layouts.u32(b, Layouts.STATUS_ENABLED),
        Layouts.u32(b, Layouts.STATUS_FAILURE),
        Layouts.u32(b, Layouts.STATUS_PID),
        Layouts.u32(b, Layouts.STATUS_RATE_LIMIT),
        Layouts.u32(b, Layouts.STATUS_BACKLOG_LIMIT),
        Layouts.u32(b, Layouts.STATUS_LOST),
        Layouts.u32(b, Layouts.STATUS_BACKLOG),
        Layouts.u32(b, Layouts.STATUS_FEATURE_BITMAP),
        Layouts.u32(b, Layouts.STATUS_BACKLOG_WAIT_TIME),
        Layouts.u32(b, Layouts.STATUS_BACKLOG_WAIT_TIME_ACTUAL));
  }
}
