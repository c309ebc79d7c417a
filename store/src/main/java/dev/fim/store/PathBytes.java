package dev.fim.store;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A Linux path as the kernel sees it: any bytes but NUL. Immutable; copies its input; compares by
 * content in unsigned byte order, which is also RocksDB's default key order.
 *
 * <p>Never round-trip through {@link String} or {@link java.nio.file.Path}: names that are not
 * valid UTF-8 would be lost, and under {@code LC_ALL=C} Java cannot even name them. Decode only for
 * display ({@link #display()}), and give the exact bytes ({@link #hex()}) where the display would
 * be ambiguous. Thread-safe.
 */
public final class PathBytes implements Comparable<PathBytes> {
  private final byte[] bytes;
  private int hash;

  private PathBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}; rejects NUL, which no Linux path can contain. */
  public static PathBytes of(byte[] bytes) {
    return of(bytes, 0, bytes.length);
  }

  public static PathBytes of(byte[] bytes, int offset, int length) {
    byte[] copy = Arrays.copyOfRange(bytes, offset, offset + length);
    for (byte b : copy) {
      if (b == 0) {
        throw new IllegalArgumentException(
            "path contains a NUL byte: " + HexFormat.of().formatHex(copy));
      }
    }
    return new PathBytes(copy);
  }

  /** For literals and command-line arguments that Java already decoded as UTF-8. */
  public static PathBytes ofUtf8(String s) {
    return of(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Wraps without copying: only for bytes this package (or a caller that owns them) will never
   * change.
   */
  static PathBytes wrap(byte[] bytes) {
    return new PathBytes(bytes);
  }

  /**
   * A copy of the raw bytes. (Arrays.copyOf, here and in the records' defensive copies, not clone:
   * C1, which runs a scan's and the watch's per-file code, calls the VM for an array's clone, ~100
   * ns at 80 bytes against ~10 ns.)
   */
  public byte[] toBytes() {
    return Arrays.copyOf(bytes, bytes.length);
  }

  public int length() {
    return bytes.length;
  }

  public byte byteAt(int i) {
    return bytes[i];
  }

  /**
   * {@code this + "/" + name}, without doubling the slash after "/". Once per entry in a scan: one
   * array, filled once; only {@code name} is searched for a NUL (this path holds none).
   */
  public PathBytes resolve(byte[] name) {
    for (byte b : name) {
      if (b == 0) {
        throw new IllegalArgumentException(
            "name contains a NUL byte: " + HexFormat.of().formatHex(name));
      }
    }
    boolean slash = bytes.length > 0 && bytes[bytes.length - 1] == '/';
    byte[] out = new byte[bytes.length + (slash ? 0 : 1) + name.length];
    System.arraycopy(bytes, 0, out, 0, bytes.length);
    int at = bytes.length;
    if (!slash) {
      out[at++] = '/';
    }
    System.arraycopy(name, 0, out, at, name.length);
    return new PathBytes(out);
  }

  /** The parent directory, or null for "/" and for a bare name. */
  public PathBytes parent() {
    int end = bytes.length;
    while (end > 1 && bytes[end - 1] == '/') {
      end--;
    }
    int i = end - 1;
    while (i >= 0 && bytes[i] != '/') {
      i--;
    }
    if (i < 0 || end <= 1) {
      return null;
    }
    return new PathBytes(Arrays.copyOf(bytes, i == 0 ? 1 : i));
  }

  /** The last name component as bytes. */
  public byte[] name() {
    int i = bytes.length - 1;
    while (i >= 0 && bytes[i] != '/') {
      i--;
    }
    return Arrays.copyOfRange(bytes, i + 1, bytes.length);
  }

  /** True when this path is {@code other} or lies below it ("/a/b" is under "/a", "/ab" is not). */
  public boolean isUnder(PathBytes other) {
    byte[] o = other.bytes;
    if (o.length == 1 && o[0] == '/') {
      return bytes.length > 0 && bytes[0] == '/';
    }
    if (bytes.length < o.length || !Arrays.equals(bytes, 0, o.length, o, 0, o.length)) {
      return false;
    }
    return bytes.length == o.length || bytes[o.length] == '/';
  }

  /** True when the bytes are valid UTF-8 (then {@link #display()} is exact). */
  public boolean isUtf8() {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return true; // most paths: no decoder needed
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * For people: UTF-8 where valid; each invalid byte as {@code \xNN}; control characters (newline,
   * tab, ESC…) and backslash escaped so one path is always one line and unambiguous.
   */
  public String display() {
    if (plainAscii(bytes)) {
      // Nearly every path: printable ASCII without a backslash shows as itself, one copy into a
      // Latin-1 string (the loop below builds the same characters one at a time).
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      int len = utf8SequenceLength(i);
      if (len > 1) {
        sb.append(new String(bytes, i, len, StandardCharsets.UTF_8));
        i += len;
      } else if (len == 1 && b >= 0x20 && b != 0x7f && b != '\\') {
        sb.append((char) b);
        i++;
      } else if (b == '\\') {
        sb.append("\\\\");
        i++;
      } else if (b == '\n') {
        sb.append("\\n");
        i++;
      } else if (b == '\t') {
        sb.append("\\t");
        i++;
      } else {
        sb.append(String.format("\\x%02x", b));
        i++;
      }
    }
    return sb.toString();
  }

  /** Whether every byte is printable ASCII (0x20–0x7e) other than a backslash. */
  private static boolean plainAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0x20 || x == 0x7f || x == '\\') { // bytes >= 0x80 are negative
        return false;
      }
    }
    return true;
  }

  /** Lower-case hex of the exact bytes (the event JSON's {@code file.path_hex}). */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** Length of a valid UTF-8 sequence starting at i (1 for ASCII), or 0 if invalid. */
  private int utf8SequenceLength(int i) {
    int b = bytes[i] & 0xff;
    if (b < 0x80) {
      return 1;
    }
    int len;
    int min;
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + len > bytes.length) {
      return 0;
    }
    int cp = b & (0xff >> (len + 1));
    for (int k = 1; k < len; k++) {
      int c = bytes[i + k] & 0xff;
      if ((c & 0xc0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return 0;
    }
    return len;
  }

  @Override
  public int compareTo(PathBytes o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathBytes p && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** Same as {@link #display()}. */
  @Override
  public String toString() {
    return display();
  }
}
