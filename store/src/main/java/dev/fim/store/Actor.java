package dev.fim.store;

import java.util.List;
import java.util.Objects;

/**
 * Who made a change: the login user behind it (the audit uid, which survives {@code sudo} and
 * {@code su}), the effective user, and the process. Any field may be null when the source did not
 * tell (e.g. a process that exited before its {@code /proc} entry was read). Immutable.
 *
 * @param auid login user id ({@code user.audit.id}); 4294967295 means unset (daemons, timers)
 * @param auidName its name from the password database, or null
 * @param uid effective user id ({@code user.id})
 * @param uidName its name, or null
 * @param pid process id ({@code process.pid})
 * @param ppid parent process id ({@code process.parent.pid})
 * @param executable the program's path ({@code process.executable})
 * @param name the command name, comm ({@code process.name})
 * @param args the command line ({@code process.args})
 * @param sessionId the audit session id, or null (4294967295 when unset)
 * @param tty the controlling terminal (e.g. {@code pts/0}), or null
 * @param systemdUnit the systemd unit the process ran in ({@code fim.systemd_unit}, from {@code
 *     /proc/PID/cgroup}: {@code cron.service}, {@code session-3.scope}), or null; read only when
 *     the login uid is unset or unknown, where it is what explains the change
 * @param parents the parent chain ({@code fim.parents}), nearest first, up to the first process
 *     with a set login uid or pid 1 (bounded); null when not read (the login uid was set, or
 *     nothing was known)
 */
public record Actor(
    Long auid,
    String auidName,
    Long uid,
    String uidName,
    Integer pid,
    Integer ppid,
    String executable,
    String name,
    List<String> args,
    Long sessionId,
    String tty,
    String systemdUnit,
    List<Parent> parents) {
  /** The kernel's "no login uid" value ((uid_t) -1). */
  public static final long UNSET_ID = 4294967295L;

  public Actor {
    args = args == null ? null : List.copyOf(args);
    parents = parents == null ? null : List.copyOf(parents);
  }

  /** An actor without the unset-login context (every actor whose login uid is set). */
  public Actor(
      Long auid,
      String auidName,
      Long uid,
      String uidName,
      Integer pid,
      Integer ppid,
      String executable,
      String name,
      List<String> args,
      Long sessionId,
      String tty) {
    this(
        auid,
        auidName,
        uid,
        uidName,
        pid,
        ppid,
        executable,
        name,
        args,
        sessionId,
        tty,
        null,
        null);
  }

  /** True when the login uid does not say who: unset (daemons, timers) or not known. */
  public boolean loginUnknown() {
    return auid == null || auid == UNSET_ID;
  }

  /**
   * The longest parent chain read (DESIGN.md "Unset auid"): systemd → cron → sh → run-parts → job
   * fit.
   */
  public static final int MAX_PARENTS = 8;

  /**
   * True when the parent chain stops at {@link #MAX_PARENTS} before a process with a set login uid
   * or pid 1: there were more ancestors than were read ({@code fim.parents_cut}).
   */
  public boolean parentsCut() {
    if (parents == null || parents.size() < MAX_PARENTS) {
      return false;
    }
    Parent last = parents.get(parents.size() - 1);
    return last.pid() != 1 && (last.auid() == null || last.auid() == UNSET_ID);
  }

  /** True when the unset-login context (unit or parent chain) is present. */
  public boolean hasContext() {
    return systemdUnit != null || parents != null;
  }

  /** A copy with the systemd unit and parent chain of another sighting of the same process. */
  public Actor withContext(String unit, List<Parent> chain) {
    return new Actor(
        auid,
        auidName,
        uid,
        uidName,
        pid,
        ppid,
        executable,
        name,
        args,
        sessionId,
        tty,
        unit,
        chain);
  }

  /**
   * The record's own equality (every component by {@link Objects#equals}), written out: the
   * generated one goes through {@code ObjectMethods}' method handles, which C1 (the only compiler
   * of {@code fim watch}) does not inline, and the audit listener compares each change's actor with
   * the last one of its pid ({@code ChangeDecoder.actor}): 2-4 µs of ~45 per paced change (issue
   * 18, session 16). The hash code stays the record's generated one, which agrees with it (the same
   * components, the same equality), so no map's order changes.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Actor a
        && Objects.equals(pid, a.pid)
        && Objects.equals(executable, a.executable)
        && Objects.equals(auid, a.auid)
        && Objects.equals(uid, a.uid)
        && Objects.equals(ppid, a.ppid)
        && Objects.equals(sessionId, a.sessionId)
        && Objects.equals(name, a.name)
        && Objects.equals(auidName, a.auidName)
        && Objects.equals(uidName, a.uidName)
        && Objects.equals(tty, a.tty)
        && Objects.equals(systemdUnit, a.systemdUnit)
        && Objects.equals(args, a.args)
        && Objects.equals(parents, a.parents);
  }

  /**
   * One ancestor of the writer, as {@code /proc} showed it: pid, executable (null for a kernel
   * thread or when unreadable) and login uid (null when unknown).
   */
  public record Parent(int pid, String executable, Long auid) {}
}
