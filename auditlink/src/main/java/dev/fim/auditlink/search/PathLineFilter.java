package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.RecordType;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The line test of a {@link PathEventSearch}: a PATH record in the time window whose {@code name}
 * is one of the wanted paths. An absolute name is folded ({@code //}, {@code /./}, {@code dir/..},
 * a trailing {@code /} as the kernel logs a PARENT) and looked up whole; a relative name can only
 * be resolved with its event's CWD record, so here its last component is looked up among the wanted
 * paths' last components, a superset that the caller narrows once the event is parsed. Quoted and
 * hex-encoded names ({@code audit_log_n_untrustedstring}) are both read; {@code (null)} names
 * nothing. No allocation per line. Not thread-safe: one per search.
 */
final class PathLineFilter implements LineFilter {
  static final int HIT = 1;

  private final ByteSet paths;
  private final ByteSet lastNames;
  private final long fromMillis;
  private final long untilMillis;
  private byte[] scratch = new byte[4096];

  /**
   * @param wanted absolute, folded paths (no trailing slash but {@code /} itself)
   */
  PathLineFilter(Collection<byte[]> wanted, long fromMillis, long untilMillis) {
    paths = new ByteSet(wanted.size());
    lastNames = new ByteSet(wanted.size());
    for (byte[] p : wanted) {
      if (p.length == 0 || p[0] != '/') {
        throw new IllegalArgumentException(
            "not an absolute path: " + new String(p, StandardCharsets.UTF_8));
      }
      paths.add(p, 0, p.length);
      int slash = lastSlash(p, 0, p.length);
      if (slash + 1 < p.length) {
        lastNames.add(p, slash + 1, p.length);
      }
    }
    this.fromMillis = fromMillis;
    this.untilMillis = untilMillis;
  }

  @Override
  public int hits(int type, long millis, byte[] b, int off, int end) {
    if (type != RecordType.PATH || millis < fromMillis || millis > untilMillis) {
      return 0;
    }
    int n = Prefilter.indexOf(b, off, end, NAME);
    if (n < 0) {
      return 0;
    }
    int v = n + NAME.length;
    byte[] name;
    int from;
    int to;
    if (v < end && b[v] == '"') {
      int close = v + 1;
      while (close < end && b[close] != '"') close++;
      name = b;
      from = v + 1;
      to = close;
    } else {
      int stop = v;
      while (stop < end && b[stop] != ' ') stop++;
      int len = (stop - v) / 2;
      if (len == 0 || !hexDecode(b, v, stop)) {
        return 0; // (null), or not hex: no name
      }
      name = scratch;
      from = 0;
      to = len;
    }
    return matches(name, from, to) ? HIT : 0;
  }

  /** Whether name[from, to) is, or (relative) may resolve to, a wanted path. */
  boolean matches(byte[] name, int from, int to) {
    while (to - from > 1 && name[to - 1] == '/') to--;
    if (to == from) {
      return false;
    }
    if (name[from] == '/') {
      if (needsFolding(name, from, to)) {
        int len = fold(name, from, to);
        return paths.contains(scratch, 0, len);
      }
      return paths.contains(name, from, to);
    }
    int slash = lastSlash(name, from, to);
    int last = slash + 1;
    if (to - last == 0
        || (to - last == 1 && name[last] == '.')
        || (to - last == 2 && name[last] == '.' && name[last + 1] == '.')) {
      return true; // "." or "..": which directory it is, only the CWD tells
    }
    return lastNames.contains(name, last, to);
  }

  private boolean hexDecode(byte[] b, int from, int to) {
    if (((to - from) & 1) != 0) {
      return false;
    }
    int len = (to - from) / 2;
    if (scratch.length < len * 2) {
      scratch = new byte[len * 2];
    }
    for (int i = 0; i < len; i++) {
      int hi = Character.digit(b[from + 2 * i], 16);
      int lo = Character.digit(b[from + 2 * i + 1], 16);
      if (hi < 0 || lo < 0) {
        return false;
      }
      scratch[i] = (byte) (hi << 4 | lo);
    }
    return true;
  }

  private static boolean needsFolding(byte[] p, int from, int to) {
    for (int i = from; i < to - 1; i++) {
      if (p[i] == '/'
          && (p[i + 1] == '/'
              || (p[i + 1] == '.'
                  && (i + 2 == to
                      || p[i + 2] == '/'
                      || (p[i + 2] == '.' && (i + 3 == to || p[i + 3] == '/')))))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Folds the absolute p[from, to) lexically into {@code scratch} (from its upper half when p is
   * scratch itself); returns the length. Same rules as the engine's fold of PATH items.
   */
  private int fold(byte[] p, int from, int to) {
    byte[] src = p;
    if (p == scratch) {
      src = java.util.Arrays.copyOfRange(p, from, to); // hex-decoded and unfolded: rare
      from = 0;
      to = src.length;
    }
    if (scratch.length < to - from + 1) {
      scratch = new byte[(to - from + 1) * 2];
    }
    int out = 0;
    int i = from;
    while (i < to) {
      while (i < to && src[i] == '/') i++;
      int s = i;
      while (i < to && src[i] != '/') i++;
      int len = i - s;
      if (len == 0 || (len == 1 && src[s] == '.')) {
        continue;
      }
      if (len == 2 && src[s] == '.' && src[s + 1] == '.') {
        while (out > 0 && scratch[out - 1] != '/') out--;
        if (out > 0) out--; // drop the slash too
        continue;
      }
      scratch[out++] = '/';
      System.arraycopy(src, s, scratch, out, len);
      out += len;
    }
    if (out == 0) {
      scratch[out++] = '/';
    }
    return out;
  }

  private static int lastSlash(byte[] p, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (p[i] == '/') return i;
    }
    return from - 1;
  }

  private static final byte[] NAME = " name=".getBytes(StandardCharsets.US_ASCII);
}
