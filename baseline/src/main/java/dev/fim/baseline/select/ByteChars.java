package dev.fim.baseline.select;

import java.nio.charset.StandardCharsets;

/**
 * Path bytes seen as ISO-8859-1 chars (char {@code i} = byte {@code i} & 0xff) for RE2/J's {@link
 * com.google.re2j.Matcher}, without decoding: a rule written in any encoding matches the same bytes
 * in a path, and bytes that are not UTF-8 stay matchable. The visible length can be shortened to
 * look at an ancestor directory without copying. Not thread-safe: one per call.
 */
final class ByteChars implements CharSequence {
  private final byte[] bytes;
  private int length;

  ByteChars(byte[] bytes) {
    this.bytes = bytes;
    this.length = bytes.length;
  }

  /** Shows only the first {@code n} bytes (an ancestor's path when bytes[n] is '/'). */
  ByteChars limit(int n) {
    length = n;
    return this;
  }

  byte byteAt(int i) {
    return bytes[i];
  }

  boolean startsWith(byte[] prefix) {
    if (prefix.length > length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return (char) (bytes[index] & 0xff);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }
}
