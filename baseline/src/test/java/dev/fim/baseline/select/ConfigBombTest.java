package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configs built to exhaust fim: macro expansion, line and file size, regexes that backtrack
 * exponentially or expand on compiling. Each is a config error at file:line, or (a regex RE2
 * matches in linear time) just works. Tests that hung or filled the heap before have a timeout in a
 * separate thread, so they fail instead of hanging (java.util.regex cannot be interrupted).
 */
class ConfigBombTest {

  private static ConfigException error(String config) {
    return assertThrows(
        ConfigException.class,
        () ->
            ConfigParser.parse(config.getBytes(StandardCharsets.ISO_8859_1), "bomb.conf", w -> {}));
  }

  /** {@code @@define A0 x}, then A1..A40 each doubling the one before: 2^40 bytes if expanded. */
  static String doublingChain(int levels) {
    StringBuilder sb = new StringBuilder("@@define A0 x\n");
    for (int i = 1; i <= levels; i++) {
      sb.append("@@define A")
          .append(i)
          .append(" @@{A")
          .append(i - 1)
          .append("}@@{A")
          .append(i - 1)
          .append("}\n");
    }
    return sb.toString();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void doublingDefinesStopAtTheLineOverTheLimit() {
    ConfigException e = error(doublingChain(40) + "/data/@@{A40} R\n");
    // A16 is 65,536 bytes (the limit), A17 would be twice that: line 18 defines A17.
    assertEquals(18, e.line(), e.getMessage());
    assertTrue(
        e.getMessage()
            .startsWith("bomb.conf:18: line is longer than 65536 bytes after @@{VAR} substitution"),
        e.getMessage());
  }

  @Test
  void expansionUpToTheLineLimitStillWorks() throws ConfigException {
    // A16 is exactly 65,536 bytes; a regex may have 4096 bytes and 2000 instructions (A10 is 1024).
    String config = doublingChain(16) + "/data/@@{A10} R\n";
    Config c = ConfigParser.parse(config.getBytes(StandardCharsets.ISO_8859_1), "ok.conf", w -> {});
    assertEquals(1, c.rules().size());
    assertNotNull(
        c.selector().select(PathBytes.ofUtf8("/data/" + "x".repeat(1024)), FileType.FILE));
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void manyLinesOfLargeExpansionsHitTheConfigLimit() {
    // Each line is under 64 KiB expanded, but 100 of them are 6 MB: the total limit (4 MiB) stops
    // it.
    StringBuilder sb = new StringBuilder("@@define BIG " + "b".repeat(60_000) + "\n");
    for (int i = 0; i < 100; i++) {
      sb.append("# @@{BIG}\n");
    }
    ConfigException e = error(sb.toString());
    // 60,000 (the define) + 69 lines of 60,002 bytes = 4,200,138 > 4,194,304: line 70 crosses it.
    assertEquals(70, e.line(), e.getMessage());
    assertTrue(
        e.reason().contains("macro expansion makes the config larger than 4194304 bytes"),
        e.getMessage());
  }

  @Test
  void aLongRawLineIsAnErrorAndTheMessageStaysShort() {
    ConfigException e = error("# fine\n/data/" + "a".repeat(70_000) + " R\n");
    assertEquals(2, e.line());
    assertTrue(e.reason().startsWith("line is 70008 bytes long; at most 65536"), e.getMessage());
    assertTrue(e.getMessage().length() < 1000, "message of " + e.getMessage().length() + " chars");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFiveMegabyteRegexIsRefusedWithoutCompilingIt() {
    ConfigException e = error("/data/" + "(a|b)".repeat(1_000_000) + " R\n");
    assertEquals(1, e.line());
    assertTrue(e.reason().startsWith("config is larger than 4194304 bytes"), e.getMessage());
    // and under the file limit, the line limit
    e = error("/data/" + "(a|b)".repeat(100_000) + " R\n");
    assertTrue(e.reason().startsWith("line is 500008 bytes long"), e.getMessage());
  }

  @Test
  void aFileOverTheLimitIsReadOnlyUpToIt(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("huge.conf");
    byte[] line =
        "# padding padding padding padding padding padding padding padding padding\n"
            .getBytes(StandardCharsets.US_ASCII);
    try (var out = Files.newOutputStream(f)) {
      for (int i = 0; i < 8 * 1024 * 1024 / line.length; i++) {
        out.write(line);
      }
    }
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigParser.parseFile(f, w -> {}));
    assertEquals(f.toString(), e.source());
    assertTrue(e.reason().startsWith("config is larger than 4194304 bytes"), e.getMessage());
    assertEquals(4 * 1024 * 1024 / line.length + 1, e.line(), e.getMessage());
  }

  static Stream<Arguments> tooBig() {
    return Stream.of(
        Arguments.of("/data/" + "a".repeat(4100), "regex is 4106 bytes long; at most 4096"),
        Arguments.of(
            "/data/((a{1000}){1000}){1000}", "regex too large"), // RE2/J alone: heap exhausted
        Arguments.of(
            "/data/(a{1000}){1000}", "regex too large"), // RE2/J alone: 1,002,002 instructions, 2 s
        Arguments.of("/data/" + ".*a".repeat(1000), "regex too large"), // written out, without {n}
        Arguments.of(
            "/data/" + "(".repeat(150) + "a" + ")".repeat(150),
            "groups nested deeper than 100 levels"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("tooBig")
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void oversizedRegexesAreConfigErrors(String regex, String reason) {
    ConfigException e = error("# line 1\n" + regex + " R\n");
    assertEquals(2, e.line(), e.getMessage());
    assertTrue(e.reason().startsWith(reason), e.getMessage());
  }

  /** 31 bytes: "/" + 29 × 'a' + "!". */
  private static final PathBytes NAME31 = PathBytes.ofUtf8("/" + "a".repeat(29) + "!");

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void exponentialBacktrackingRegexRunsInLinearTime() {
    // java.util.regex took 41 s for one select() of this 31-byte name (docs/security.md).
    Config c = Configs.of("/(.*a){25}$ R", "/b(.*a){25}$ R");
    assertNull(c.selector().select(NAME31, FileType.FILE));
    assertNotNull(c.selector().select(PathBytes.ofUtf8("/" + "a".repeat(30)), FileType.FILE));
    assertNull(
        c.selector().select(PathBytes.ofUtf8("/" + "a".repeat(20)), FileType.FILE)); // 20 < 25 a's
    assertTrue(
        c.selector()
            .descend(PathBytes.ofUtf8("/" + "a".repeat(29) + "!"))); // "/aaa…!/aaa…a" matches
  }

  static Stream<Arguments> unsupported() {
    return Stream.of(
        Arguments.of("/data/(a)\\1", "backreference \\1 is not supported"),
        Arguments.of("/data/(?<n>a)\\k<n>", "backreference \\k is not supported"),
        Arguments.of("/data/(?P<n>a)(?P=n)", "backreference or recursion (?P=n) is not supported"),
        Arguments.of("/data/(?=a)", "lookahead (?=…) is not supported"),
        Arguments.of("/data/(?!a)", "lookahead (?!…) is not supported"),
        Arguments.of("/data/(?<=a)b", "lookbehind (?<=…) is not supported"),
        Arguments.of("/data/(?<!a)b", "lookbehind (?<!…) is not supported"),
        Arguments.of("/data/(?>a+)b", "atomic group (?>…) is not supported"),
        Arguments.of("/data/a++b", "possessive quantifier ++ is not supported"),
        Arguments.of("/data/a*+b", "possessive quantifier *+ is not supported"),
        Arguments.of("/data/a{2}+b", "possessive quantifier }+ is not supported"),
        Arguments.of("/data/(?(1)a|b)", "conditional group (?(…)…) is not supported"),
        Arguments.of("/data/(a|(?R))", "backreference or recursion (?R) is not supported"),
        Arguments.of("/data/(a)(?1)", "backreference or recursion (?1) is not supported"),
        Arguments.of("/data/a\\Kb", "match start reset \\K is not supported"),
        Arguments.of("/data/(?x)a b", "flag x in (?x) is not supported"),
        Arguments.of("/data/(*UTF)a", "PCRE verb (*UTF) is not supported"),
        Arguments.of(
            "/data/(?i)caf\u00c3\u00a9", "case-insensitive matching ((?i)) of a non-ASCII byte"),
        Arguments.of("/data/(?i)caf\\xc3", "case-insensitive matching ((?i)) of a non-ASCII byte"),
        Arguments.of("/data/(?i:x)\\p{Lu}", "case-insensitive matching ((?i)) of a non-ASCII byte"),
        Arguments.of("/data/(a", "bad regex: missing closing )"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsupported")
  void pcreOnlyConstructsAreConfigErrorsNamingTheConstruct(String regex, String reason) {
    ConfigException e = error("# line 1\n\n" + regex + " R\n");
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.reason().startsWith(reason), e.getMessage());
    if (reason.contains("is not supported") && !reason.startsWith("flag")) {
      assertTrue(e.reason().contains("RE2, whose time is linear"), e.getMessage());
    }
    assertTrue(e.getMessage().contains("accepted: a regular expression"), e.getMessage());
  }

  /** Concatenates strings (as ISO-8859-1, one byte per char) and ints (as single bytes). */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof Integer b) {
        out.write(b);
      } else {
        out.writeBytes(((String) p).getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return out.toByteArray();
  }

  /**
   * Where PCRE (AIDE) and RE2 spell a thing differently, fim keeps PCRE's meaning on path bytes, as
   * it had with java.util.regex. Rows: rule, path, selected?
   */
  static Stream<Arguments> sameMeaning() {
    return Stream.of(
        Arguments.of("/d/x$", bytes("/d/x"), true),
        Arguments.of(
            "/d/x$", bytes("/d/x\n"), true), // PCRE's $ also matches before a final newline
        Arguments.of("/d/x$", bytes("/d/x\ny"), false),
        Arguments.of("/d/x\\Z", bytes("/d/x\n"), true),
        Arguments.of("/d/a[$]b", bytes("/d/a$b"), true), // a $ inside a class stays a literal $
        Arguments.of("/d/a[]$]b", bytes("/d/a$b"), true),
        Arguments.of("/d/a[^]$]b", bytes("/d/a$b"), false),
        Arguments.of("/d/a[[:alpha:]$]b", bytes("/d/a$b"), true),
        Arguments.of("/d/a\\$b", bytes("/d/a$b"), true),
        Arguments.of("/d/x\\z", bytes("/d/x\n"), false),
        Arguments.of(
            "/d/a\\sb", bytes("/d/a", 0x0b, "b"), true), // \s includes VT, as in PCRE and Java
        Arguments.of("/d/a[\\s]b", bytes("/d/a", 0x0b, "b"), true),
        Arguments.of("/d/a\\Sb", bytes("/d/a", 0x0b, "b"), false),
        Arguments.of("/d/a[\\S]b", bytes("/d/a", 0x0b, "b"), false),
        Arguments.of("/d/a[\\S]b", bytes("/d/a", 0xff, "b"), true),
        Arguments.of("/d/a\\hb", bytes("/d/a", 0xa0, "b"), true),
        Arguments.of("/d/a\\vb", bytes("/d/a", 0x85, "b"), true),
        Arguments.of("/d/a\\eb", bytes("/d/a", 0x1b, "b"), true),
        Arguments.of("/d/a\\cAb", bytes("/d/a", 0x01, "b"), true),
        Arguments.of("/d/\\Qa.b\\E$", bytes("/d/a.b"), true),
        Arguments.of("/d/\\Qa.b\\E$", bytes("/d/axb"), false),
        Arguments.of("/d/[\\Q]\\E]", bytes("/d/]"), true),
        Arguments.of("/d/\\x{ff}", bytes("/d/", 0xff), true),
        Arguments.of("/d/[\\x80-\\xff]+$", bytes("/d/", 0xc3, 0xa9), true),
        Arguments.of("/d/[^/]+$", bytes("/d/", 0x85, 0xff), true),
        Arguments.of("/d/\\w+$", bytes("/d/", 0xe9), false), // \w is ASCII, as in PCRE without UTF
        Arguments.of("/(?i)D/ABC", bytes("/d/abc"), true), // ASCII case folding works
        Arguments.of("/d/[[:digit:]]+$", bytes("/d/123"), true), // POSIX classes, as in PCRE
        Arguments.of("/d/x{2}$", bytes("/d/xx"), true),
        Arguments.of("/d/x{2,}$", bytes("/d/xxxx"), true),
        Arguments.of(
            "/d/x{,2}$",
            bytes("/d/x{,2}"),
            true), // not a repetition: literal, as in RE2 and PCRE < 10.43
        Arguments.of("/d/(?m)x$", bytes("/d/x\ny"), true), // under (?m), $ is RE2's end of line
        Arguments.of("/d/(a|b)+c", bytes("/d/ababc"), true),
        Arguments.of("/d/a.c", bytes("/d/a\nc"), false)); // '.' never matches '\n', as in PCRE
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("sameMeaning")
  void pcreSpellingsKeepTheirMeaning(String rule, byte[] path, boolean selected)
      throws ConfigException {
    List<ConfigWarning> warnings = new ArrayList<>();
    Config c = ConfigParser.parse(bytes(rule, " R\n"), "t.conf", warnings::add);
    assertEquals(List.of(), warnings);
    var got = c.selector().select(PathBytes.of(path), FileType.FILE);
    assertEquals(selected, got != null, PathBytes.of(path).display());
    if (selected) {
      // whatever selects a path must let the walk reach it
      for (PathBytes p = PathBytes.of(path).parent(); p != null; p = p.parent()) {
        assertTrue(c.selector().descend(p), p.display());
      }
    }
  }
}
