package dev.fim.auditlink.netlink;

import jnr.ffi.Struct;

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
  static final int SIZE = Struct.size(new Layouts.AuditStatusLayout());

  /** enabled = 2: rules and settings cannot change until reboot ({@code auditctl -e 2}). */
  public boolean immutable() {
    return enabled == 2;
  }

  /** Decodes an AUDIT_GET payload; fields an older kernel did not send read as 0. */
  static AuditStatus decode(byte[] payload, int off, int len) {
    byte[] b = new byte[SIZE];
    System.arraycopy(payload, off, b, 0, Math.min(len, SIZE));
    Layouts.AuditStatusLayout s = Layouts.over(new Layouts.AuditStatusLayout(), b, 0);
    return new AuditStatus(
        s.enabled.get(),
        s.failure.get(),
        s.pid.get(),
        s.rate_limit.get(),
        s.backlog_limit.get(),
        s.lost.get(),
        s.backlog.get(),
        s.feature_bitmap.get(),
        s.backlog_wait_time.get(),
        s.backlog_wait_time_actual.get());
  }
}
