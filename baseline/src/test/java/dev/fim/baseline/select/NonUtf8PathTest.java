package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Paths are bytes: rules and paths are compared byte for byte (both seen as ISO-8859-1), so the
 * result depends neither on UTF-8 validity nor on the locale. Rows: config bytes, path bytes,
 * selected?
 */
class NonUtf8PathTest {

  /** Concatenates strings (as UTF-8) and ints (as single bytes). */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof Integer b) {
        out.write(b);
      } else {
        out.writeBytes(((String) p).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  static Stream<Arguments> cases() {
    byte[] utf8Rule = bytes("/data/café R\n");
    byte[] rawFf = bytes("/data/", 0xff, " R\n");
    return Stream.of(
        Arguments.of("UTF-8 é rule, é path", utf8Rule, bytes("/data/café/menu"), true),
        Arguments.of(
            "UTF-8 é rule, é as the same two bytes",
            utf8Rule,
            bytes("/data/caf", 0xc3, 0xa9),
            true),
        Arguments.of(
            "UTF-8 é rule, Latin-1 é path (one byte 0xe9)",
            utf8Rule,
            bytes("/data/caf", 0xe9),
            false),
        Arguments.of("UTF-8 é rule, plain e", utf8Rule, bytes("/data/cafe"), false),
        Arguments.of("raw 0xff byte in the rule", rawFf, bytes("/data/", 0xff, "/x"), true),
        Arguments.of("raw 0xff byte, other byte", rawFf, bytes("/data/", 0xfe), false),
        Arguments.of("regex escape \\xff", bytes("/data/\\xff R\n"), bytes("/data/", 0xff), true),
        Arguments.of(
            "dot matches 0x85 (NEL in Latin-1, a UTF-8 continuation byte)",
            bytes("/data/x.$ R\n"),
            bytes("/data/x", 0x85),
            true),
        Arguments.of(
            "dot matches a lone 0xc3", bytes("/data/x.$ R\n"), bytes("/data/x", 0xc3), true),
        Arguments.of(
            "newline inside a name is just a byte",
            bytes("/data R\n!/data/.*\\.tmp$\n"),
            bytes("/data/a\nb"),
            true),
        Arguments.of(
            "negative after a newline in the name",
            bytes("/data R\n!/data/.*\\.tmp$\n"),
            bytes("/data/a\nb.tmp"),
            true), // '.' never matches '\n', as in PCRE
        Arguments.of("escaped space", bytes("/data/a\\ b R\n"), bytes("/data/a b"), true),
        Arguments.of(
            "escaped space, other name", bytes("/data/a\\ b R\n"), bytes("/data/a"), false),
        Arguments.of(
            "comment after the rule",
            bytes("/data/x R # not part of it\n"),
            bytes("/data/x"),
            true));
  }

  /**
   * issue 14: aide 0.18.3 keeps "%FF" in a rule as three characters (its man page notwithstanding).
   */
  @org.junit.jupiter.api.Test
  void percentEncodingIsLiteralAsInAide() throws ConfigException {
    List<ConfigWarning> warnings = new ArrayList<>();
    Config c = ConfigParser.parse(bytes("/data/%FF R\n/data/a%20b R\n"), "t.conf", warnings::add);
    assertNull(c.selector().select(PathBytes.of(bytes("/data/", 0xff)), FileType.FILE));
    assertNull(c.selector().select(PathBytes.of(bytes("/data/a b")), FileType.FILE));
    assertNotNull(c.selector().select(PathBytes.of(bytes("/data/%FF")), FileType.FILE));
    assertNotNull(c.selector().select(PathBytes.of(bytes("/data/a%20b")), FileType.FILE));
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals(true, warnings.get(0).toString().contains("not URL-decoded"), warnings.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void selectsByBytes(String name, byte[] config, byte[] path, boolean selected)
      throws ConfigException {
    List<ConfigWarning> warnings = new ArrayList<>();
    Config c = ConfigParser.parse(config, "t.conf", warnings::add);
    assertEquals(List.of(), warnings);
    var got = c.selector().select(PathBytes.of(path), FileType.FILE);
    if (selected) {
      assertNotNull(got, PathBytes.of(path).display());
    } else {
      assertNull(got, PathBytes.of(path).display());
    }
  }

  @ParameterizedTest(name = "descend into {0}")
  @MethodSource("cases")
  void descendsByBytes(String name, byte[] config, byte[] path, boolean selected)
      throws ConfigException {
    Config c = ConfigParser.parse(config, "t.conf", w -> {});
    if (selected) {
      // whatever selects a path must let the walk reach it
      PathBytes parent = PathBytes.of(path).parent();
      while (parent != null) {
        assertEquals(true, c.selector().descend(parent), parent.display());
        parent = parent.parent();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void sealKeyKeepsItsBytes() throws ConfigException {
    Config c = ConfigParser.parse(bytes("seal_key=/etc/fim/k", 0xff, "\n"), "t.conf", w -> {});
    assertEquals(PathBytes.of(bytes("/etc/fim/k", 0xff)), c.sealKey());
  }
}
