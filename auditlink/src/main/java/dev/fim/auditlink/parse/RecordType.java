package dev.fim.auditlink.parse;

import dev.fim.auditlink.kernel.MessageTypes;

/**
 * Audit record type numbers: the few constants other stages branch on, and lookups between a number
 * and the name auditd writes after {@code type=}.
 *
 * <p>Numbers are from include/uapi/linux/audit.h (kernel types) and libaudit.h (userspace types);
 * the full table is {@link MessageTypes} (generated), which the constants here must match
 * (KernelTablesTest checks). Stateless, thread-safe.
 */
public final class RecordType {
  private RecordType() {}

  /** {@code AUDIT_USER}: old-style generic userspace message. */
  public static final int USER = 1005;

  /** {@code AUDIT_LOGIN}: loginuid changed; since 4.x followed by the SYSCALL of the write. */
  public static final int LOGIN = 1006;

  /** {@code AUDIT_USER_AVC}: userspace SELinux decision. */
  public static final int USER_AVC = 1107;

  /** {@code AUDIT_FIRST_EVENT} (libaudit.h): first type of multi-record kernel events. */
  public static final int FIRST_EVENT = 1300;

  public static final int SYSCALL = 1300;
  public static final int PATH = 1302;
  public static final int CONFIG_CHANGE = 1305;
  public static final int SOCKADDR = 1306;
  public static final int CWD = 1307;
  public static final int EXECVE = 1309;

  /** {@code AUDIT_EOE}: end of a multi-record event; carries no fields. */
  public static final int EOE = 1320;

  /** {@code AUDIT_PROCTITLE}: always the last record of a syscall event before EOE. */
  public static final int PROCTITLE = 1327;

  public static final int AVC = 1400;

  /** {@code AUDIT_MAC_UNLBL_ALLOW}..{@code AUDIT_MAC_CALIPSO_DEL}: NetLabel, one-record events. */
  public static final int MAC_UNLBL_ALLOW = 1406;

  public static final int MAC_CALIPSO_DEL = 1419;

  /** {@code AUDIT_KERNEL}: asynchronous kernel record (e.g. "audit initialized"). */
  public static final int KERNEL = 2000;

  /** {@code AUDIT_FIRST_ANOM_MSG} (libaudit.h): anomaly and response messages, one record each. */
  public static final int FIRST_ANOM_MSG = 2100;

  /** The name auditd writes for {@code type}, or {@code UNKNOWN[type]} as auditd does. */
  public static String name(int type) {
    String name = MessageTypes.name(type);
    return name != null ? name : "UNKNOWN[" + type + "]";
  }

  /** Whether the generated table knows {@code type}. */
  public static boolean isKnown(int type) {
    return MessageTypes.isKnown(type);
  }

  /**
   * The number for a name as written after {@code type=}: a table name ({@code SYSCALL}) or
   * auditd's {@code UNKNOWN[1334]} form. Returns -1 if neither.
   */
  public static int number(String name) {
    int n = MessageTypes.number(name);
    if (n >= 0) {
      return n;
    }
    if (name.startsWith("UNKNOWN[")
        && name.endsWith("]")
        && name.length() > 9
        && name.length() <= 16) {
      int v = 0;
      for (int i = 8; i < name.length() - 1; i++) {
        char c = name.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v;
    }
    return -1;
  }
}
