package dev.fim.auditlink.rules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Field-by-field difference of two audit_rule_data byte arrays, for failure messages. */
final class StructDiff {
  private StructDiff() {}

  static String diff(byte[] expected, byte[] actual) {
    List<String> out = new ArrayList<>();
    if (expected.length != actual.length) {
      out.add("length: expected " + expected.length + ", got " + actual.length);
    }
    RuleData e;
    RuleData a;
    try {
      e = RuleData.decode(expected);
      a = RuleData.decode(actual);
    } catch (IllegalArgumentException ex) {
      return String.join("\n", out) + "\nundecodable: " + ex.getMessage();
    }
    cmp(out, "flags", e.flags, a.flags);
    cmp(out, "action", e.action, a.action);
    cmp(out, "field_count", e.fieldCount, a.fieldCount);
    for (int w = 0; w < RuleData.BITMASK_SIZE; w++) {
      if (e.mask[w] != a.mask[w]) {
        out.add(
            String.format(
                "mask[%d]: expected 0x%08x, got 0x%08x (syscalls %d..%d; differing bits %s)",
                w, e.mask[w], a.mask[w], w * 32, w * 32 + 31, bits(w, e.mask[w] ^ a.mask[w])));
      }
    }
    for (int i = 0; i < Math.max(e.fieldCount, a.fieldCount) && i < RuleData.MAX_FIELDS; i++) {
      cmp(out, "fields[" + i + "]", e.fields[i], a.fields[i]);
      cmp(out, "values[" + i + "]", e.values[i], a.values[i]);
      cmp(out, "fieldflags[" + i + "]", e.fieldflags[i], a.fieldflags[i]);
      String es =
          e.strings[i] == null ? null : new String(e.strings[i], StandardCharsets.ISO_8859_1);
      String as =
          a.strings[i] == null ? null : new String(a.strings[i], StandardCharsets.ISO_8859_1);
      if (es == null ? as != null : !es.equals(as)) {
        out.add("buf of field " + i + ": expected " + show(es) + ", got " + show(as));
      }
    }
    if (out.isEmpty()) {
      out.add("structs equal; bytes differ only in padding");
    }
    return "audit_rule_data differs:\n  "
        + String.join("\n  ", out)
        + "\n  expected decodes as: "
        + safeDecode(expected)
        + "\n  actual decodes as:   "
        + safeDecode(actual);
  }

  private static String safeDecode(byte[] b) {
    try {
      return RuleCompiler.toCommandLine(b);
    } catch (IllegalArgumentException ex) {
      return "(" + ex.getMessage() + ")";
    }
  }

  private static String show(String s) {
    return s == null ? "(not a string field)" : "\"" + s.replace("\u0001", "\\x01") + "\"";
  }

  private static String bits(int word, int x) {
    List<Integer> nrs = new ArrayList<>();
    for (int b = 0; b < 32; b++) {
      if ((x & (1 << b)) != 0) {
        nrs.add(word * 32 + b);
      }
    }
    return nrs.toString();
  }

  private static void cmp(List<String> out, String name, int e, int a) {
    if (e != a) {
      out.add(String.format("%s: expected %d (0x%x), got %d (0x%x)", name, e, e, a, a));
    }
  }
}
