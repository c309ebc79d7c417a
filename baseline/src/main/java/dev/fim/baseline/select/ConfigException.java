package dev.fim.baseline.select;

/**
 * A config error that makes the config unusable (undefined group, bad regex, unknown line form).
 * The message reads {@code file:line: reason}, then the line itself, then what would have been
 * accepted. Immutable.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String text;
  private final String reason;

  public ConfigException(String source, int line, String text, String reason, String accepted) {
    super(format(source, line, text, reason, accepted));
    this.source = source;
    this.line = line;
    this.text = text;
    this.reason = reason;
  }

  private static String format(
      String source, int line, String text, String reason, String accepted) {
    StringBuilder sb =
        new StringBuilder().append(source).append(':').append(line).append(": ").append(reason);
    if (text != null) {
      sb.append("\n    ").append(text);
    }
    if (accepted != null) {
      sb.append("\n  accepted: ").append(accepted);
    }
    return sb.toString();
  }

  public String source() {
    return source;
  }

  /** 1-based line number. */
  public int line() {
    return line;
  }

  /** The offending line, for people. */
  public String text() {
    return text;
  }

  /** The reason alone, without location. */
  public String reason() {
    return reason;
  }
}
