package dev.fim.auditlink.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed fields of one record, in the order they appear. Values are the decoded bytes (quotes
 * removed, hex decoded). A name may repeat (rare: a few userspace messages); lookups return the
 * first. Built once by {@link FieldScanner}, then read-only.
 */
final class RecordFields {
  static final RecordFields EMPTY = new RecordFields();

  private String[] names = new String[16];
  private byte[][] values = new byte[16][];
  private boolean[] decoded = new boolean[16];
  private int size;
  private String error;

  void add(String name, byte[] value, boolean wasHex) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
      decoded = Arrays.copyOf(decoded, size * 2);
    }
    names[size] = name;
    values[size] = value;
    decoded[size] = wasHex;
    size++;
  }

  /** Records the first problem met while scanning; later ones add nothing a reader could use. */
  void problem(String message) {
    if (error == null) {
      error = message;
    }
  }

  String error() {
    return error;
  }

  int size() {
    return size;
  }

  int indexOf(String name) {
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  String name(int i) {
    return names[i];
  }

  byte[] value(int i) {
    return values[i];
  }

  boolean wasHex(int i) {
    return decoded[i];
  }

  List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(names).subList(0, size)));
  }

  Map<String, String> toDisplayMap(boolean proctitleSpaces) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      m.putIfAbsent(names[i], display(i, proctitleSpaces));
    }
    return Collections.unmodifiableMap(m);
  }

  String display(int i, boolean proctitleSpaces) {
    byte[] v = values[i];
    if (proctitleSpaces && decoded[i] && "proctitle".equals(names[i])) {
      // The kernel logs the process's argv area; NULs separate the arguments
      // (kernel/auditsc.c audit_log_proctitle). ausearch -i shows them as spaces.
      v = v.clone();
      int end = v.length;
      while (end > 0 && v[end - 1] == 0) end--;
      for (int k = 0; k < end; k++) {
        if (v[k] == 0) v[k] = ' ';
      }
      return DisplayText.of(v, 0, end);
    }
    return DisplayText.of(v);
  }
}
