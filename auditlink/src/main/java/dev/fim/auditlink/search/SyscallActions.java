package dev.fim.auditlink.search;

import java.util.HashMap;
import java.util.Map;

/**
 * Syscall and record-type → action phrase, after go-libaudit's aucoalesce/normalizations.yaml
 * (learned from, not copied: only the file-related and common session cases a FIM user asks about).
 * Data, not code: one row per action. Stateless, thread-safe.
 */
final class SyscallActions {
  private SyscallActions() {}

  /**
   * @param pathIndex which PATH item is the object when several are logged (rename: the new name).
   */
  record Action(String action, String what, int pathIndex) {}

  private static final Map<String, Action> SYSCALLS = new HashMap<>();
  private static final Map<String, String> RECORD_TYPES = new HashMap<>();

  private static void syscalls(String action, String what, int pathIndex, String... names) {
    for (String n : names) {
      SYSCALLS.put(n, new Action(action, what, pathIndex));
    }
  }

  static {
    syscalls(
        "opened-file",
        "file",
        0,
        "open",
        "openat",
        "openat2",
        "creat",
        "truncate",
        "ftruncate",
        "fallocate",
        "readlink",
        "readlinkat",
        "open_by_handle_at");
    syscalls("read-file", "file", 0, "read");
    syscalls("wrote-to-file", "file", 0, "write");
    syscalls(
        "changed-file-attributes-of",
        "file",
        0,
        "setxattr",
        "fsetxattr",
        "lsetxattr",
        "removexattr",
        "fremovexattr",
        "lremovexattr");
    syscalls("changed-file-permissions-of", "file", 0, "chmod", "fchmod", "fchmodat", "fchmodat2");
    syscalls("changed-file-ownership-of", "file", 0, "chown", "fchown", "fchownat", "lchown");
    syscalls("created-directory", "file", 1, "mkdir", "mkdirat");
    syscalls("renamed", "file", 2, "rename", "renameat", "renameat2");
    syscalls("deleted", "file", 0, "unlink", "unlinkat", "rmdir");
    syscalls("symlinked", "file", 0, "symlink", "symlinkat");
    syscalls("linked", "file", 0, "link", "linkat");
    syscalls("make-device", "file", 0, "mknod", "mknodat");
    syscalls(
        "changed-timestamp-of", "file", 0, "utime", "utimes", "futimesat", "futimens", "utimensat");
    syscalls(
        "checked-metadata-of",
        "file",
        0,
        "access",
        "faccessat",
        "faccessat2",
        "stat",
        "lstat",
        "fstat",
        "newfstatat",
        "statx",
        "getxattr",
        "lgetxattr",
        "fgetxattr");
    syscalls("mounted", "filesystem", 1, "mount");
    syscalls("unmounted", "filesystem", 0, "umount", "umount2");
    syscalls("executed", "file", 0, "execve", "execveat");
    syscalls("loaded-kernel-module", "file", 0, "init_module", "finit_module");
    syscalls("unloaded-kernel-module", "file", 0, "delete_module");
    syscalls("connected-to", "socket", 0, "connect");
    syscalls("bound-socket", "socket", 0, "bind");
    syscalls("accepted-connection-from", "socket", 0, "accept", "accept4");
    syscalls("killed-pid", "process", 0, "kill", "tkill", "tgkill");
    syscalls(
        "changed-identity-of",
        "process",
        0,
        "setuid",
        "setreuid",
        "setresuid",
        "setfsuid",
        "setgid",
        "setregid",
        "setresgid",
        "setfsgid");
    syscalls(
        "changed-system-time", "system", 0, "settimeofday", "clock_settime", "adjtimex", "stime");

    RECORD_TYPES.put("USER_LOGIN", "logged-in");
    RECORD_TYPES.put("USER_LOGOUT", "logged-out");
    RECORD_TYPES.put("USER_AUTH", "authenticated");
    RECORD_TYPES.put("USER_ACCT", "was-authorized");
    RECORD_TYPES.put("USER_START", "started-session");
    RECORD_TYPES.put("USER_END", "ended-session");
    RECORD_TYPES.put("CRED_ACQ", "acquired-credentials");
    RECORD_TYPES.put("CRED_DISP", "disposed-credentials");
    RECORD_TYPES.put("CRED_REFR", "refreshed-credentials");
    RECORD_TYPES.put("USER_CMD", "ran-command");
    RECORD_TYPES.put("ADD_USER", "added-user-account");
    RECORD_TYPES.put("DEL_USER", "deleted-user-account");
    RECORD_TYPES.put("ADD_GROUP", "added-group-account");
    RECORD_TYPES.put("DEL_GROUP", "deleted-group-account");
    RECORD_TYPES.put("CONFIG_CHANGE", "changed-audit-configuration");
    RECORD_TYPES.put("DAEMON_CONFIG", "changed-audit-configuration");
    RECORD_TYPES.put("DAEMON_START", "started-audit");
    RECORD_TYPES.put("DAEMON_END", "stopped-audit");
    RECORD_TYPES.put("LOGIN", "changed-login-id-to");
    RECORD_TYPES.put("SERVICE_START", "started-service");
    RECORD_TYPES.put("SERVICE_STOP", "stopped-service");
    RECORD_TYPES.put("AVC", "violated-selinux-policy");
  }

  /** The action of a syscall by name, or null. */
  static Action forSyscall(String name) {
    return SYSCALLS.get(name);
  }

  /** The action of an event without SYSCALL, by its first record's type name, or null. */
  static String forRecordType(String typeName) {
    return RECORD_TYPES.get(typeName);
  }
}
