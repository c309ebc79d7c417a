package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the store's value codecs (issue 12). A database directory is outside input:
 * anyone who can write it can put any bytes in a column family, so decoding must either give a
 * value or throw the codec's declared {@link IllegalArgumentException} (which the store turns into
 * "corrupt", exit 18) — never another exception, a hang or an allocation sized by a forged length.
 * Values fim writes must come back equal: {@code decode(encode(x)) == x}.
 *
 * <p>Regression mode ({@code mvn test}) runs the committed inputs under {@code
 * src/test/resources/dev/fim/store/CodecFuzzTestInputs/<method>/}; {@code bench/fuzz.sh} fuzzes.
 */
class CodecFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void fileRecordRoundTrips(FuzzedDataProvider data) {
    FileRecord r = fileRecord(data);
    assertEquals(r, FileRecordCodec.decode(FileRecordCodec.encode(r)));
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void fileRecordDecodesOrRejects(byte[] value) {
    FileRecord r;
    try {
      r = FileRecordCodec.decode(value);
    } catch (IllegalArgumentException expected) {
      return;
    }
    // Whatever decodes is a value fim can write again and read back unchanged.
    assertEquals(r, FileRecordCodec.decode(FileRecordCodec.encode(r)));
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void changeEventRoundTrips(FuzzedDataProvider data) {
    ChangeEvent e = changeEvent(data);
    assertEquals(e, ChangeEventCodec.decode(ChangeEventCodec.encode(e)));
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void changeEventDecodesOrRejects(byte[] value) {
    ChangeEvent e;
    try {
      e = ChangeEventCodec.decode(value);
    } catch (IllegalArgumentException expected) {
      return;
    }
    assertEquals(e, ChangeEventCodec.decode(ChangeEventCodec.encode(e)));
  }

  // Generators: every value fim itself can produce (strings are valid Unicode, as everything fim
  // stores comes from UTF-8 decoding or its own text; xattr names are at most XATTR_NAME_MAX = 255
  // bytes).

  static FileRecord fileRecord(FuzzedDataProvider d) {
    FileType type = d.pickValue(FileType.values());
    byte[] link = d.consumeBoolean() ? d.consumeBytes(64) : null;
    List<Xattr> xattrs = null;
    if (d.consumeBoolean()) {
      xattrs = new ArrayList<>();
      int n = d.consumeInt(0, 4);
      for (int i = 0; i < n; i++) {
        xattrs.add(new Xattr(text(d, 255), d.consumeBytes(32)));
      }
    }
    List<Digest> digests = new ArrayList<>();
    int nd = d.consumeInt(0, 3);
    for (int i = 0; i < nd; i++) {
      HashAlgorithm a = d.pickValue(HashAlgorithm.values());
      byte[] v = new byte[a.length()];
      byte[] given = d.consumeBytes(a.length());
      System.arraycopy(given, 0, v, 0, given.length);
      digests.add(new Digest(a, v));
    }
    return new FileRecord(
        type,
        d.consumeInt(),
        d.consumeInt(),
        d.consumeInt(),
        d.consumeLong(),
        d.consumeLong(),
        d.consumeLong(),
        d.consumeLong(),
        d.consumeLong(),
        d.consumeLong(),
        d.consumeLong(),
        link,
        xattrs,
        digests,
        d.consumeLong(),
        d.consumeBoolean() ? text(d, 80) : null);
  }

  static ChangeEvent changeEvent(FuzzedDataProvider d) {
    List<AttributeChange> changes = new ArrayList<>();
    int n = d.consumeInt(0, 3);
    for (int i = 0; i < n; i++) {
      changes.add(new AttributeChange(text(d, 20), nullableText(d, 20), nullableText(d, 20)));
    }
    Actor actor = null;
    if (d.consumeBoolean()) {
      List<String> args = null;
      if (d.consumeBoolean()) {
        args = new ArrayList<>();
        int na = d.consumeInt(0, 3);
        for (int i = 0; i < na; i++) {
          args.add(text(d, 20));
        }
      }
      actor =
          new Actor(
              d.consumeBoolean() ? d.consumeLong() : null,
              nullableText(d, 16),
              d.consumeBoolean() ? d.consumeLong() : null,
              nullableText(d, 16),
              d.consumeBoolean() ? d.consumeInt() : null,
              d.consumeBoolean() ? d.consumeInt() : null,
              nullableText(d, 40),
              nullableText(d, 16),
              args,
              d.consumeBoolean() ? d.consumeLong() : null,
              nullableText(d, 8));
      if (d
          .consumeBoolean()) { // an unset login's context: unit and parent chain, each maybe absent
        List<Actor.Parent> parents = null;
        if (d.consumeBoolean()) {
          parents = new ArrayList<>();
          int np = d.consumeInt(0, 3);
          for (int i = 0; i < np; i++) {
            parents.add(
                new Actor.Parent(
                    d.consumeInt(),
                    nullableText(d, 20),
                    d.consumeBoolean() ? d.consumeLong() : null));
          }
        }
        actor = actor.withContext(nullableText(d, 20), parents);
      }
    }
    return new ChangeEvent(
        d.consumeLong(),
        d.consumeLong(),
        d.pickValue(Action.values()),
        path(d),
        d.consumeBoolean() ? path(d) : null,
        d.consumeBoolean() ? fileRecord(d) : null,
        d.consumeBoolean() ? fileRecord(d) : null,
        changes,
        d.consumeBoolean() ? d.pickValue(Origin.values()) : null,
        d.consumeBoolean() ? d.pickValue(Attribution.values()) : null,
        nullableText(d, 40),
        nullableText(d, 40),
        actor,
        writers(d), // the writers section (tag 1): present when not empty
        d.consumeBoolean() // the package section (tag 2), with each verified state
            ? new PackageOrigin(
                text(d, 20),
                nullableText(d, 16),
                d.consumeBoolean() ? null : d.consumeBoolean(),
                nullableText(d, 40))
            : null);
  }

  static List<Writer> writers(FuzzedDataProvider d) {
    int n = d.consumeInt(0, 3);
    List<Writer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          new Writer(
              d.consumeBoolean() ? d.consumeInt(0, Integer.MAX_VALUE) : null,
              nullableText(d, 20),
              nullableText(d, 16),
              d.consumeBoolean() ? d.consumeLong() : null,
              d.consumeBoolean() ? d.consumeLong() : null,
              nullableText(d, 12),
              d.consumeBoolean() ? d.consumeLong() : null,
              d.consumeLong()));
    }
    return out;
  }

  static PathBytes path(FuzzedDataProvider d) {
    byte[] b = d.consumeBytes(64);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        b[i] = '/';
      }
    }
    return PathBytes.of(b);
  }

  /** A valid Unicode string of at most {@code maxUtf8} UTF-8 bytes. */
  static String text(FuzzedDataProvider d, int maxUtf8) {
    byte[] utf8 = d.consumeString(maxUtf8).getBytes(StandardCharsets.UTF_8);
    String s = new String(utf8, StandardCharsets.UTF_8); // lone surrogates became '?'
    while (s.getBytes(StandardCharsets.UTF_8).length > maxUtf8) {
      s =
          s.substring(
              0, s.offsetByCodePoints(0, s.codePointCount(0, s.length()) - 1)); // whole code points
    }
    assertTrue(s.getBytes(StandardCharsets.UTF_8).length <= maxUtf8);
    return s;
  }

  static String nullableText(FuzzedDataProvider d, int maxUtf8) {
    return d.consumeBoolean() ? text(d, maxUtf8) : null;
  }
}
