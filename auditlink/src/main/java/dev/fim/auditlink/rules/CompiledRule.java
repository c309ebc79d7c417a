package dev.fim.auditlink.rules;

import java.util.Arrays;
import java.util.Objects;

/**
 * One compiled line of a rules file. Either a kernel rule ({@link #operation()} and {@link
 * #bytes()} set) or a control command ({@link #control()} set, no bytes). Immutable: the bytes are
 * copied in and out.
 *
 * @param source file name the rule came from (or {@code <rule>})
 * @param line 1-based line number in that source
 * @param text the rule exactly as written (trimmed)
 * @param normalisedText the rule's words re-joined: one space between words, single quotes only
 *     where a word needs them ({@code -w "/a b"} → {@code -w '/a b'}), getopt-attached values split
 *     ({@code -kfoo} → {@code -k foo}). Option order and value spellings stay as written — that is
 *     the text auditctl was given, and what go-libaudit's goldens call {@code flags}. For what the
 *     kernel lists back, use {@link RuleCompiler#toCommandLine(byte[])}.
 * @param operation AUDIT_ADD_RULE or AUDIT_DEL_RULE; null for a control command
 * @param bytes {@code struct audit_rule_data}, little-endian, padded to 4 bytes; null for a control
 *     command
 * @param control the control command; null for a kernel rule
 */
public record CompiledRule(
    String source,
    int line,
    String text,
    String normalisedText,
    RuleOperation operation,
    byte[] bytes,
    ControlCommand control) {

  public CompiledRule {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(normalisedText, "normalisedText");
    if ((bytes == null) == (control == null) || (bytes == null) != (operation == null)) {
      throw new IllegalArgumentException(
          "a compiled rule has either operation and bytes, or a control command");
    }
    bytes = bytes == null ? null : bytes.clone();
  }

  /** A copy of the {@code audit_rule_data} bytes, or null for a control command. */
  @Override
  public byte[] bytes() {
    return bytes == null ? null : bytes.clone();
  }

  /** True for {@code -D}, {@code -b}, {@code -e}… which carry no rule bytes. */
  public boolean isControl() {
    return control != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompiledRule r
        && line == r.line
        && source.equals(r.source)
        && text.equals(r.text)
        && normalisedText.equals(r.normalisedText)
        && operation == r.operation
        && Arrays.equals(bytes, r.bytes)
        && Objects.equals(control, r.control);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        source, line, text, normalisedText, operation, Arrays.hashCode(bytes), control);
  }

  @Override
  public String toString() {
    return source
        + ":"
        + line
        + ": "
        + normalisedText
        + (bytes == null ? " (control)" : " (" + operation + ", " + bytes.length + " bytes)");
  }
}
