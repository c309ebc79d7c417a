package dev.fim.auditlink.parse;

import java.nio.charset.StandardCharsets;

/**
 * One String per field name: a log holds a few hundred distinct names in millions of fields, so
 * {@link FieldScanner} takes them from this cache instead of allocating a String per field. The
 * same instance each time also makes the lookups that follow cheap (its hash is computed once;
 * {@code equals} succeeds on identity). Direct-mapped by a hash of the bytes; a slot holds the last
 * name that landed there. Shared by all threads: a slot is written and read without locks, which is
 * safe because a String is immutable (its fields are final) and a reader checks that the slot's
 * name has exactly the bytes it wants.
 */
final class FieldNames {
  private static final int SLOTS = 1024;

  /** Longer names (rare, and never hot) are not cached. */
  private static final int MAX_CACHED = 32;

  private static final String[] CACHE = new String[SLOTS];

  private FieldNames() {}

  /** The name b[off, off + len) decoded as ISO-8859-1, which keeps any byte distinct. */
  static String of(byte[] b, int off, int len) {
    if (len > MAX_CACHED) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    int h = len;
    for (int i = off; i < off + len; i++) h = 31 * h + b[i];
    int slot = (h ^ (h >>> 10)) & (SLOTS - 1);
    String s = CACHE[slot];
    if (s != null && same(s, b, off, len)) {
      return s;
    }
    s = new String(b, off, len, StandardCharsets.ISO_8859_1);
    CACHE[slot] = s;
    return s;
  }

  private static boolean same(String s, byte[] b, int off, int len) {
    if (s.length() != len) return false;
    for (int i = 0; i < len; i++) {
      if (s.charAt(i) != (char) (b[off + i] & 0xff)) return false;
    }
    return true;
  }
}
