package dev.fim.store;

import java.util.List;

/**
 * Who made a change: the login user behind it (the audit uid, which survives {@code sudo} and {@code su}), the
 * effective user, and the process. Any field may be null when the source did not tell (e.g. a process that exited
 * before its {@code /proc} entry was read). Immutable.
 *
 * @param auid       login user id ({@code user.audit.id}); 4294967295 means unset (daemons, timers)
 * @param auidName   its name from the password database, or null
 * @param uid        effective user id ({@code user.id})
 * @param uidName    its name, or null
 * @param pid        process id ({@code process.pid})
 * @param ppid       parent process id ({@code process.parent.pid})
 * @param executable the program's path ({@code process.executable})
 * @param name       the command name, comm ({@code process.name})
 * @param args       the command line ({@code process.args})
 * @param sessionId  the audit session id, or null (4294967295 when unset)
 * @param tty        the controlling terminal (e.g. {@code pts/0}), or null
 */
public record Actor(Long auid, String auidName, Long uid, String uidName, Integer pid, Integer ppid,
    String executable, String name, List<String> args, Long sessionId, String tty) {
  /** The kernel's "no login uid" value ((uid_t) -1). */
  public static final long UNSET_ID = 4294967295L;

  public Actor {
    args = args == null ? null : List.copyOf(args);
  }
}
