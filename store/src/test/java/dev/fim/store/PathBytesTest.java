package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathBytesTest {
  private static PathBytes p(String s) {
    return PathBytes.ofUtf8(s);
  }

  @ParameterizedTest(name = "display of {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2f612f62|/a/b",
        "2f61ff62|/a\\xffb",
        "2f610a62|/a\\nb",
        "2f61c3a9|/aé",
        "2f615c62|/a\\\\b",
        "2f61c3|/a\\xc3",
        "2f611b|/a\\x1b",
        "2fedb080|/\\xed\\xb0\\x80",
        // the edges of the plain-ASCII shortcut: space and tilde are themselves, DEL and 0x1f not
        "2f207e|/ ~",
        "2f617f|/a\\x7f",
        "2f1f61|/\\x1fa"
      })
  void displayEscapesWhatIsNotPrintableUtf8(String hex, String expected) {
    PathBytes path = PathBytes.of(java.util.HexFormat.of().parseHex(hex));
    assertEquals(expected, path.display());
    assertEquals(hex, path.hex());
  }

  @Test
  void isUtf8() {
    assertTrue(p("/aé").isUtf8());
    assertFalse(PathBytes.of(new byte[] {'/', (byte) 0xff}).isUtf8());
  }

  @Test
  void rejectsNul() {
    assertThrows(IllegalArgumentException.class, () -> PathBytes.of(new byte[] {'/', 0}));
  }

  @Test
  void copiesItsInput() {
    byte[] b = "/x".getBytes(StandardCharsets.US_ASCII);
    PathBytes path = PathBytes.of(b);
    b[1] = 'y';
    assertEquals("/x", path.display());
  }

  @Test
  void isUnderRespectsComponentBoundaries() {
    assertTrue(p("/a/b").isUnder(p("/a")));
    assertTrue(p("/a").isUnder(p("/a")));
    assertFalse(p("/ab").isUnder(p("/a")));
    assertTrue(p("/ab").isUnder(p("/")));
  }

  @Test
  void parentAndName() {
    assertEquals(p("/a"), p("/a/b").parent());
    assertEquals(p("/"), p("/a").parent());
    assertNull(p("/").parent());
    assertEquals("b", new String(p("/a/b").name(), StandardCharsets.UTF_8));
    assertEquals(p("/a/b"), p("/a").resolve("b".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(p("/b"), p("/").resolve("b".getBytes(StandardCharsets.US_ASCII)));
  }

  /** resolve builds its one array without PathBytes.of's copy and scan: the same guarantees. */
  @Test
  void resolveRefusesANulInTheNameAndKeepsNoReferenceToIt() {
    assertThrows(IllegalArgumentException.class, () -> p("/a").resolve(new byte[] {'b', 0, 'c'}));
    byte[] name = "b".getBytes(StandardCharsets.US_ASCII);
    PathBytes r = p("/a").resolve(name);
    name[0] = 'x';
    assertEquals(p("/a/b"), r, "changing the caller's array afterwards changes nothing");
  }

  @Test
  void ordersUnsignedLikeRocksDb() {
    PathBytes high = PathBytes.of(new byte[] {'/', (byte) 0xff});
    assertTrue(p("/z").compareTo(high) < 0, "0xff sorts after 'z' in unsigned byte order");
  }
}
