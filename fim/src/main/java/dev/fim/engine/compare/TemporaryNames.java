package dev.fim.engine.compare;

import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;

/**
 * Names that tools give a file they create, fill and then rename onto its real name (or remove):
 * the comparator holds a new file with such a name (up to {@code --temporary-hold-ms}) so that a
 * rename that comes seconds later is folded into one change of the final name. A name only decides
 * how long fim waits before reporting, never whether: a held file that is not renamed is reported
 * with its content when the hold ends.
 *
 * <ul>
 *   <li>dpkg: {@code X.dpkg-new} (every unpacked file, renamed after the whole package is
 *       unpacked), {@code X.dpkg-tmp} (the backup link of an upgraded file, removed at the end)
 *   <li>rpm: {@code X;5f3a9c1d} (a {@code ;} and 8 hex digits)
 *   <li>shadow-utils and others: {@code X+} ({@code /etc/passwd+} renamed onto {@code
 *       /etc/passwd}), lock files {@code X.lock}
 *   <li>editors: {@code X~}, {@code .#X} (also systemd's and glib's {@code .#XXXXXX} temporaries),
 *       gedit's {@code .goutputstream-XXXXXX}
 *   <li>Ansible's {@code .ansible_tmp…}, Python's {@code tempfile} ({@code tmp} and 8 of {@code
 *       [a-z0-9_]}), {@code sed -i}'s {@code sedXXXXXX}, a generic {@code .tmp}
 * </ul>
 *
 * {@code install(1)} needs none: it removes the destination and creates it anew (one {@code
 * updated} with an inode change, as the quiet window already makes it). No allocation beyond the
 * last name component.
 */
public final class TemporaryNames {
  private static final byte[][] SUFFIXES = {
    ascii(".dpkg-new"), ascii(".dpkg-tmp"), ascii("+"), ascii("~"), ascii(".tmp"), ascii(".lock")
  };
  private static final byte[][] PREFIXES = {
    ascii(".#"), ascii(".ansible_tmp"), ascii(".goutputstream-")
  };

  /** Suffixes whose removal gives the name the temporary stands in for (a backup link's base). */
  private static final byte[][] BASE_SUFFIXES = {
    ascii(".dpkg-tmp"), ascii(".dpkg-new"), ascii("+"), ascii("~")
  };

  private static final byte[] LOCK = ascii(".lock");

  private TemporaryNames() {}

  /** True when the last component of {@code path} looks like a tool's temporary. */
  public static boolean looksTemporary(PathBytes path) {
    byte[] n = path.name();
    for (byte[] s : SUFFIXES) {
      if (n.length > s.length && endsWith(n, s)) {
        return true;
      }
    }
    for (byte[] p : PREFIXES) {
      if (n.length > p.length && startsWith(n, p)) {
        return true;
      }
    }
    return rpmSuffix(n) || randomAfter(n, "tmp", 8, true) || randomAfter(n, "sed", 6, false);
  }

  /** A lock file ({@code X.lock}): created, holding a pid, removed. */
  public static boolean isLock(PathBytes path) {
    byte[] n = path.name();
    return n.length > LOCK.length && endsWith(n, LOCK);
  }

  /**
   * The name this temporary stands in for ({@code /etc/passwd} for {@code /etc/passwd+}, {@code X}
   * for {@code X.dpkg-tmp} or {@code X;5f3a9c1d}), or null when the pattern names none.
   */
  public static PathBytes base(PathBytes path) {
    byte[] b = path.toBytes();
    byte[] n = path.name();
    for (byte[] s : BASE_SUFFIXES) {
      if (n.length > s.length && endsWith(n, s)) {
        return PathBytes.of(b, 0, b.length - s.length);
      }
    }
    if (rpmSuffix(n)) {
      return PathBytes.of(b, 0, b.length - 9);
    }
    return null;
  }

  /** {@code ;} and 8 lowercase hex digits at the end, after at least one byte. */
  private static boolean rpmSuffix(byte[] n) {
    if (n.length < 10 || n[n.length - 9] != ';') {
      return false;
    }
    for (int i = n.length - 8; i < n.length; i++) {
      byte c = n[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Exactly {@code prefix} and {@code count} random characters: letters and digits (and {@code _}
   * for Python, whose names are lowercase).
   */
  private static boolean randomAfter(byte[] n, String prefix, int count, boolean python) {
    if (n.length != prefix.length() + count) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (n[i] != prefix.charAt(i)) {
        return false;
      }
    }
    for (int i = prefix.length(); i < n.length; i++) {
      byte c = n[i];
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'z')
              || (python ? c == '_' : (c >= 'A' && c <= 'Z'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] n, byte[] s) {
    int off = n.length - s.length;
    for (int i = 0; i < s.length; i++) {
      if (n[off + i] != s[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] n, byte[] p) {
    for (int i = 0; i < p.length; i++) {
      if (n[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
