package dev.fim.engine.correlate;

import dev.fim.store.Actor;
import java.util.List;

/**
 * One audited syscall that may have changed a watched file: what the SYSCALL, CWD, PATH and
 * PROCTITLE records of one audit event (one serial) say. The process is in {@link #actor()}, with
 * {@code exe} from the SYSCALL record (the kernel's, not a later {@code /proc} read). Immutable.
 *
 * @param serial the audit serial (unsigned 32-bit, wraps)
 * @param timeNs the event's time, nanoseconds since the epoch. The kernel stamps it at syscall
 *     entry with the coarse clock (one tick, 1-10 ms, may lag the precise clock) and logs
 *     milliseconds, so compare with a window, never exactly
 * @param receivedNs when fim indexed it (wall clock, ns since the epoch): {@code receivedNs -
 *     timeNs} is how late audit was
 * @param syscall the syscall's name for its arch ({@code openat}, {@code renameat2}), or {@code
 *     unknown-syscall(N)}
 * @param success the kernel's {@code success=yes}
 * @param exit the syscall's return value ({@code exit=}); a negative errno on failure
 * @param uid the real uid ({@code uid=}); the effective one is the actor's
 * @param actor who: auid, euid, pid, ppid, exe, comm, args (from PROCTITLE), session, tty; shared
 *     between consecutive events of one unchanged process
 * @param items the PATH records in item order
 */
public record AuditedChange(
    long serial,
    long timeNs,
    long receivedNs,
    String syscall,
    boolean success,
    long exit,
    long uid,
    Actor actor,
    List<PathItem> items) {
  public AuditedChange {
    items = List.copyOf(items);
  }
}
