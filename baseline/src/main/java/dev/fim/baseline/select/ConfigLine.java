package dev.fim.baseline.select;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One physical line of a config, kept as ISO-8859-1 text (one char per config byte) so that bytes
 * which are not UTF-8 survive into regexes and paths unchanged. Knows how to turn itself into a
 * warning or an error that points at {@code file:line}.
 */
record ConfigLine(String source, int number, String latin1) {

  /** Longest part of a line shown in a message (the line may be up to 64 KiB). */
  private static final int DISPLAY_MAX = 200;

  /**
   * The line for people: the bytes decoded as UTF-8 (lossy only for messages), cut after {@value
   * #DISPLAY_MAX} bytes.
   */
  String display() {
    byte[] b = latin1.getBytes(StandardCharsets.ISO_8859_1);
    if (b.length > DISPLAY_MAX) {
      return new String(b, 0, DISPLAY_MAX, StandardCharsets.UTF_8).strip()
          + " … ("
          + b.length
          + " bytes)";
    }
    return new String(b, StandardCharsets.UTF_8).strip();
  }

  ConfigException error(String reason, String accepted) {
    return new ConfigException(source, number, display(), reason, accepted);
  }

  void warn(Consumer<ConfigWarning> warnings, String message) {
    warnings.accept(new ConfigWarning(source, number, display(), message));
  }

  /** A note: fim reads the line as aide does but handles it its own way (see ConfigWarning). */
  void note(Consumer<ConfigWarning> warnings, String message) {
    warnings.accept(new ConfigWarning(source, number, display(), message, true));
  }

  /** Strips the blanks AIDE ignores at both ends (space, tab, and the CR of CRLF files). */
  static String trim(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && isBlank(s.charAt(b))) {
      b++;
    }
    while (e > b && isBlank(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}
