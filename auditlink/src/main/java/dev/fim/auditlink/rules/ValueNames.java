package dev.fim.auditlink.rules;

import java.util.HashMap;
import java.util.Map;

/** Names of field values: errno, message types (generated, {@link KernelTables}), file types, fs magics, -C pairs. */
final class ValueNames {
    private ValueNames() {
    }

    private static final Map<String, Integer> ERRNO_BY_NAME = new HashMap<>();
    private static final Map<Integer, String> ERRNO_BY_VALUE = new HashMap<>();
    private static final Map<String, Integer> MSGTYPE_BY_NAME = new HashMap<>();
    private static final Map<Integer, String> MSGTYPE_BY_VALUE = new HashMap<>();

    static {
        KernelTables.ERRNO.forEach(e -> {
            ERRNO_BY_NAME.put(e.getKey(), e.getValue());
            ERRNO_BY_VALUE.putIfAbsent(e.getValue(), e.getKey());
        });
        KernelTables.MSGTYPES.forEach(e -> {
            MSGTYPE_BY_NAME.put(e.getKey(), e.getValue());
            MSGTYPE_BY_VALUE.putIfAbsent(e.getValue(), e.getKey());
        });
    }

    /** S_IF* values (include/uapi/linux/stat.h), under the names auditctl's -F filetype= takes. */
    static final String[] FILETYPE_NAMES = {"file", "dir", "socket", "link", "character", "block", "fifo"};
    static final int[] FILETYPE_VALUES = {0100000, 0040000, 0140000, 0120000, 0020000, 0060000, 0010000};

    /** Filesystem magics auditctl names for -F fstype= (include/uapi/linux/magic.h). */
    static final String[] FSTYPE_NAMES = {"debugfs", "tracefs"};
    static final int[] FSTYPE_VALUES = {0x64626720, 0x74726163};

    /** AUDIT_COMPARE_* (include/uapi/linux/audit.h lines 211-241): index = constant, pairs as auditctl prints them. */
    static final String[][] COMPARISONS = {
            null,
            {"uid", "obj_uid"}, {"gid", "obj_gid"}, {"euid", "obj_uid"}, {"egid", "obj_gid"},
            {"auid", "obj_uid"}, {"suid", "obj_uid"}, {"sgid", "obj_gid"}, {"fsuid", "obj_uid"},
            {"fsgid", "obj_gid"},
            {"uid", "auid"}, {"uid", "euid"}, {"uid", "fsuid"}, {"uid", "suid"},
            {"auid", "fsuid"}, {"auid", "suid"}, {"auid", "euid"},
            {"euid", "suid"}, {"euid", "fsuid"},
            {"suid", "fsuid"},
            {"gid", "egid"}, {"gid", "fsgid"}, {"gid", "sgid"},
            {"egid", "fsgid"}, {"egid", "sgid"}, {"sgid", "fsgid"},
    };

    static Integer errno(String name) {
        return ERRNO_BY_NAME.get(name);
    }

    static String errnoName(int value) {
        return ERRNO_BY_VALUE.get(value);
    }

    static Integer msgtype(String name) {
        return MSGTYPE_BY_NAME.get(name);
    }

    static String msgtypeName(int value) {
        return MSGTYPE_BY_VALUE.get(value);
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
