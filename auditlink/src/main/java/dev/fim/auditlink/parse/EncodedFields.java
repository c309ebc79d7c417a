package dev.fim.auditlink.parse;

import java.util.Set;

/**
 * Which fields may carry a hex-encoded value, and the decoding.
 *
 * <p>The kernel logs an untrusted string quoted when it is plain and as unquoted upper-case hex
 * when it contains a space, a quote, a control byte or a byte above 0x7e ({@code
 * audit_log_n_untrustedstring} / {@code audit_string_contains_control} in kernel/audit.c);
 * userspace does the same through libaudit's {@code audit_encode_nv_string}. So an unquoted,
 * even-length, all-hex value of one of these fields is encoded. The set follows the fields that
 * libauparse treats as {@code AUPARSE_TYPE_ESCAPED} (auparse/typetab.h) plus {@code proctitle} and
 * the EXECVE arguments {@code aN} / {@code aN[M]} (kernel/auditsc.c {@code
 * audit_log_single_execve_arg}). A SYSCALL record's {@code a0}..{@code a3} are register values in
 * hex, not encoded strings: the argument rule applies to EXECVE only.
 */
final class EncodedFields {
  private EncodedFields() {}

  private static final Set<String> ESCAPED =
      Set.of(
          "acct",
          "cgroup",
          "cmd",
          "comm",
          "cwd",
          "data",
          "dir",
          "exe",
          "file",
          "grp",
          "key",
          "name",
          "new-chardev",
          "new-disk",
          "new-fs",
          "new_group",
          "new-name",
          "ocomm",
          "old-chardev",
          "old-disk",
          "old-fs",
          "path",
          "proctitle",
          "root_dir",
          "sw",
          "vm",
          "watch");

  /**
   * @param name the field's name as {@link FieldNames} gives it: the bytes {@code b[nameOff,
   *     nameOff + nameLen)} (without an {@code old_}/{@code new_} prefix the scanner adds), whose
   *     {@link FieldNames.Name#escaped} was worked out once, so that no set is asked per field
   */
  static boolean mayBeEncoded(int type, FieldNames.Name name, byte[] b, int nameOff, int nameLen) {
    if (type == RecordType.EXECVE && nameLen >= 2 && b[nameOff] == 'a' && isDigit(b[nameOff + 1])) {
      // aN or aN[M]; not argc, not aN_len.
      int i = nameOff + 1;
      int end = nameOff + nameLen;
      while (i < end && isDigit(b[i])) i++;
      if (i == end) return true;
      if (b[i] != '[') return false;
      i++;
      int digits = 0;
      while (i < end && isDigit(b[i])) {
        i++;
        digits++;
      }
      return digits > 0 && i == end - 1 && b[i] == ']';
    }
    return name.escaped();
  }

  /** Whether a value of a field of this name may be hex-encoded (the EXECVE arguments aside). */
  static boolean isEscapedName(String name) {
    return name.length() <= 12 && ESCAPED.contains(name);
  }

  /**
   * The bytes {@code b[off, off+len)} encode when it is non-empty, even-length hex (either case),
   * else null. One pass: a check and then a decode took two (a PROCTITLE is ~170 hex digits).
   */
  static byte[] decodeIfHex(byte[] b, int off, int len) {
    if (len == 0 || (len & 1) != 0) {
      return null;
    }
    byte[] out = new byte[len / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = hexValue(b[off + 2 * i]);
      int lo = hexValue(b[off + 2 * i + 1]);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  static int hexValue(byte c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
