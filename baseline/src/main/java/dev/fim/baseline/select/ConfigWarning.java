package dev.fim.baseline.select;

/**
 * A config line that fim accepted but does not fully honour (an AIDE option it ignores, an
 * unsupported hash replaced by sha256, an unknown directive). The config stays usable.
 *
 * @param source the config's name as given to the parser (usually its file name)
 * @param line 1-based line number
 * @param text the offending line, for people (UTF-8 where valid)
 * @param message what fim did with it
 */
public record ConfigWarning(String source, int line, String text, String message) {
  /** {@code file:line: message}, the form compilers use so editors can jump to it. */
  @Override
  public String toString() {
    return source + ":" + line + ": " + message;
  }
}
