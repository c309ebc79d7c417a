package dev.fim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --audit-log}, shared by {@code check} and {@code update}. */
final class AuditLogOption {
  @Option(
      names = "--audit-log",
      paramLabel = "FILE",
      description = {
        "Say who made each change, from auditd's log FILE (e.g. /var/log/audit/audit.log) and its rotations "
            + "FILE.1, FILE.2…: for each change, the most recent audit event in (baseline scan, this scan] that "
            + "wrote the path. The change then carries the login user (auid), the user, pid, ppid, exe, comm, "
            + "args, session and tty, with attribution \"audit-log\"; a change without such an event gets "
            + "attribution \"none\" and the reason.",
        "An event wrote a path when it is a write-class syscall (an open only with write, create or truncate "
            + "flags; rename, unlink, chmod, chown, setxattr, utimes…) and one of its PATH records names the path: "
            + "as logged if absolute, else resolved against the event's CWD record. Both names of a rename count "
            + "(a moved or deleted path is found by its old name); a directory's PARENT record counts when the "
            + "event created or removed an entry in it. The most recent successful one (success=yes) wins; a failed "
            + "syscall changed nothing and is never credited (the reason mentions it). User names come from the log's enriched section when present, else from this "
            + "host's passwd.",
        "Only events that auditd's rules logged can be found: watch the trees, e.g. "
            + "'-a always,exit -F dir=/etc -F perm=wa'. An unreadable or missing log (said even when nothing "
            + "changed), or one that was rotated past the baseline, is reported on stderr and in the report; the "
            + "check itself still runs and exits with its usual code."
      })
  Path auditLog;
}
