package dev.fim.auditlink.rules;

import dev.fim.auditlink.kernel.Errno;
import dev.fim.auditlink.kernel.MessageTypes;

/**
 * Names of field values: errno and message types (the kernel package's tables, {@link Errno} and
 * {@link MessageTypes}), file types, fs magics, -C pairs.
 */
final class ValueNames {
  private ValueNames() {}

  /** S_IF* values (include/uapi/linux/stat.h), under the names auditctl's -F filetype= takes. */
  static final String[] FILETYPE_NAMES = {
    "file", "dir", "socket", "link", "character", "block", "fifo"
  };

  static final int[] FILETYPE_VALUES = {
    0100000, 0040000, 0140000, 0120000, 0020000, 0060000, 0010000
  };

  /** Filesystem magics auditctl names for -F fstype= (include/uapi/linux/magic.h). */
  static final String[] FSTYPE_NAMES = {"debugfs", "tracefs"};

  static final int[] FSTYPE_VALUES = {0x64626720, 0x74726163};

  /**
   * AUDIT_COMPARE_* (include/uapi/linux/audit.h lines 211-241): index = constant, pairs as auditctl
   * prints them.
   */
  static final String[][] COMPARISONS = {
    null,
    {"uid", "obj_uid"},
    {"gid", "obj_gid"},
    {"euid", "obj_uid"},
    {"egid", "obj_gid"},
    {"auid", "obj_uid"},
    {"suid", "obj_uid"},
    {"sgid", "obj_gid"},
    {"fsuid", "obj_uid"},
    {"fsgid", "obj_gid"},
    {"uid", "auid"},
    {"uid", "euid"},
    {"uid", "fsuid"},
    {"uid", "suid"},
    {"auid", "fsuid"},
    {"auid", "suid"},
    {"auid", "euid"},
    {"euid", "suid"},
    {"euid", "fsuid"},
    {"suid", "fsuid"},
    {"gid", "egid"},
    {"gid", "fsgid"},
    {"gid", "sgid"},
    {"egid", "fsgid"},
    {"egid", "sgid"},
    {"sgid", "fsgid"},
  };

  static Integer errno(String name) {
    return Errno.value(name);
  }

  static String errnoName(int value) {
    return Errno.name(value);
  }

  static Integer msgtype(String name) {
    int type = MessageTypes.number(name);
    return type >= 0 ? type : null;
  }

  static String msgtypeName(int value) {
    return MessageTypes.name(value);
  }

  static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** The AUDIT_COMPARE_* constant for two field names in either order, or -1. */
  static int comparison(String left, String right) {
    for (int i = 1; i < COMPARISONS.length; i++) {
      String[] p = COMPARISONS[i];
      if (p[0].equals(left) && p[1].equals(right) || p[0].equals(right) && p[1].equals(left)) {
        return i;
      }
    }
    return -1;
  }
}
