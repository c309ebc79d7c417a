package dev.fim.auditlink.rules;

import java.util.Base64;
import java.util.List;

/**
 * Renders compiled rules in the layout of go-libaudit's {@code rule/testdata/*.rules.golden.yml}
 * (what {@code fim audit rules compile FILE} prints):
 *
 * <pre>
 * rules:
 * - flags: NORMALISED RULE TEXT
 *   bytes: !!binary |
 *     BASE64, 70 characters a line
 * </pre>
 *
 * This is the byte-exact output of go-yaml v2 for those files minus their two header comment lines
 * (uname and auditctl version), which describe the machine that ran auditctl and are not produced
 * here. The base64 is always written as {@code !!binary} (go-yaml would write bytes that happen to
 * be valid UTF-8 as a quoted string; no real rule is). {@code flags} is {@link
 * CompiledRule#normalisedText()}, quoted the way go-yaml quotes a string when it cannot be a plain
 * scalar. Control commands have no bytes and are left out. Stateless.
 */
public final class GoldenLayout {
  private static final int BASE64_LINE = 70; // go-yaml v2 encode.go encodeBase64: lineLen = 70

  private GoldenLayout() {}

  /** The golden YAML for these rules; {@code rules: []} when none has bytes. */
  public static String render(List<CompiledRule> rules) {
    StringBuilder sb = new StringBuilder("rules:");
    boolean any = false;
    for (CompiledRule rule : rules) {
      if (rule.isControl()) {
        continue;
      }
      any = true;
      sb.append("\n- flags: ").append(scalar(rule.normalisedText()));
      sb.append("\n  bytes: !!binary |");
      String b64 = Base64.getEncoder().encodeToString(rule.bytes());
      for (int i = 0; i < b64.length(); i += BASE64_LINE) {
        sb.append("\n    ").append(b64, i, Math.min(b64.length(), i + BASE64_LINE));
      }
    }
    return any ? sb.append('\n').toString() : "rules: []\n";
  }

  /**
   * A YAML 1.1 scalar: plain when unambiguous, else single-quoted, else double-quoted
   * (non-printables).
   */
  static String scalar(String s) {
    if (isPlainSafe(s)) {
      return s;
    }
    if (s.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
      return "'" + s.replace("'", "''") + "'";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default ->
            sb.append(
                c < 0x20 || c == 0x7f ? String.format("\\x%02X", (int) c) : String.valueOf(c));
      }
    }
    return sb.append('"').toString();
  }

  private static boolean isPlainSafe(String s) {
    if (s.isEmpty() || s.startsWith(" ") || s.endsWith(" ")) {
      return false;
    }
    char first = s.charAt(0);
    if ("[]{},#&*!|>'\"%@`".indexOf(first) >= 0
        || ((first == '-' || first == '?' || first == ':')
            && (s.length() == 1 || s.charAt(1) == ' '))) {
      return false;
    }
    if (s.contains(": ") || s.contains(" #") || s.endsWith(":")) {
      return false;
    }
    if (!s.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
      return false;
    }
    // words YAML 1.1 would read as another type
    return !s.matches(
        "(?i)~|null|true|false|yes|no|on|off|y|n|[-+]?[0-9][0-9_.:eE+-]*|\\.inf|\\.nan");
  }
}
