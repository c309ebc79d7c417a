package dev.fim.auditlink.reassembly;

import dev.fim.auditlink.parse.RecordType;

/**
 * Which record types end an event. Follows audit-userspace's {@code audit_is_last_record}
 * (common/common.c), which auditd, ausearch and auparse share: PROCTITLE (always the last record of
 * a syscall event), EOE, every type between LOGIN and AUDIT_FIRST_EVENT (userspace USER_*, DAEMON_*
 * …: one record each), USER, KERNEL, everything from AUDIT_FIRST_ANOM_MSG on (anomalies, responses,
 * USER_*2 …), and the NetLabel range MAC_UNLBL_ALLOW..MAC_CALIPSO_DEL.
 *
 * <p>Not LOGIN itself nor CONFIG_CHANGE: since Linux 4.x both are logged inside the syscall's audit
 * context and followed by SYSCALL/PROCTITLE/EOE of the same serial. go-libaudit instead ends events
 * on every type up to 1199, which would split those events.
 */
final class Completion {
  private Completion() {}

  static boolean isLastRecord(int type) {
    return type == RecordType.PROCTITLE
        || type == RecordType.EOE
        || (type > RecordType.LOGIN && type < RecordType.FIRST_EVENT)
        || type == RecordType.USER
        || type >= RecordType.FIRST_ANOM_MSG
        || type == RecordType.KERNEL
        || (type >= RecordType.MAC_UNLBL_ALLOW && type <= RecordType.MAC_CALIPSO_DEL);
  }
}
