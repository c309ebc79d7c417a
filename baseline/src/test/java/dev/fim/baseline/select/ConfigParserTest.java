package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.baseline.Attribute;
import dev.fim.baseline.AttributeSet;
import dev.fim.store.FileType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

  private static AttributeSet attrs(String plusSeparated) {
    if (plusSeparated.isEmpty()) {
      return AttributeSet.EMPTY;
    }
    return AttributeSet.of(
        Arrays.stream(plusSeparated.split("\\+"))
            .map(Attribute::ofConfigName)
            .toArray(Attribute[]::new));
  }

  static Stream<Arguments> expressions() {
    return Stream.of(
        Arguments.of("p+u+g", "p+u+g"),
        Arguments.of("p+u+g-u", "p+g"),
        Arguments.of("p + u", "p+u"),
        Arguments.of("R", "ftype+p+i+n+u+g+s+m+c+l+xattrs+acl+caps+selinux+xxh3"),
        Arguments.of("R-X", "ftype+p+i+n+u+g+s+m+c+l+xxh3"),
        Arguments.of("R-xxh3+sha256", "ftype+p+i+n+u+g+s+m+c+l+xattrs+acl+caps+selinux+sha256"),
        Arguments.of("L", "ftype+p+i+n+u+g+l+xattrs+acl+caps+selinux"),
        Arguments.of(">", "ftype+p+i+n+u+g+s+growing+l+xattrs+acl+caps+selinux"),
        Arguments.of("X", "xattrs+acl+caps+selinux"),
        Arguments.of("H", "xxh3+sha256+sha512"),
        Arguments.of("E", ""),
        Arguments.of("E+p", "p"),
        Arguments.of("NORMAL", "p+ftype+i+n+u+g+s+m+c+l+xattrs+xxh3"),
        Arguments.of("normal", "p+ftype+i+n+u+g+s+m+c+l+xattrs+xxh3"),
        Arguments.of("growing+s+u", "growing+s+u"), // AIDE 0.18's growing is its own attribute
        Arguments.of("s+S", "s+S"),
        Arguments.of("p+ANF+ARF-ARF", "p+ANF"),
        Arguments.of("p+b+a+sha512", "p+b+a+sha512"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("expressions")
  void evaluatesAttributeExpressions(String expression, String expected) {
    Config c = Configs.of("G = " + expression);
    assertEquals(attrs(expected), c.groups().get("G"));
  }

  @Test
  void groupsBuildOnGroupsAndRulesUseThem() {
    Config c =
        Configs.of(
            "OwnerMode = p+u+g+ftype",
            "Size = s+b",
            "InodeData = OwnerMode+n+i+Size+l+X",
            "/etc InodeData-b");
    assertEquals(
        attrs("p+u+g+ftype+n+i+s+l+xattrs+acl+caps+selinux"),
        c.selector().select(path("/etc/hosts"), FileType.FILE));
  }

  static Stream<Arguments> warnings() {
    return Stream.of(
        Arguments.of(
            "database_in=file:/var/lib/aide/aide.db", "AIDE option database_in has no effect"),
        Arguments.of("report_url=stdout", "AIDE option report_url has no effect"),
        Arguments.of("gzip_dbout=yes", "AIDE option gzip_dbout has no effect"),
        Arguments.of("database=file:/x", "AIDE option database is deprecated or removed"),
        Arguments.of("num_workers=4", "fim's option is hash_threads"),
        Arguments.of("frobnicate_level=3", "unknown option frobnicate_level"),
        Arguments.of("@@frobnicate", "unknown directive @@frobnicate"),
        Arguments.of("/etc p+md5", "hash md5 is not supported by fim; sha256 is used instead"),
        Arguments.of("/etc R-md5", "removing it has no effect"),
        Arguments.of("/etc p+e2fsattrs", "attribute e2fsattrs is ignored"),
        Arguments.of("/etc p+I", "attribute I is ignored"),
        Arguments.of("!/dev =tmpfs", "file system type restriction '=tmpfs' is ignored"),
        Arguments.of("/x @@{NOPE} R", "variable @@{NOPE} is not defined"),
        Arguments.of("G = p\nG = u", "group G redefined (previous definition at line 2)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warnings")
  void warnsWithFileAndLine(String line, String message) {
    List<ConfigWarning> w = new ArrayList<>();
    Configs.parse("# first line\n" + line, w);
    assertEquals(1, w.size(), w.toString());
    int expectedLine = 1 + line.split("\n").length;
    if (line.startsWith("@@ifhost")) {
      expectedLine = 2;
    }
    assertEquals(expectedLine, w.get(0).line(), w.toString());
    assertTrue(
        w.get(0).toString().startsWith("t.conf:" + expectedLine + ": "), w.get(0).toString());
    assertTrue(w.get(0).message().contains(message), w.get(0).message());
  }

  @Test
  void unsupportedHashStillHashesContent() {
    Config c = Configs.parse("/etc p+sha1", new ArrayList<>());
    assertEquals(attrs("p+sha256"), c.selector().select(path("/etc/x"), FileType.FILE));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("/etc Rr", 2, "undefined group or attribute 'Rr'", "groups:"),
        Arguments.of("/etc R+", 2, "empty term", "attribute expression"),
        Arguments.of("\n/etc/(foo R", 3, "bad regex", "regular expression"),
        Arguments.of("etc R", 2, "unrecognised line", "a rule (/regex"),
        Arguments.of("/etc", 2, "missing attribute expression", "/regex [types] ATTRS"),
        Arguments.of("/etc f R extra", 2, "too many words", "/regex [types] ATTRS"),
        Arguments.of("/etc q R", 2, "unknown file type 'q'", "comma-separated"),
        Arguments.of("!/etc R", 2, "unknown file type 'R'", "comma-separated"),
        Arguments.of("!/etc f R", 2, "a negative rule takes no attributes", "!/regex [types]"),
        Arguments.of("!etc", 2, "must start with \"/\"", "a rule"),
        Arguments.of("p = u+g", 2, "'p' is an attribute name", "another group name"),
        Arguments.of("G = p+nope", 2, "undefined group or attribute 'nope'", "attributes:"),
        Arguments.of("hash_threads=lots", 2, "hash_threads must be a number", "hash_threads=N"),
        Arguments.of("hash_threads=-1", 2, "hash_threads must be a number", "hash_threads=N"),
        Arguments.of("seal_key=fim.key", 2, "seal_key must be an absolute path", "seal_key=/"),
        Arguments.of("@@ifdef X\n/etc R", 2, "@@if without @@endif", "@@endif"),
        Arguments.of("@@endif", 2, "@@endif without @@if", "@@if"),
        Arguments.of("@@ifdef X\n@@else\n@@else\n@@endif", 4, "second @@else", "@@if"),
        Arguments.of("@@define", 2, "@@define needs a variable name", "@@define NAME value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void failsWithFileLineReasonAndWhatIsAccepted(
      String text, int line, String reason, String accepted) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigParser.parse(
                    ("# first line\n" + text).getBytes(StandardCharsets.UTF_8), "t.conf", w -> {}));
    assertEquals(line, e.line());
    assertEquals("t.conf", e.source());
    String[] lines = e.getMessage().split("\n");
    assertTrue(lines[0].startsWith("t.conf:" + line + ": "), e.getMessage());
    assertTrue(lines[0].contains(reason), e.getMessage());
    assertEquals(3, lines.length, e.getMessage());
    assertTrue(lines[2].contains("accepted: ") && lines[2].contains(accepted), e.getMessage());
  }

  @Test
  void errorShowsTheOffendingLine() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigParser.parse(
                    "  /etc  Rr  \n".getBytes(StandardCharsets.UTF_8),
                    "/etc/fim/fim.conf",
                    w -> {}));
    assertEquals(
        "/etc/fim/fim.conf:1: undefined group or attribute 'Rr'", e.getMessage().split("\n")[0]);
    assertEquals("    /etc  Rr", e.getMessage().split("\n")[1]);
  }

  @Test
  void fimOptions() {
    Config c =
        Configs.of("hash_threads=4", "seal_key = /etc/fim/seal.key  # outside the watched trees");
    assertEquals(4, c.hashThreads());
    assertEquals(path("/etc/fim/seal.key"), c.sealKey());
    Config d = Configs.of("/etc R");
    assertEquals(0, d.hashThreads());
    assertNull(d.sealKey());
  }

  @Test
  void firstOptionWinsWithAWarning() {
    List<ConfigWarning> w = new ArrayList<>();
    Config c = Configs.parse("hash_threads=2\nhash_threads=8", w);
    assertEquals(2, c.hashThreads());
    assertEquals(2, w.get(0).line());
  }

  @Test
  void macros() {
    Config c =
        Configs.of(
            "@@define ETC /etc",
            "@@define G p+u",
            "@@{ETC}/ssh @@{G}",
            "@@ifdef ETC",
            "  @@ifndef NOPE",
            "/yes1 R",
            "  @@else",
            "/no1 R",
            "  @@endif",
            "@@else",
            "/no2 R",
            "@@endif",
            "@@if not defined ETC",
            "/no3 R",
            "@@else",
            "/yes2 R",
            "@@endif",
            "@@undef ETC",
            "@@if defined ETC",
            "/no4 R",
            "@@endif",
            "@@ifdef NOPE",
            "this line would be an error, but it is skipped",
            "@@include /skipped/too",
            "@@endif");
    var s = c.selector();
    assertEquals(attrs("p+u"), s.select(path("/etc/ssh/sshd_config"), FileType.FILE));
    for (String yes : List.of("/yes1", "/yes2")) {
      assertTrue(s.select(path(yes), FileType.FILE) != null, yes);
    }
    for (String no : List.of("/no1", "/no2", "/no3", "/no4")) {
      assertNull(s.select(path(no), FileType.FILE), no);
    }
  }

  @Test
  void regexEscapesAsAide() {
    // aide.conf(5): '\' escapes ' ', '@' and '\'; "\\." and "\." both reach the regex as "\."
    Config c = Configs.of("/etc/ca\\\\.crt$ R", "/etc/cb\\.crt$ R", "/etc/mail\\@x R");
    var s = c.selector();
    assertTrue(s.select(path("/etc/ca.crt"), FileType.FILE) != null);
    assertNull(s.select(path("/etc/caxcrt"), FileType.FILE));
    assertTrue(s.select(path("/etc/cb.crt"), FileType.FILE) != null);
    assertNull(s.select(path("/etc/cbxcrt"), FileType.FILE));
    assertTrue(s.select(path("/etc/mail@x"), FileType.FILE) != null);
  }

  @Test
  void digestIgnoresLayoutButNotRules() {
    Config a = Configs.of("# a comment", "G = p+u", "/etc G", "!/etc/mtab$");
    Config b =
        Configs.of(
            "Perms = u+p   # same attributes, other name",
            "",
            "   /etc    Perms",
            "!/etc/mtab$ # why");
    Config c = Configs.of("G = p+u", "/etc G", "!/etc/mtab");
    Config d = Configs.of("G = p+u+g", "/etc G", "!/etc/mtab$");
    Config e = Configs.of("G = p+u", "/etc f G", "!/etc/mtab$");
    assertArrayEquals(a.digest(), b.digest());
    assertFalse(Arrays.equals(a.digest(), c.digest()), "regex changed");
    assertFalse(Arrays.equals(a.digest(), d.digest()), "attributes changed");
    assertFalse(Arrays.equals(a.digest(), e.digest()), "restriction changed");
    assertEquals(32, a.digest().length);
    assertEquals(64, a.digestHex().length());
  }

  @Test
  void crlfLinesAndMissingFinalNewline() {
    Config c = Configs.of("G = p+u\r", "/etc G\r", "!/etc/mtab$");
    assertEquals(attrs("p+u"), c.selector().select(path("/etc/hosts"), FileType.FILE));
    assertNull(c.selector().select(path("/etc/mtab"), FileType.FILE));
  }
}
