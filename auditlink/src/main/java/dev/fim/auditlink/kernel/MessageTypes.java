package dev.fim.auditlink.kernel;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Audit message (record) types: number ↔ name, from the generated {@link MessageTypeTable} (the
 * kernel's types of linux/audit.h and libaudit's userspace types, with libaudit's names). The one
 * table the parser, the rule compiler ({@code -F msgtype=}), the search and the netlink listener
 * read. Stateless, thread-safe.
 */
public final class MessageTypes {
  private MessageTypes() {}

  private static final Map<String, Integer> BY_NAME = new HashMap<>();

  static {
    for (int i = 0; i < MessageTypeTable.NUMBERS.length; i++) {
      BY_NAME.putIfAbsent(MessageTypeTable.NAMES[i], MessageTypeTable.NUMBERS[i]);
    }
  }

  /** The name auditd writes for {@code type} ({@code SYSCALL}), or null if the table has none. */
  public static String name(int type) {
    int i = Arrays.binarySearch(MessageTypeTable.NUMBERS, type);
    return i >= 0 ? MessageTypeTable.NAMES[i] : null;
  }

  /**
   * The number of a table name ({@code SYSCALL} → 1300), or -1. Exact: no case folding, no
   * UNKNOWN[n].
   */
  public static int number(String name) {
    Integer n = BY_NAME.get(name);
    return n != null ? n : -1;
  }

  /** Whether the table knows {@code type}. */
  public static boolean isKnown(int type) {
    return Arrays.binarySearch(MessageTypeTable.NUMBERS, type) >= 0;
  }

  /** Every name in the table, in number order. */
  public static List<String> names() {
    return List.of(MessageTypeTable.NAMES);
  }
}
