package dev.fim.auditlink.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shortcuts of the field scan and lookup (issue 18, session 17) give what the plain way gives:
 * names cached with their hash and hex flag, lookups that compare hashes before names, hex values
 * checked and decoded in one pass, values compared in place, arrays sized from the body's length.
 */
class FieldLookupTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static AuditRecord parse(String line) throws AuditParseException {
    byte[] x = b(line);
    return RecordParser.parseLogLineOrThrow(x, 0, x.length);
  }

  static final String HDR = "type=SYSCALL msg=audit(1.000:1): ";

  @Test
  void namesWithTheSameHashAreToldApartAndTheFirstOfANameWins() throws Exception {
    // "Aa" and "BB" have the same String.hashCode(), as do "AaAa", "AaBB", "BBAa" and "BBBB".
    assertEquals("Aa".hashCode(), "BB".hashCode());
    AuditRecord r = parse(HDR + "Aa=1 BB=2 Aa=3 AaBB=4 BBAa=5 BBBB=6");
    assertEquals("1", r.field("Aa"));
    assertEquals("2", r.field("BB"));
    assertEquals("4", r.field("AaBB"));
    assertEquals("5", r.field("BBAa"));
    assertEquals("6", r.field("BBBB"));
    assertNull(r.field("AaAa"));
    assertEquals(List.of("Aa", "BB", "Aa", "AaBB", "BBAa", "BBBB"), r.fieldNames());
    assertEquals(2, r.fieldLong("BB", -1));
    assertTrue(r.fieldIs("Aa", "1"));
  }

  @Test
  void aPrefixedNameIsFoundByItsWholeNameBeforeALaterSpelledOutOne() throws Exception {
    AuditRecord r = parse("type=LOGIN msg=audit(1.000:1): old auid=7 old_auid=8 auid=9");
    assertEquals("7", r.field("old_auid"));
    assertEquals("9", r.field("auid"));
    assertEquals(List.of("old_auid", "old_auid", "auid"), r.fieldNames());
  }

  @Test
  void everyCachedNameIsItsOwnBytesWithItsHashAndHexFlag() {
    // All two-byte names (the cache is direct-mapped: many share a slot and replace each other),
    // twice, then a few random long and non-ASCII ones.
    for (int round = 0; round < 2; round++) {
      for (int x = 0; x < 256; x++) {
        for (int y = 0; y < 256; y++) {
          byte[] n = {(byte) x, (byte) y};
          check(n, 0, 2);
        }
      }
    }
    Random rnd = new Random(17);
    for (int k = 0; k < 20_000; k++) {
      byte[] buf = new byte[80];
      rnd.nextBytes(buf);
      int off = rnd.nextInt(10);
      int len = rnd.nextInt(60);
      check(buf, off, len);
    }
    for (String n : List.of("name", "cwd", "proctitle", "exe", "comm", "key", "new-chardev")) {
      assertTrue(FieldNames.of(b(n), 0, n.length()).escaped(), n);
    }
    for (String n : List.of("pid", "a0", "dev", "nametype", "names", "nam")) {
      assertFalse(FieldNames.of(b(n), 0, n.length()).escaped(), n);
    }
  }

  private static void check(byte[] b, int off, int len) {
    String want = new String(b, off, len, StandardCharsets.ISO_8859_1);
    FieldNames.Name n = FieldNames.of(b, off, len);
    assertEquals(want, n.text());
    assertEquals(want.hashCode(), n.hash());
    assertEquals(EncodedFields.isEscapedName(want), n.escaped());
    assertTrue(n.is(b, off, len));
    FieldNames.Name again = FieldNames.of(b, off, len, FieldNames.hash(b, off, len));
    assertEquals(want, again.text());
  }

  @ParameterizedTest(name = "proctitle={0}")
  @CsvSource(
      value = {
        "616263, 616263, true",
        "AbCd, abcd, true",
        "61626, , false",
        "6162zz, , false",
        "zz6162, , false",
        "616g, , false",
        "6, , false",
        "00, 00, true",
        "FFfe, fffe, true",
      })
  void hexValuesAreDecodedOnlyWhenWhollyEvenLengthHex(String value, String hex, boolean wasHex)
      throws Exception {
    AuditRecord r = parse("type=PROCTITLE msg=audit(1.000:1): proctitle=" + value);
    byte[] want = wasHex ? java.util.HexFormat.of().parseHex(hex) : b(value);
    assertArrayEquals(want, r.fieldBytes("proctitle"));
    assertEquals(wasHex, r.fieldWasHex("proctitle"));
    assertTrue(r.fieldBytesAre("proctitle", want));
  }

  @Test
  void anEmptyEncodableValueStaysEmptyAndIsNotHex() throws Exception {
    AuditRecord r = parse("type=PROCTITLE msg=audit(1.000:1): proctitle= x=1");
    assertArrayEquals(new byte[0], r.fieldBytes("proctitle"));
    assertFalse(r.fieldWasHex("proctitle"));
  }

  @Test
  void aSyscallArgumentIsNeverDecodedEvenWhenItLooksLikeHex() throws Exception {
    AuditRecord r = parse(HDR + "a0=616263 name=616263");
    assertArrayEquals(b("616263"), r.fieldBytes("a0"));
    assertArrayEquals(b("abc"), r.fieldBytes("name"));
  }

  @Test
  void fieldBytesAreComparesTheDecodedBytesInPlaceAndNullMeansAbsent() throws Exception {
    AuditRecord r = parse(HDR + "key=\"fim\" exe=2F62696E name=\"\"");
    assertTrue(r.fieldBytesAre("key", b("fim")));
    assertFalse(r.fieldBytesAre("key", b("fi")));
    assertFalse(r.fieldBytesAre("key", b("fimx")));
    assertFalse(r.fieldBytesAre("key", null));
    assertTrue(r.fieldBytesAre("exe", b("/bin")));
    assertFalse(r.fieldBytesAre("exe", b("2F62696E")));
    assertTrue(r.fieldBytesAre("name", new byte[0]));
    assertTrue(r.fieldBytesAre("comm", null));
    assertFalse(r.fieldBytesAre("comm", new byte[0]));
  }

  @Test
  void recordsOfManyFieldsOrNoneKeepEveryField() throws Exception {
    StringBuilder line = new StringBuilder(HDR);
    for (int i = 0; i < 300; i++) {
      line.append("f").append(i).append('=').append(i).append(' ');
    }
    AuditRecord r = parse(line.toString());
    assertEquals(300, r.fieldCount());
    for (int i = 0; i < 300; i += 37) {
      assertEquals(i, r.fieldLong("f" + i, -1));
    }
    // long values, few fields: the guess from the length is too high, nothing is lost
    AuditRecord wide = parse(HDR + "a=" + "x".repeat(2000) + " b=" + "y".repeat(3000));
    assertEquals(2, wide.fieldCount());
    assertEquals(3000, wide.field("b").length());
    AuditRecord none = parse("type=EOE msg=audit(1.000:1): ");
    assertEquals(0, none.fieldCount());
    assertNull(none.field("a"));
    assertSame(null, none.fieldBytes("a"));
  }
}
