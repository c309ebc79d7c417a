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
 *
 * <p>A value that needs no decoding is kept as a range of the record's own text, not copied: the
 * watch's audit listener reads a dozen of a SYSCALL record's ~28 fields, and a copy per field was
 * the largest part of its parsing (JFR, issue 18). Callers get copies ({@link #value}) or values
 * read in place ({@link #number}, {@link #valueIs}); the text is never handed out.
 */
final class RecordFields {
  static final RecordFields EMPTY = new RecordFields(0);

  private String[] names;

  /** The array each value lies in: the record's text, or the value's own decoded bytes. */
  private byte[][] values;

  /**
   * Three ints per field: {@code names[i].hashCode()}, then the value's range {@code
   * values[i][start, end)}. A lookup compares the hash before {@code equals}, so that the dozen
   * lookups in a SYSCALL record's ~28 names do not each call {@code equals} on every name of the
   * same length (C1, which the watch runs, has no intrinsic for it); one array for the three, not
   * one each, since a record's arrays are made per record (issue 18).
   */
  private int[] meta;

  /** Whether the i-th value was hex; null until a hex value comes (most records have none). */
  private boolean[] decoded;

  private int size;
  private String error;

  /**
   * @param capacity the fields expected (it grows past it): the scanner guesses from the body's
   *     length, so that a SYSCALL record's ~28 fields do not copy every array once more
   */
  RecordFields(int capacity) {
    int c = Math.max(capacity, 1);
    names = new String[c];
    values = new byte[c][];
    meta = new int[3 * c];
  }

  /** A value in bytes of its own (decoded, or made up by the scanner); the array is kept. */
  void add(String name, byte[] value, boolean wasHex) {
    add(name, name.hashCode(), value, 0, value.length, wasHex);
  }

  /** As {@link #add(String, byte[], boolean)}, for a name whose {@code hashCode()} is known. */
  void add(String name, int hash, byte[] value, boolean wasHex) {
    add(name, hash, value, 0, value.length, wasHex);
  }

  /** A value that is {@code text[start, end)} as it stands; {@code text} must never change. */
  void addRange(String name, byte[] text, int start, int end) {
    add(name, name.hashCode(), text, start, end, false);
  }

  /** As {@link #addRange(String, byte[], int, int)}, for a name whose hash is known. */
  void addRange(String name, int hash, byte[] text, int start, int end) {
    add(name, hash, text, start, end, false);
  }

  private void add(String name, int hash, byte[] in, int start, int end, boolean wasHex) {
    if (size == names.length) {
      int c = Math.max(size * 2, 4);
      names = Arrays.copyOf(names, c);
      values = Arrays.copyOf(values, c);
      meta = Arrays.copyOf(meta, 3 * c);
      if (decoded != null) {
        decoded = Arrays.copyOf(decoded, c);
      }
    }
    names[size] = name;
    values[size] = in;
    meta[3 * size] = hash;
    meta[3 * size + 1] = start;
    meta[3 * size + 2] = end;
    if (wasHex) {
      if (decoded == null) {
        decoded = new boolean[names.length];
      }
      decoded[size] = true;
    }
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
    int h = name.hashCode();
    for (int i = 0; i < size; i++) {
      if (meta[3 * i] == h && names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  String name(int i) {
    return names[i];
  }

  /** A fresh copy of the i-th value's bytes. */
  byte[] value(int i) {
    return Arrays.copyOfRange(values[i], meta[3 * i + 1], meta[3 * i + 2]);
  }

  /**
   * The i-th value as {@code Long.parseLong} reads its display string, or {@code missing} where
   * that throws. Plain ASCII decimals (all the kernel writes) are read in place; anything else
   * takes the string's way, so that the result is the same for every input.
   */
  long number(int i, long missing) {
    byte[] v = values[i];
    int at = meta[3 * i + 1];
    int end = meta[3 * i + 2];
    boolean negative = at < end && v[at] == '-';
    int digits = end - at - (negative ? 1 : 0);
    if (digits < 1 || digits > 18) {
      return parsed(i, missing); // empty, "+…", or long enough to overflow: not the hot case
    }
    long n = 0;
    for (int k = negative ? at + 1 : at; k < end; k++) {
      int d = v[k] - '0';
      if (d < 0 || d > 9) {
        return parsed(i, missing);
      }
      n = n * 10 + d;
    }
    return negative ? -n : n;
  }

  private long parsed(int i, long missing) {
    try {
      return Long.parseLong(display(i, true));
    } catch (NumberFormatException e) {
      return missing;
    }
  }

  /** Whether the i-th value's bytes are exactly {@code ascii}'s characters. */
  boolean valueIs(int i, String ascii) {
    byte[] v = values[i];
    int at = meta[3 * i + 1];
    int len = meta[3 * i + 2] - at;
    if (len != ascii.length()) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (v[at + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the i-th value stood between quotes in the record: the kernel quotes what a user may
   * choose (a file named {@code (null)} is logged {@code name="(null)"}) and writes its own "no
   * value" bare ({@code name=(null)}). A quoted value's range starts after its quote; a bare one's
   * after its {@code =}; a decoded one is in its own array from 0.
   */
  boolean wasQuoted(int i) {
    int start = meta[3 * i + 1];
    byte[] in = values[i];
    return start > 0 && (in[start - 1] == '"' || in[start - 1] == '\'');
  }

  /** Whether the i-th value's bytes are exactly {@code bytes}. */
  boolean valueIs(int i, byte[] bytes) {
    int at = meta[3 * i + 1];
    return Arrays.equals(values[i], at, meta[3 * i + 2], bytes, 0, bytes.length);
  }

  boolean wasHex(int i) {
    return decoded != null && decoded[i];
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
    if (proctitleSpaces && wasHex(i) && "proctitle".equals(names[i])) {
      // decoded: the array is the value's own, start 0
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
    return DisplayText.of(v, meta[3 * i + 1], meta[3 * i + 2] - meta[3 * i + 1]);
  }
}
