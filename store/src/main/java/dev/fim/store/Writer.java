package dev.fim.store;

import java.util.Objects;

/**
 * One process's contribution to a change ({@code fim.writers}): one audited syscall that wrote the
 * path within the change's coalescing window. A change that several processes (or several syscalls
 * of one) made together keeps all of them, oldest first; the change's {@link Actor} is the last.
 * Any field but the time may be null when the audit record did not tell. Immutable.
 *
 * @param pid the process id
 * @param executable the program's path ({@code exe=} of the SYSCALL record)
 * @param name the command name ({@code comm=})
 * @param auid the login user id (4294967295: unset)
 * @param uid the effective user id
 * @param syscall the syscall's name ({@code openat}, {@code fchmodat}…)
 * @param serial the audit event's serial ({@code ausearch -a SERIAL} finds it), or null
 * @param timeNs the audit event's time, ns since the epoch (the kernel logs milliseconds)
 */
public record Writer(
    Integer pid,
    String executable,
    String name,
    Long auid,
    Long uid,
    String syscall,
    Long serial,
    long timeNs) {

  /** The same process and program (pid, executable, name, auid, uid), whatever the syscall. */
  public boolean sameProcess(Writer o) {
    return Objects.equals(pid, o.pid)
        && Objects.equals(executable, o.executable)
        && Objects.equals(name, o.name)
        && Objects.equals(auid, o.auid)
        && Objects.equals(uid, o.uid);
  }
}
