package dev.fim.engine.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A generator that writes UTF-8 bytes (a JSON report, check's JSON) gets fim's own ASCII values
 * (timestamps, ids, modes, digests) copied as bytes ({@link AsciiJson}); one that writes characters
 * (the watch's lines) gets them as Strings. Both must write the same JSON for every value, at the
 * edges of each number's range, and still escape everything that comes from outside fim.
 */
class EventJsonBytesTest {
  private static final JsonFactory FACTORY = new JsonFactory();

  private static String viaBytes(ChangeEvent e) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g =
        FACTORY.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
      assertTrue(g instanceof UTF8JsonGenerator, "the report's kind of generator");
      EventJson.write(e, g);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String viaCharacters(ChangeEvent e) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      EventJson.write(e, g);
    }
    return out.toString();
  }

  static final String HOSTILE = "/tmp/a\"b\\c\n\u0001\u001f\u007f\u2028é\",\"x\":\"";

  private static FileRecord file(
      FileType type, int mode, int uid, int gid, long ino, long mtimeNs, List<Digest> digests) {
    return new FileRecord(
        type,
        mode,
        uid,
        gid,
        12,
        8,
        mtimeNs,
        mtimeNs + 1,
        2049,
        ino,
        1,
        null,
        List.of(),
        digests,
        0,
        null);
  }

  private static List<Digest> everyDigest() {
    List<Digest> out = new ArrayList<>();
    for (HashAlgorithm a : HashAlgorithm.values()) {
      byte[] v = new byte[a.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (byte) (i * 37 + 0x80); // every nibble, high bit set
      }
      out.add(new Digest(a, v));
    }
    return out;
  }

  static List<ChangeEvent> edgeEvents() {
    return edgeEvents(HOSTILE);
  }

  /** The edge events with {@code hostile} for every outside string (paths, names, messages). */
  static List<ChangeEvent> edgeEvents(String hostile) {
    long[] times = {
      0,
      1,
      999,
      1_000,
      1_000_000,
      -1,
      -1_000_000_000L,
      Long.MIN_VALUE,
      Long.MAX_VALUE,
      1_764_000_000_123_456_789L
    };
    long[] inos = {0, 1, Long.MAX_VALUE, -1, Long.MIN_VALUE};
    int[] ids = {0, 1, 1000, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
    Long[] longIds = {null, 0L, -1L, 4294967295L, Long.MAX_VALUE, Long.MIN_VALUE, -42L};
    int[] modes = {0, 0644, 04755, 07777, 0100644, -1};
    List<ChangeEvent> out = new ArrayList<>();
    int k = 0;
    for (long t : times) {
      for (Action a : Action.values()) {
        int i = k++;
        FileType type = FileType.values()[i % FileType.values().length];
        Long id = longIds[i % longIds.length];
        FileRecord after =
            file(
                type,
                modes[i % modes.length],
                ids[i % ids.length],
                ids[(i + 3) % ids.length],
                inos[i % inos.length],
                t,
                i % 2 == 0 ? everyDigest() : List.of());
        FileRecord before = file(type, 0600, 0, 0, inos[(i + 1) % inos.length], t - 5, List.of());
        Actor actor =
            new Actor(
                id,
                "alice",
                longIds[(i + 2) % longIds.length],
                "root",
                4242,
                1,
                hostile,
                "vim",
                List.of("vim", hostile),
                longIds[(i + 4) % longIds.length],
                "pts/0",
                "unit\"x",
                List.of(new Actor.Parent(7, hostile, longIds[(i + 5) % longIds.length])));
        ChangeEvent e =
            new ChangeEvent(
                t,
                i,
                a,
                PathBytes.ofUtf8(hostile),
                i % 3 == 0 ? PathBytes.of(new byte[] {'/', (byte) 0xff, '"'}) : null,
                after,
                i % 2 == 0 ? before : null,
                List.of(
                    new AttributeChange("mode", "0600", "0644"),
                    new AttributeChange("a\"b", hostile, "x"),
                    new AttributeChange("mode", "0644", "0755")),
                i % 4 == 0 ? null : Origin.values()[i % Origin.values().length],
                i % 5 == 0 ? null : Attribution.values()[i % Attribution.values().length],
                hostile,
                hostile,
                actor);
        out.add(
            e.withWriters(
                List.of(
                    new dev.fim.store.Writer(1, hostile, "cp", id, id, "openat", 3L, t),
                    new dev.fim.store.Writer(
                        2, "/bin/x", "x", -5L, Long.MIN_VALUE, null, null, t))));
      }
    }
    return out;
  }

  @Test
  void bytesAndCharactersWriteTheSameJsonForEveryEdgeValue() throws IOException {
    for (ChangeEvent e : edgeEvents()) {
      assertEquals(viaCharacters(e), viaBytes(e), "event " + e.sequence());
    }
  }

  @Test
  void numbersAsStringsKeepTheirSignAndUnsignedRange() throws IOException {
    FileRecord f = file(FileType.FILE, 0100644, -1, Integer.MIN_VALUE, -1, 0, everyDigest());
    Actor a =
        new Actor(
            Long.MIN_VALUE, null, -1L, null, 1, null, "/bin/x", "x", null, Long.MIN_VALUE, null);
    ChangeEvent e =
        new ChangeEvent(
            -1,
            1,
            Action.CREATED,
            PathBytes.ofUtf8(HOSTILE),
            null,
            f,
            null,
            List.of(),
            Origin.WATCH,
            Attribution.AUDIT,
            null,
            null,
            a);
    String json = viaBytes(e);
    assertTrue(json.contains("\"@timestamp\":\"1969-12-31T23:59:59.999999999Z\""), json);
    assertTrue(json.contains("\"inode\":\"18446744073709551615\""), json);
    assertTrue(json.contains("\"mode\":\"0644\""), json);
    assertTrue(json.contains("\"uid\":\"4294967295\",\"gid\":\"2147483648\""), json);
    assertTrue(json.contains("\"mtime\":\"1970-01-01T00:00:00Z\""), json);
    assertTrue(
        json.contains("\"user\":{\"id\":\"-1\",\"audit\":{\"id\":\"-9223372036854775808\"}}"),
        json);
    assertTrue(json.contains("\"session_id\":\"-9223372036854775808\""), json);
    for (Digest d : everyDigest()) {
      assertTrue(
          json.contains(
              "\"" + d.algorithm().label() + "\":\"" + HexFormat.of().formatHex(d.value()) + "\""),
          json);
    }
  }

  @Test
  void whatComesFromOutsideIsStillEscaped() throws IOException {
    for (ChangeEvent e : edgeEvents()) {
      String json = viaBytes(e);
      // the hostile string never appears unescaped, and the one object stays one object
      assertTrue(!json.contains("a\"b"), json);
      assertTrue(!json.contains("\n"), json);
      assertTrue(!json.contains("\u0001"), json);
      assertTrue(json.contains("/tmp/a\\\"b\\\\c\\n\\u0001\\u001F"), json);
      assertTrue(!json.contains("\",\"x\":\""), json);
      assertTrue(json.contains("\"changes\":[\"mode\",\"a\\\"b\"]"), json);
      var tree = new com.fasterxml.jackson.core.JsonFactory().createParser(json);
      int depth = 0;
      int roots = 0;
      for (var t = tree.nextToken(); t != null; t = tree.nextToken()) {
        if (t.isStructStart()) {
          if (depth++ == 0) {
            roots++;
          }
        } else if (t.isStructEnd()) {
          depth--;
        }
      }
      assertEquals(1, roots, json);
    }
  }
}
