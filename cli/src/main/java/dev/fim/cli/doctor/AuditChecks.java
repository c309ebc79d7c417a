package dev.fim.cli.doctor;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The kernel's audit state as fim's attribution needs it, read only (AUDIT_GET): enabled, locked,
 * who holds the audit pid, backlog and rate limits, records lost, auditd.
 */
public final class AuditChecks {
  /** Below this backlog limit a burst of changes loses records (auditd's default is 8192). */
  static final long MIN_BACKLOG = 8192;

  private AuditChecks() {}

  public static void run(Consumer<Finding> out) {
    AuditStatus s;
    try (AuditClient c = AuditClient.open()) {
      s = c.status();
    } catch (IOException | RuntimeException e) {
      out.accept(
          Finding.warn(
              "audit.status",
              "kernel audit state unreadable: "
                  + e.getMessage()
                  + "; fim watch attributes changes from /proc only",
              "run as root on a kernel with CONFIG_AUDIT"));
      return;
    }
    if (s.immutable()) {
      out.accept(
          Finding.warn(
              "audit.enabled",
              "audit is locked (enabled=2): fim cannot add its rules until reboot and falls back to"
                  + " /proc attribution",
              "remove -e 2 from /etc/audit/rules.d (or add fim's rules there) and reboot"));
    } else {
      out.accept(
          Finding.ok(
              "audit.enabled",
              "enabled="
                  + s.enabled()
                  + (s.enabled() == 0 ? " (fim watch enables it while it runs)" : "")));
    }
    out.accept(holder(s.pid()));
    if (s.backlogLimit() < MIN_BACKLOG) {
      out.accept(
          Finding.warn(
              "audit.backlog_limit",
              "backlog_limit=" + s.backlogLimit() + ": a burst of changes loses audit records",
              "auditctl -b " + MIN_BACKLOG + " (and -b " + MIN_BACKLOG + " in audit.rules)"));
    } else {
      out.accept(Finding.ok("audit.backlog_limit", "backlog_limit=" + s.backlogLimit()));
    }
    if (s.rateLimit() != 0) {
      out.accept(
          Finding.warn(
              "audit.rate_limit",
              "rate_limit=" + s.rateLimit() + " messages/s: records beyond it are dropped",
              "auditctl -r 0"));
    } else {
      out.accept(Finding.ok("audit.rate_limit", "rate_limit=0 (none)"));
    }
    if (s.lost() > 0) {
      out.accept(
          Finding.warn(
              "audit.lost",
              s.lost()
                  + " audit records lost since boot (backlog "
                  + s.backlog()
                  + " now): changes in that time were attributed from /proc or not at all",
              "raise the backlog limit (auditctl -b) or lower the audit rule load"));
    } else {
      out.accept(Finding.ok("audit.lost", "no audit records lost since boot"));
    }
    out.accept(auditd(s.pid()));
  }

  /** Who receives the kernel's audit records (the audit pid), by its executable. */
  static Finding holder(long pid) {
    if (pid == 0) {
      return Finding.ok(
          "audit.pid", "no audit daemon holds the audit pid (fim watch takes it while it runs)");
    }
    String exe = exe(pid);
    return Finding.ok("audit.pid", "audit pid " + pid + " is " + (exe == null ? "gone" : exe));
  }

  static Finding auditd(long pid) {
    boolean installed =
        Files.isExecutable(Path.of("/usr/sbin/auditd"))
            || Files.isExecutable(Path.of("/sbin/auditd"));
    String exe = pid == 0 ? null : exe(pid);
    boolean running = exe != null && exe.endsWith("/auditd");
    if (running) {
      return Finding.ok("audit.auditd", "auditd runs (pid " + pid + "); fim reads beside it");
    }
    if (installed) {
      return Finding.warn(
          "audit.auditd",
          "auditd is installed but not running: audit records are not kept on disk",
          "systemctl enable --now auditd");
    }
    return Finding.ok(
        "audit.auditd",
        "auditd not installed: fim watch holds the audit pid itself (check --audit-log needs auditd)");
  }

  private static String exe(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
