package dev.fim.engine.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fim.store.Action;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBytes} (a JSON report's rows) writes what Jackson's generator writes, byte for byte:
 * every event of {@link EventJsonBytesTest}'s edges, every character as a value and as a name, and
 * the commas between members, elements and nested objects.
 */
class JsonBytesTest {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** What the sink wrote, as a String (UTF-8). */
  private static String text(JsonBytes b) {
    return new String(b.array(), 0, b.length(), StandardCharsets.UTF_8);
  }

  /** Jackson's bytes for what {@code write} writes through a generator sink. */
  private static String jackson(Writing write) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write.to(new GeneratorSink(g));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String bytes(Writing write) throws IOException {
    JsonBytes b = new JsonBytes(1); // grown as it goes
    write.to(b);
    return text(b);
  }

  @FunctionalInterface
  private interface Writing {
    void to(JsonSink s) throws IOException;
  }

  @Test
  void everyEdgeEventIsWhatJacksonWrites() throws IOException {
    for (ChangeEvent e : EventJsonBytesTest.edgeEvents()) {
      String expected = EventJsonBytesTest.viaCharacters(e);
      assertEquals(expected, bytes(s -> EventJson.write(e, s)), "event " + e.sequence());
      assertEquals(expected, jackson(s -> EventJson.write(e, s)), "event " + e.sequence());
    }
  }

  @Test
  void aWatchLineOfEveryEdgeEventIsTheGeneratorsLineWithTheAgent() throws IOException {
    // one array reused for every line, as the watch's sink does; the same UTF-8 bytes as history's,
    // syslog's and shipping's JSON of the event (EventJson.toJson), characters beyond the Basic
    // Multilingual Plane included (an emoji in a file name or a command: four bytes, not escapes)
    JsonBytes line = JsonBytes.forLines(16);
    for (String hostile :
        List.of(
            EventJsonBytesTest.HOSTILE,
            EventJsonBytesTest.HOSTILE + "/\uD83D\uDE00 \uD834\uDD1E",
            "\uD83D\uDE00")) {
      for (ChangeEvent e : EventJsonBytesTest.edgeEvents(hostile)) {
        line.reset();
        EventJson.writeLine(e, line);
        assertArrayEquals(
            EventJson.toJson(e).getBytes(StandardCharsets.UTF_8),
            Arrays.copyOf(line.array(), line.length()),
            "event " + e.sequence() + " of " + hostile);
      }
    }
  }

  @Test
  void aReportsRowsKeepTheEscapesOfCharactersBeyondTheBasicPlane() throws IOException {
    // report --verify remakes the bytes of reports already written: their escapes must stay
    JsonBytes rows = new JsonBytes(16);
    rows.string("\uD83D\uDE00");
    assertEquals("\"\\uD83D\\uDE00\"", text(rows));
    JsonBytes line = JsonBytes.forLines(16);
    line.string("\uD83D\uDE00");
    assertEquals("\"\uD83D\uDE00\"", text(line));
  }

  @Test
  void aHugeLineIsNotHeldAfterTheNext() throws IOException {
    JsonBytes line = JsonBytes.forLines(16);
    line.string("x".repeat(200_000));
    assertTrue(line.array().length > 200_000);
    line.reset();
    assertTrue(line.array().length < 1 << 16, "kept " + line.array().length);
    line.string("\"ok\"");
    assertEquals("\"\\\"ok\\\"\"", text(line));
    // a long string that needs escaping goes through the escaper's own stream: let go as well
    line.reset();
    line.string("\"".repeat(200_000));
    assertEquals(400_002, line.length());
    line.reset();
    assertTrue(line.escaperCapacity() < 1 << 16, "escaper kept " + line.escaperCapacity());
    line.string("a\"b");
    assertEquals("\"a\\\"b\"", text(line));
  }

  @Test
  void manyEventsInOneArrayAreWhatJacksonWrites() throws IOException {
    List<ChangeEvent> events = EventJsonBytesTest.edgeEvents();
    Writing all =
        s -> {
          s.startArray();
          for (ChangeEvent e : events) {
            EventJson.write(e, s);
            s.startObject();
            EventJson.writeUser(1L, "a\"b", null, null, s);
            s.endObject();
          }
          s.endArray();
        };
    assertEquals(jackson(all), bytes(all));
  }

  /** Every UTF-16 unit alone (lone surrogates too), and each between printable ASCII. */
  @Test
  void everyCharacterIsEscapedAndEncodedAsJacksonDoes() throws IOException {
    for (int c = 0; c <= 0xffff; c++) {
      String alone = String.valueOf((char) c);
      String inside = "/etc/a" + (char) c + "b";
      Writing w =
          s -> {
            s.startObject();
            s.name(alone);
            s.string(alone);
            s.name(inside);
            s.string(inside);
            s.endObject();
          };
      String expected;
      try {
        expected = jackson(w);
      } catch (IOException | RuntimeException refused) {
        continue; // nothing Jackson writes, nothing to compare (a lone surrogate, if it refuses
        // one)
      }
      assertEquals(expected, bytes(w), "U+" + Integer.toHexString(c));
    }
  }

  @Test
  void stringsBeyondTheBasicPlaneAndLongOnesAreWhatJacksonWrites() throws IOException {
    List<String> values = new ArrayList<>();
    values.add("");
    values.add("\uD83D\uDE00 smile");
    values.add("x\uD800\uDC00y\uDBFF\uDFFF");
    values.add("é".repeat(5000));
    values.add("/usr/lib/" + "a".repeat(70_000) + "\"");
    values.add("a".repeat(70_000));
    values.add(EventJsonBytesTest.HOSTILE);
    for (String v : values) {
      Writing w =
          s -> {
            s.startArray();
            s.string(v);
            s.string(null);
            s.startObject();
            s.name(v);
            s.string(v);
            s.endObject();
            s.endArray();
          };
      assertEquals(jackson(w), bytes(w), v.length() + " characters");
    }
  }

  @Test
  void numbersLabelsAndLiteralsAreWhatJacksonWrites() throws IOException {
    long[] numbers = {
      0, 1, -1, 9, 10, 99, 100, 4294967295L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1
    };
    Writing w =
        s -> {
          s.startObject();
          for (long n : numbers) {
            s.name(new SerializedString("n"));
            s.number(n);
            s.name(new SerializedString("d"));
            s.decimal(n);
            s.name(new SerializedString("u"));
            s.unsignedDecimal(n);
            s.name(new SerializedString("t"));
            s.timestamp(n);
            s.name(new SerializedString("m"));
            s.mode((int) n);
          }
          s.name(new SerializedString("a\"b"));
          s.label(new SerializedString("c\\d\n"));
          s.name(new SerializedString("list"));
          s.startArray();
          s.bool(true);
          s.bool(false);
          s.nullValue();
          s.startArray();
          s.endArray();
          s.startObject();
          s.endObject();
          s.label(new SerializedString("x"));
          for (HashAlgorithm a : HashAlgorithm.values()) {
            byte[] v = new byte[a.length()];
            for (int i = 0; i < v.length; i++) {
              v[i] = (byte) (i * 37 + 0x80);
            }
            s.hex(new Digest(a, v));
          }
          s.endArray();
          s.name(new SerializedString("agent"));
          s.rawValue(BuildInfo.AGENT_JSON);
          s.endObject();
        };
    assertEquals(jackson(w), bytes(w));
  }

  /** Rows after their separators: each starts without a comma, whatever came before. */
  @Test
  void aRawSeparatorStartsTheNextValueWithoutAComma() throws IOException {
    JsonBytes b = new JsonBytes(4);
    FileRecord f =
        new FileRecord(
            FileType.FILE, 0644, 0, 0, 1, 8, 5, 6, 2049, 9, 1, null, List.of(), List.of(), 0, null);
    ChangeEvent e =
        new ChangeEvent(
            1_764_000_000_123_456_789L,
            1,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/x"),
            null,
            f,
            f,
            List.of(new AttributeChange("mode", "0600", "0644")),
            Origin.CHECK,
            Attribution.NONE,
            "r");
    String one = EventJsonBytesTest.viaCharacters(e);
    b.raw("\n");
    EventJson.write(e, b);
    b.raw(",\n");
    EventJson.write(e, b);
    assertEquals("\n" + one + ",\n" + one, text(b));
    assertTrue(b.array().length >= b.length());
  }
}
