package dev.fim.baseline.select;

/**
 * A config line that fim accepted but does not fully honour (an unsupported hash replaced by
 * sha256, an unknown directive), or — a <em>note</em> — one it reads as aide does but handles its
 * own way (an AIDE option fim takes from its command line, an attribute with a documented
 * difference, an undefined variable, which aide too replaces by the empty string without a
 * warning). The config stays usable.
 *
 * @param source the config's name as given to the parser (usually its file name)
 * @param line 1-based line number
 * @param text the offending line, for people (UTF-8 where valid)
 * @param message what fim did with it
 * @param note true for a note (where aide itself says nothing), false for a warning
 */
public record ConfigWarning(String source, int line, String text, String message, boolean note) {
  /** A warning. */
  public ConfigWarning(String source, int line, String text, String message) {
    this(source, line, text, message, false);
  }

  /** {@code file:line: message}, the form compilers use so editors can jump to it. */
  @Override
  public String toString() {
    return source + ":" + line + ": " + message;
  }
}
