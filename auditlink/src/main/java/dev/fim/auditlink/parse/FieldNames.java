package dev.fim.auditlink.parse;

import java.nio.charset.StandardCharsets;

/**
 * One String per field name: a log holds a few hundred distinct names in millions of fields, so
 * {@link FieldScanner} takes them from this cache instead of allocating a String per field. The
 * same instance each time also makes the lookups that follow cheap (its hash is computed once;
 * {@code equals} succeeds on identity). Direct-mapped by a hash of the bytes; a slot holds the last
 * name that landed there. Shared by all threads: a slot is written and read without locks, which is
 * safe because an {@link Name} is immutable (its fields are final, its bytes never written after
 * construction) and a reader checks that the slot's name has exactly the bytes it wants.
 */
final class FieldNames {
  private static final int SLOTS = 1024;

  /** Longer names (rare, and never hot) are not cached. */
  private static final int MAX_CACHED = 32;

  private static final Name[] CACHE = new Name[SLOTS];

  private FieldNames() {}

  /**
   * A field name and what the scanner and the lookups ask of it, worked out once per distinct name
   * (issue 18: the watch's audit listener read each name's characters through {@code String.charAt}
   * and asked {@link EncodedFields}' set per field, ~10 % of its parse under C1).
   *
   * @param text the name, b[off, off + len) decoded as ISO-8859-1, which keeps any byte distinct
   * @param hash {@code text.hashCode()}: {@link RecordFields} compares it before {@code equals}
   * @param escaped whether the kernel may hex-encode a value of this name ({@link
   *     EncodedFields#isEscapedName}; the EXECVE arguments are told by their bytes, not here)
   */
  record Name(String text, byte[] bytes, int hash, boolean escaped) {
    static Name of(byte[] b, int off, int len) {
      String text = new String(b, off, len, StandardCharsets.ISO_8859_1);
      byte[] bytes = new byte[len];
      System.arraycopy(b, off, bytes, 0, len);
      return new Name(text, bytes, text.hashCode(), EncodedFields.isEscapedName(text));
    }

    boolean is(byte[] b, int off, int len) {
      byte[] own = bytes;
      if (own.length != len) return false;
      for (int i = 0; i < len; i++) {
        if (own[i] != b[off + i]) return false;
      }
      return true;
    }
  }

  /** The name b[off, off + len). */
  static Name of(byte[] b, int off, int len) {
    return of(b, off, len, hash(b, off, len));
  }

  /** The hash {@link #of(byte[], int, int, int)} takes: 31 * h + byte over the name, from 0. */
  static int hash(byte[] b, int off, int len) {
    int h = 0;
    for (int i = off; i < off + len; i++) h = 31 * h + b[i];
    return h;
  }

  /**
   * The name b[off, off + len), whose {@link #hash} the caller worked out while it scanned the
   * name's bytes (one pass less per field).
   */
  static Name of(byte[] b, int off, int len, int hash) {
    if (len > MAX_CACHED) {
      return Name.of(b, off, len);
    }
    int h = hash + len;
    int slot = (h ^ (h >>> 10) ^ (h >>> 20)) & (SLOTS - 1);
    Name n = CACHE[slot];
    if (n != null && n.is(b, off, len)) {
      return n;
    }
    n = Name.of(b, off, len);
    CACHE[slot] = n;
    return n;
  }
}
