package dev.fim.auditlink.parse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a record's body into {@code name=value} fields. Runs at most once per record, on the first
 * field access (go-libaudit's {@code AuditMessage.Data()}: cheap work first).
 *
 * <p>Grammar, as the kernel and the userspace tools write it:
 *
 * <ul>
 *   <li>fields are separated by spaces; a word without {@code =} is not a field ({@code avc:},
 *       {@code login}, {@code PAM:}) except as noted below;
 *   <li>a value is {@code "quoted"} (no escapes: the kernel hex-encodes anything a quote would
 *       need), {@code 'quoted'}, or runs to the next space;
 *   <li>a userspace message's {@code msg='…'} holds fields of its own (libaudit {@code
 *       audit_log_user_message}); they are spliced in, as libauparse does;
 *   <li>old PAM messages wrap fields as {@code (hostname=?, addr=?, terminal=cron res=success)}: a
 *       leading {@code (} on a name and a trailing {@code ,} or unbalanced {@code )} on an unquoted
 *       value are punctuation, not content;
 *   <li>old kernels (2.6) wrote LOGIN as {@code old auid=N new auid=M}: the words {@code old} and
 *       {@code new} prefix the next name ({@code old_auid}, as go-libaudit names it);
 *   <li>SELinux AVC records ({@code avc: denied { read write } for …}) carry the decision and the
 *       permissions as bare words; they become {@code seresult} and {@code seperms} (libauparse's
 *       names).
 * </ul>
 *
 * Never throws on any input: an unterminated quote takes the rest of the body and is noted as the
 * record's field error.
 */
final class FieldScanner {
  private FieldScanner() {}

  static RecordFields scan(int type, byte[] b, int start, int end) {
    RecordFields f = new RecordFields(expectedFields(start, end));
    scanInto(f, type, b, start, end, 0);
    return f;
  }

  static RecordFields scanEnriched(byte[] b, int start, int end) {
    RecordFields f = new RecordFields(expectedFields(start, end));
    // auditd writes the enriched section (log_format=ENRICHED) already interpreted and
    // quoted; type -1 turns hex decoding off.
    scanInto(f, -1, b, start, end, 1);
    return f;
  }

  /**
   * About how many fields the body holds, from its length (the kernel's fields average 12-15
   * bytes): only a size to start from, more fields grow the arrays. Not a count of its spaces: a
   * pass over the body for that cost more than the arrays' growth (issue 18, C1).
   */
  private static int expectedFields(int start, int end) {
    return Math.min(1 + (end - start) / 12, 64);
  }

  private static void scanInto(RecordFields f, int type, byte[] b, int start, int end, int depth) {
    int i = start;
    String prefix = null;
    boolean avc = type == RecordType.AVC || type == RecordType.USER_AVC;
    while (i < end) {
      while (i < end && isSpace(b[i])) i++;
      if (i >= end) break;
      int j = i;
      int h = 0; // FieldNames' hash of b[i, j), worked out on the way
      while (j < end && b[j] != '=' && !isSpace(b[j])) {
        h = 31 * h + b[j];
        j++;
      }
      if (j >= end || b[j] != '=') {
        // A bare word.
        if (avc && b[i] == '{') {
          i = scanPermissions(f, b, i, end);
          prefix = null;
          continue;
        }
        int wlen = j - i;
        if (avc && (equals(b, i, wlen, "denied") || equals(b, i, wlen, "granted"))) {
          f.add("seresult", Arrays.copyOfRange(b, i, j), false);
          prefix = null;
        } else if (equals(b, i, wlen, "old") || equals(b, i, wlen, "new")) {
          prefix = ascii(b, i, wlen);
        } else {
          prefix = null;
        }
        i = j;
        continue;
      }
      int nameOff = i;
      while (nameOff < j && b[nameOff] == '(') nameOff++;
      int nameLen = j - nameOff;
      int v = j + 1;
      if (nameLen == 0) {
        // "=value" or "(=…": no name; skip the token.
        i = skipValue(b, v, end);
        prefix = null;
        continue;
      }
      FieldNames.Name bare =
          nameOff == i
              ? FieldNames.of(b, nameOff, nameLen, h)
              : FieldNames.of(b, nameOff, nameLen, FieldNames.hash(b, nameOff, nameLen));
      String name = bare.text();
      int hash = bare.hash();
      if (prefix != null) {
        name = prefix + "_" + name;
        hash = name.hashCode();
        prefix = null;
      }
      if (v < end && (b[v] == '"' || b[v] == '\'')) {
        byte q = b[v];
        int close = indexOf(b, q, v + 1, end);
        int valueEnd = close < 0 ? end : close;
        if (close < 0) {
          f.problem("unterminated " + (char) q + " in value of " + name);
        }
        if (q == '\'' && depth == 0 && name.equals("msg")) {
          scanInto(f, type, b, v + 1, valueEnd, depth + 1);
        } else {
          f.addRange(name, hash, b, v + 1, valueEnd);
        }
        i = close < 0 ? end : close + 1;
        continue;
      }
      int k = v;
      while (k < end && !isSpace(b[k])) k++;
      int valueEnd = k;
      if (valueEnd > v && b[valueEnd - 1] == ',') valueEnd--;
      if (valueEnd > v && b[valueEnd - 1] == ')' && indexOf(b, (byte) '(', v, valueEnd) < 0)
        valueEnd--;
      int len = valueEnd - v;
      byte[] hex =
          type >= 0 && EncodedFields.mayBeEncoded(type, bare, b, nameOff, nameLen)
              ? EncodedFields.decodeIfHex(b, v, len)
              : null;
      if (hex != null) {
        f.add(name, hash, hex, true);
      } else {
        f.addRange(name, hash, b, v, valueEnd);
      }
      i = k;
    }
  }

  /** {@code { read write }} → seperms=read,write; returns the index after the closing brace. */
  private static int scanPermissions(RecordFields f, byte[] b, int i, int end) {
    int close = indexOf(b, (byte) '}', i, end);
    int stop = close < 0 ? end : close;
    StringBuilder perms = new StringBuilder();
    int p = i + 1;
    while (p < stop) {
      while (p < stop && isSpace(b[p])) p++;
      int q = p;
      while (q < stop && !isSpace(b[q])) q++;
      if (q > p) {
        if (perms.length() > 0) perms.append(',');
        perms.append(ascii(b, p, q - p));
      }
      p = q;
    }
    f.add("seperms", perms.toString().getBytes(StandardCharsets.ISO_8859_1), false);
    return close < 0 ? end : close + 1;
  }

  private static int skipValue(byte[] b, int v, int end) {
    if (v < end && (b[v] == '"' || b[v] == '\'')) {
      int close = indexOf(b, b[v], v + 1, end);
      return close < 0 ? end : close + 1;
    }
    while (v < end && !isSpace(b[v])) v++;
    return v;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t';
  }

  static int indexOf(byte[] b, byte c, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == c) return i;
    }
    return -1;
  }

  private static boolean equals(byte[] b, int off, int len, String ascii) {
    if (len != ascii.length()) return false;
    for (int i = 0; i < len; i++) {
      if (b[off + i] != ascii.charAt(i)) return false;
    }
    return true;
  }

  /** Names are ASCII in practice; ISO-8859-1 keeps any other byte distinct instead of failing. */
  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }
}
