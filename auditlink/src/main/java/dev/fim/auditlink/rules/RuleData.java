package dev.fim.auditlink.rules;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code struct audit_rule_data} from include/uapi/linux/audit.h (linux-libc-dev 6.1, lines
 * 510-520):
 *
 * <pre>
 * __u32 flags;                         // AUDIT_FILTER_* list | AUDIT_FILTER_PREPEND
 * __u32 action;                        // AUDIT_NEVER, AUDIT_POSSIBLE, AUDIT_ALWAYS
 * __u32 field_count;
 * __u32 mask[AUDIT_BITMASK_SIZE];      // 64 words: syscall bitmap, AUDIT_WORD(nr)/AUDIT_BIT(nr)
 * __u32 fields[AUDIT_MAX_FIELDS];      // 64: AUDIT_UID, AUDIT_ARCH, …
 * __u32 values[AUDIT_MAX_FIELDS];      // the value, or for a string field its length in buf
 * __u32 fieldflags[AUDIT_MAX_FIELDS];  // operator: AUDIT_EQUAL 0x40000000, …
 * __u32 buflen;                        // total length of the string fields
 * char  buf[];                         // string fields, concatenated in field order, no NULs
 * </pre>
 *
 * Host byte order: little-endian on x86_64 and aarch64, which the goldens are. {@link #encode()}
 * pads the whole struct to a multiple of 4 bytes, as the kernel's {@code AUDIT_LIST_RULES} reply
 * (NLMSG_ALIGN) does and as the goldens hold it; the kernel accepts the padded form (it checks
 * {@code len >= sizeof + buflen}). Mutable; used by one thread while a rule is built or decoded.
 */
final class RuleData {
  static final int BITMASK_SIZE = 64; // AUDIT_BITMASK_SIZE
  static final int MAX_FIELDS = 64; // AUDIT_MAX_FIELDS
  static final int HEADER_SIZE =
      4 * (3 + BITMASK_SIZE + 3 * MAX_FIELDS + 1); // 1040 = offsetof(buf)

  int flags;
  int action;
  int fieldCount;
  final int[] mask = new int[BITMASK_SIZE];
  final int[] fields = new int[MAX_FIELDS];
  final int[] values = new int[MAX_FIELDS];
  final int[] fieldflags = new int[MAX_FIELDS];

  /** Per field: its string (buf slice) for string fields, else null. */
  final byte[][] strings = new byte[MAX_FIELDS][];

  void addField(int field, int op, int value) {
    checkRoom();
    fields[fieldCount] = field;
    fieldflags[fieldCount] = op;
    values[fieldCount] = value;
    fieldCount++;
  }

  void addString(int field, int op, byte[] value) {
    checkRoom();
    strings[fieldCount] = value.clone();
    addField(field, op, value.length);
  }

  private void checkRoom() {
    if (fieldCount == MAX_FIELDS) {
      throw new IllegalArgumentException("more than " + MAX_FIELDS + " fields (AUDIT_MAX_FIELDS)");
    }
  }

  /** Sets AUDIT_BIT(nr) in mask[AUDIT_WORD(nr)]. */
  void setSyscall(int nr) {
    mask[nr / 32] |= 1 << (nr % 32);
  }

  /**
   * All syscalls, in the form the kernel lists back: auditctl sets all 64 words, and
   * audit_to_entry_common() (kernel/auditfilter.c) clears the top AUDIT_SYSCALL_CLASSES (16) bits,
   * which select syscall classes rather than syscalls. Word 63 therefore reads 0x0000ffff.
   */
  void setAllSyscalls() {
    Arrays.fill(mask, -1);
    mask[BITMASK_SIZE - 1] = 0x0000ffff;
  }

  boolean allSyscalls() {
    for (int i = 0; i < BITMASK_SIZE - 1; i++) {
      if (mask[i] != -1) {
        return false;
      }
    }
    return true;
  }

  byte[] encode() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    for (int i = 0; i < fieldCount; i++) {
      if (strings[i] != null) {
        buf.writeBytes(strings[i]);
      }
    }
    int buflen = buf.size();
    ByteBuffer out =
        ByteBuffer.allocate(HEADER_SIZE + (buflen + 3) / 4 * 4).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(flags).putInt(action).putInt(fieldCount);
    for (int m : mask) {
      out.putInt(m);
    }
    for (int[] column : new int[][] {fields, values, fieldflags}) {
      for (int v : column) {
        out.putInt(v);
      }
    }
    out.putInt(buflen).put(buf.toByteArray());
    return out.array();
  }

  /** Parses bytes; throws IllegalArgumentException saying what is malformed. */
  static RuleData decode(byte[] bytes) {
    if (bytes.length < HEADER_SIZE) {
      throw new IllegalArgumentException(
          "audit_rule_data needs " + HEADER_SIZE + " bytes, got " + bytes.length);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    RuleData d = new RuleData();
    d.flags = in.getInt();
    d.action = in.getInt();
    d.fieldCount = in.getInt();
    if (d.fieldCount < 0 || d.fieldCount > MAX_FIELDS) {
      throw new IllegalArgumentException(
          "field_count " + Integer.toUnsignedString(d.fieldCount) + " > " + MAX_FIELDS);
    }
    for (int[] column : new int[][] {d.mask, d.fields, d.values, d.fieldflags}) {
      for (int i = 0; i < column.length; i++) {
        column[i] = in.getInt();
      }
    }
    int buflen = in.getInt();
    if (buflen < 0 || buflen > bytes.length - HEADER_SIZE) {
      throw new IllegalArgumentException(
          "buflen "
              + Integer.toUnsignedString(buflen)
              + " exceeds the "
              + (bytes.length - HEADER_SIZE)
              + " bytes after the header");
    }
    int offset = HEADER_SIZE;
    for (int i = 0; i < d.fieldCount; i++) {
      RuleField f = RuleField.byId(d.fields[i]);
      if (f != null && f.isString()) {
        int len = d.values[i];
        if (len < 0 || offset + len > HEADER_SIZE + buflen) {
          throw new IllegalArgumentException(
              "string of field "
                  + i
                  + " ("
                  + f.fieldName()
                  + ") overruns buf (buflen "
                  + buflen
                  + ")");
        }
        d.strings[i] = Arrays.copyOfRange(bytes, offset, offset + len);
        offset += len;
      }
    }
    return d;
  }
}
