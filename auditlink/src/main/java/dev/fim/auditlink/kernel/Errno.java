package dev.fim.auditlink.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * errno names, from the generated {@link ErrnoTable}: libaudit's name per value (what ausearch -i
 * prints for a negative {@code exit=}) and the headers' second names (EWOULDBLOCK) that a rule may
 * use too. Stateless, thread-safe.
 */
public final class Errno {
  private Errno() {}

  private static final Map<String, Integer> BY_NAME = new HashMap<>();

  static {
    for (int i = 0; i < ErrnoTable.NAMES.length; i++) {
      if (ErrnoTable.NAMES[i] != null) {
        BY_NAME.putIfAbsent(ErrnoTable.NAMES[i], i);
      }
    }
    for (int i = 0; i < ErrnoTable.ALIAS_NAMES.length; i++) {
      BY_NAME.putIfAbsent(ErrnoTable.ALIAS_NAMES[i], ErrnoTable.ALIAS_VALUES[i]);
    }
  }

  /** The name of errno {@code value} ({@code 13} → {@code EACCES}), or null. An array lookup. */
  public static String name(long value) {
    return value > 0 && value < ErrnoTable.NAMES.length ? ErrnoTable.NAMES[(int) value] : null;
  }

  /** The value of an errno name (either name of a value), or null. */
  public static Integer value(String name) {
    return BY_NAME.get(name);
  }
}
