package dev.fim.engine.correlate;

import dev.fim.auditlink.parse.AuditRecord;
import java.util.Map;
import java.util.Set;

/**
 * Which audited syscalls can have made a change a check finds: those of auditctl's write and
 * attribute classes (lib/audit.c, the {@code perm=wa} of fim's own rules; an audit.log written
 * under the host's rules may also hold reads). An open counts when its flags ask for writing,
 * creating or truncating. Data, not code. Stateless.
 */
final class WriteSyscalls {
  private WriteSyscalls() {}

  /** Syscalls that change a name, content or attribute whatever their arguments. */
  private static final Set<String> ALWAYS =
      Set.of(
          "creat",
          "truncate",
          "ftruncate",
          "fallocate",
          "rename",
          "renameat",
          "renameat2",
          "unlink",
          "unlinkat",
          "rmdir",
          "mkdir",
          "mkdirat",
          "link",
          "linkat",
          "symlink",
          "symlinkat",
          "mknod",
          "mknodat",
          "chmod",
          "fchmod",
          "fchmodat",
          "fchmodat2",
          "chown",
          "fchown",
          "fchownat",
          "lchown",
          "setxattr",
          "lsetxattr",
          "fsetxattr",
          "setxattrat",
          "removexattr",
          "lremovexattr",
          "fremovexattr",
          "removexattrat",
          "utime",
          "utimes",
          "utimensat",
          "futimesat");

  /**
   * The opens, and which argument holds their flags ({@code openat2} has them in its OPENAT2
   * record).
   */
  private static final Map<String, String> OPEN_FLAGS =
      Map.of("open", "a1", "openat", "a2", "open_by_handle_at", "a2");

  /**
   * include/uapi/asm-generic/fcntl.h (x86_64 and arm64 alike): O_WRONLY | O_RDWR | O_CREAT |
   * O_TRUNC.
   */
  static final long WRITE_FLAGS = 01 | 02 | 0100 | 01000;

  /**
   * Whether the syscall {@code name} of this event can have changed a file.
   *
   * @param syscall the event's SYSCALL record
   * @param openat2 its OPENAT2 record ({@code oflag=}), or null
   */
  static boolean writes(String name, AuditRecord syscall, AuditRecord openat2) {
    if (name == null) {
      return false;
    }
    if (ALWAYS.contains(name)) {
      return true;
    }
    if (name.equals("openat2")) {
      // Without the OPENAT2 record (kernels before 5.16) the flags are behind a pointer: count it,
      // as the kernel's perm=wa filter would only have logged it for a write. kernel/auditsc.c
      // audit_log_openat2_how: "oflag=0%llo", octal.
      return openat2 == null || (octal(openat2.field("oflag")) & WRITE_FLAGS) != 0;
    }
    String arg = OPEN_FLAGS.get(name);
    return arg != null && (hex(syscall.field(arg)) & WRITE_FLAGS) != 0;
  }

  private static long octal(String v) {
    if (v == null) {
      return WRITE_FLAGS; // not logged: do not rule it out
    }
    try {
      return Long.parseUnsignedLong(v, 8);
    } catch (NumberFormatException e) {
      return WRITE_FLAGS;
    }
  }

  /** The kernel logs syscall arguments as bare hex ({@code a2=241}). */
  private static long hex(String v) {
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(v.startsWith("0x") ? v.substring(2) : v, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
