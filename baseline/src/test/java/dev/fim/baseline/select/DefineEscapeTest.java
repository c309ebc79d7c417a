package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.FileType;
import org.junit.jupiter.api.Test;

/**
 * issue 14: aide 0.18.3 reads a rule's escapes ({@code \\ \space \@}) before it substitutes
 * {@code @@{VAR}}, and reads a {@code @@define} value's escapes when it defines it; the value then
 * goes into the rule as it is. fim substituted first and read the escapes of the whole line after,
 * so a value ending in a backslash joined the rule's own {@code \b}: {@code a\ + \b} became {@code
 * a\b} (a word boundary) instead of aide's {@code a\\b} (a backslash, then b). Expected lines are
 * what {@code aide --dry-init} printed for the same config and tree.
 */
class DefineEscapeTest {
  private static int line(Config c, String p, FileType t) {
    return ((RuleSelector) c.selector()).governingLine(path(p), t);
  }

  @Test
  void valueEndingInABackslashStaysALiteralBackslash() {
    Config c = Configs.of("/t$ R", "@@define V a\\", "/t/@@{V}\\b R");
    assertEquals(3, line(c, "/t/a\\b", FileType.FILE)); // aide: [X] '/t2/a\b' by line 3
    assertEquals(-1, line(c, "/t/a", FileType.DIRECTORY)); // aide: no match ("\b" not a boundary)
    assertEquals(-1, line(c, "/t/a R", FileType.DIRECTORY));
  }

  @Test
  void valueEscapesAreReadOnceAtDefinition() {
    // "@@define V a\\\\b": aide stores a\\b, a backslash then b in the regex.
    Config c = Configs.of("/t$ R", "@@define V a\\\\\\\\b", "/t/@@{V} R");
    assertEquals(3, line(c, "/t/a\\b", FileType.FILE));
    assertEquals(-1, line(c, "/t/a", FileType.DIRECTORY));
    // "@@define V a\\b": aide stores a\b, a word boundary.
    Config d = Configs.of("/t$ R", "@@define V a\\\\b", "/t/@@{V} R");
    assertEquals(3, line(d, "/t/a", FileType.DIRECTORY));
    assertEquals(3, line(d, "/t/a/x", FileType.FILE));
  }

  @Test
  void escapedSpaceInAValueIsOneRegexWithTheSpace() {
    // "@@define V a\ R": aide stores "a R"; "/t/@@{V} R" is the regex "/t/a R" with attributes R.
    Config c = Configs.of("/t$ R", "@@define V a\\ R", "/t/@@{V} p");
    assertEquals(3, line(c, "/t/a R", FileType.DIRECTORY));
    assertEquals(-1, line(c, "/t/a", FileType.DIRECTORY));
  }
}
