package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.RecordType;
import java.nio.charset.StandardCharsets;

/**
 * Cheap work first: which criteria a raw log line may satisfy, from its bytes alone, before any
 * field is parsed. Never wrong in the "no" direction: if an event matches a criterion, one of its
 * lines sets that criterion's bit (the matcher then decides exactly). An event whose lines never
 * set all the bits in {@link #all()} is dropped without parsing its fields.
 *
 * <p>Values the kernel may hex-encode (key, name) are also looked for as upper-case hex
 * (kernel/audit.c {@code audit_log_n_hex}); containment of the decoded bytes implies containment of
 * their hex, so the test stays a superset. Not thread-safe (none needed: it is stateless after
 * construction).
 */
final class Prefilter implements LineFilter {
  static final int KEY = 1;
  static final int PATH = 2;
  static final int AUID = 4;
  static final int TIME = 8;

  private final int all;
  private final byte[] key;
  private final byte[] keyHex;
  private final byte[] path;
  private final byte[] pathHex;

  /** {@code uid=N}: found inside {@code auid=N}, {@code uid=N} and {@code euid=N}. */
  private final byte[] uidField;

  private final long fromMillis;
  private final long untilMillis;

  Prefilter(SearchSettings s, Long auid) {
    int bits = 0;
    if (s.key() != null) {
      bits |= KEY;
      key = s.key().getBytes(StandardCharsets.UTF_8);
      keyHex = hex(key);
    } else {
      key = keyHex = null;
    }
    if (s.pathBytes() != null) {
      bits |= PATH;
      path = s.pathBytes();
      pathHex = hex(path);
    } else {
      path = pathHex = null;
    }
    if (auid != null) {
      bits |= AUID;
      uidField = ("uid=" + auid).getBytes(StandardCharsets.US_ASCII);
    } else {
      uidField = null;
    }
    if (s.from() != null || s.until() != null) {
      bits |= TIME;
    }
    fromMillis = s.from() == null ? Long.MIN_VALUE : s.from().toEpochMilli();
    untilMillis = s.until() == null ? Long.MAX_VALUE : s.until().toEpochMilli();
    all = bits;
  }

  /**
   * The criterion a byte search over the whole input can look for (key, else path, else auid), or 0
   * when there is none (no criterion, or time only).
   */
  int needleBit() {
    return (all & KEY) != 0 ? KEY : (all & PATH) != 0 ? PATH : (all & AUID) != 0 ? AUID : 0;
  }

  /** What a line that sets {@code bit} holds (one of them, verbatim). */
  byte[][] needles(int bit) {
    return switch (bit) {
      case KEY -> new byte[][] {key, keyHex};
      case PATH -> new byte[][] {path, pathHex};
      case AUID -> new byte[][] {uidField};
      default -> throw new IllegalArgumentException("no needle for " + bit);
    };
  }

  /** The bits every candidate event must collect; 0 when there is no criterion. */
  int all() {
    return all;
  }

  /** Bits this line sets: b[off, end) is the whole line, {@code type} its record type. */
  @Override
  public int hits(int type, long millis, byte[] b, int off, int end) {
    int h = 0;
    if ((all & TIME) != 0 && millis >= fromMillis && millis <= untilMillis) {
      h |= TIME;
    }
    if ((all & KEY) != 0 && (type == RecordType.SYSCALL || type == RecordType.CONFIG_CHANGE)) {
      // The key is the last kernel field of a SYSCALL record; look only at what follows
      // " key=" so the scan does not cover the whole line.
      int k = lastIndexOf(b, off, end, KEY_FIELD);
      if (k >= 0 && (contains(b, k, end, key) || contains(b, k, end, keyHex))) {
        h |= KEY;
      }
    }
    if ((all & PATH) != 0
        && (type == RecordType.PATH || type == RecordType.AVC)
        && (contains(b, off, end, path) || contains(b, off, end, pathHex))) {
      h |= PATH;
    }
    if ((all & AUID) != 0 && containsField(b, off, end, uidField)) {
      h |= AUID;
    }
    return h;
  }

  private static final byte[] KEY_FIELD = " key=".getBytes(StandardCharsets.US_ASCII);

  static byte[] hex(byte[] v) {
    byte[] out = new byte[v.length * 2];
    for (int i = 0; i < v.length; i++) {
      out[2 * i] = HEX[(v[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[v[i] & 0xf];
    }
    return out;
  }

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  static boolean contains(byte[] b, int from, int end, byte[] needle) {
    return indexOf(b, from, end, needle) >= 0;
  }

  static int indexOf(byte[] b, int from, int end, byte[] needle) {
    int n = needle.length;
    byte first = needle[0];
    int last = end - n;
    for (int i = from; i <= last; i++) {
      if (b[i] != first) continue;
      int k = 1;
      while (k < n && b[i + k] == needle[k]) k++;
      if (k == n) return i;
    }
    return -1;
  }

  static int lastIndexOf(byte[] b, int from, int end, byte[] needle) {
    int n = needle.length;
    for (int i = end - n; i >= from; i--) {
      int k = 0;
      while (k < n && b[i + k] == needle[k]) k++;
      if (k == n) return i;
    }
    return -1;
  }

  /** {@code uid=N} not followed by another digit ({@code uid=10} must not find {@code uid=100}). */
  private static boolean containsField(byte[] b, int from, int end, byte[] needle) {
    int i = from;
    while ((i = indexOf(b, i, end, needle)) >= 0) {
      int after = i + needle.length;
      if (after == end || b[after] < '0' || b[after] > '9') {
        return true;
      }
      i++;
    }
    return false;
  }
}
