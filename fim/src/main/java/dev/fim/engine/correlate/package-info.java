/**
 * Stage: who made a change. {@link dev.fim.engine.correlate.Correlator} takes each change the
 * comparator decided and asks its attribution sources in order ({@link
 * dev.fim.engine.correlate.AuditSource}, the {@code /proc} source, {@link
 * dev.fim.engine.correlate.NoWriter}), then hands the event to the recorder.
 *
 * <p>The audit source joins with the kernel's own audit records (DESIGN.md, "Join, don't guess" and
 * "Exe from the kernel"). {@link dev.fim.engine.correlate.AuditAttributor} installs fim's watch
 * rules ({@code -a always,exit -F arch=ARCH -F dir=TREE -F perm=wa -F key=fim}), receives the
 * reassembled audit events through auditlink, keeps the recent file-changing ones in a bounded
 * index, and answers "which audited syscall made this change" by joining on inode, path, pid and a
 * time window. The answer is the {@link dev.fim.engine.correlate.AuditedChange} and its {@link
 * dev.fim.store.Actor}; no answer is an explicit null, and lost audit events are counted ({@link
 * dev.fim.engine.correlate.AttributorCounters}) so the caller can say why.
 *
 * <p>{@link dev.fim.engine.correlate.AuditLogAttributor} answers the same question afterwards, for
 * the changes a check found, from auditd's log files instead of the live stream ({@code fim check
 * --audit-log}).
 *
 * <p>Must not: know about hashes, fanotify or the store's column families; print; read
 * configuration. It changes the host's audit state only through auditlink's {@code AuditState},
 * which puts it back.
 */
package dev.fim.engine.correlate;
