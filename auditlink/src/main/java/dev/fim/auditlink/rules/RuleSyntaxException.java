package dev.fim.auditlink.rules;

/**
 * A rule the compiler rejects. The message reads {@code SOURCE:LINE: REASON} followed by the rule
 * itself on the next line, e.g. {@code audit.rules:12: -F arch must come before -S (auditctl
 * requires it)}.
 */
public final class RuleSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String reason;
  private final String ruleText;

  public RuleSyntaxException(String source, int line, String reason, String ruleText) {
    super(source + ":" + line + ": " + reason + (ruleText == null ? "" : "\n    " + ruleText));
    this.source = source;
    this.line = line;
    this.reason = reason;
    this.ruleText = ruleText;
  }

  /** The file (or other source) name the rule came from. */
  public String source() {
    return source;
  }

  /** The 1-based line number. */
  public int line() {
    return line;
  }

  /** Why the rule was rejected, without the location. */
  public String reason() {
    return reason;
  }

  /** The rule as written, or null. */
  public String ruleText() {
    return ruleText;
  }
}
