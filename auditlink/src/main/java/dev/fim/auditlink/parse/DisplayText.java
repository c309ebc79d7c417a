package dev.fim.auditlink.parse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to a string for people. Valid UTF-8 decodes as such; any other byte shows as {@code \xNN}
 * so that a display string never silently merges two different names (DESIGN.md: paths are bytes;
 * decode only for display).
 */
final class DisplayText {
  private DisplayText() {}

  static String of(byte[] b) {
    return of(b, 0, b.length);
  }

  static String of(byte[] b, int off, int len) {
    boolean ascii = true;
    for (int i = off; i < off + len; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder dec =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer cb = dec.decode(ByteBuffer.wrap(b, off, len));
      return cb.toString();
    } catch (CharacterCodingException e) {
      return escaped(b, off, len);
    }
  }

  /** Decodes valid UTF-8 runs and writes every byte that is not part of one as {@code \xNN}. */
  private static String escaped(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder(len + 16);
    int i = off;
    int end = off + len;
    while (i < end) {
      int c = b[i] & 0xff;
      int n =
          c < 0x80
              ? 1
              : c >= 0xc2 && c <= 0xdf
                  ? 2
                  : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
      if (n == 1) {
        sb.append((char) c);
        i++;
        continue;
      }
      if (n > 1 && i + n <= end && validSequence(b, i, n)) {
        sb.append(new String(b, i, n, StandardCharsets.UTF_8));
        i += n;
        continue;
      }
      sb.append(String.format("\\x%02x", c));
      i++;
    }
    return sb.toString();
  }

  private static boolean validSequence(byte[] b, int i, int n) {
    for (int k = 1; k < n; k++) {
      if ((b[i + k] & 0xc0) != 0x80) {
        return false;
      }
    }
    int c0 = b[i] & 0xff;
    int c1 = b[i + 1] & 0xff;
    // Reject overlongs, surrogates and > U+10FFFF (RFC 3629 section 4).
    if (c0 == 0xe0 && c1 < 0xa0) return false;
    if (c0 == 0xed && c1 > 0x9f) return false;
    if (c0 == 0xf0 && c1 < 0x90) return false;
    if (c0 == 0xf4 && c1 > 0x8f) return false;
    return true;
  }
}
