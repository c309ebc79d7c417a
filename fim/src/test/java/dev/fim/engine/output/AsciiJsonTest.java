package dev.fim.engine.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.store.Digest;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Timestamps;
import dev.fim.store.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link AsciiJson}'s values are what {@code writeString} of the plain String writes, both through
 * a generator over bytes (a report) and through one over characters (the watch's event lines), on
 * the edges: negative, {@link Long#MIN_VALUE}, unsigned beyond {@code Long.MAX_VALUE}, instants
 * before 1970 and from the year 10000 (the String fallback), every mode bit, every hash length.
 */
class AsciiJsonTest {
  private static final JsonFactory FACTORY = new JsonFactory();

  interface Values3 {
    void fast(JsonGenerator g) throws IOException;

    void plain(JsonGenerator g) throws IOException;
  }

  private static List<Values3> cases() {
    List<Values3> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(14);
    List<Long> longs =
        new ArrayList<>(
            List.of(0L, 1L, -1L, 9L, 10L, 99L, 100L, Long.MAX_VALUE, Long.MIN_VALUE, -10L));
    for (int i = 0; i < 200; i++) {
      longs.add(r.nextLong());
      longs.add((long) r.nextInt());
    }
    for (long v : longs) {
      out.add(
          new Values3() {
            public void fast(JsonGenerator g) throws IOException {
              AsciiJson.decimal(g, v);
              AsciiJson.unsignedDecimal(g, v);
              AsciiJson.timestamp(g, v);
            }

            public void plain(JsonGenerator g) throws IOException {
              g.writeString(Long.toString(v));
              g.writeString(Long.toUnsignedString(v));
              g.writeString(Timestamps.format(v));
            }
          });
    }
    for (int mode : new int[] {0, 0644, 0755, 04755, 07777, 0170777, -1}) {
      out.add(
          new Values3() {
            public void fast(JsonGenerator g) throws IOException {
              AsciiJson.mode(g, mode);
            }

            public void plain(JsonGenerator g) throws IOException {
              g.writeString(Values.mode(mode));
            }
          });
    }
    for (HashAlgorithm a : HashAlgorithm.values()) {
      byte[] v = new byte[a.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (byte) r.nextInt();
      }
      Digest d = new Digest(a, v);
      out.add(
          new Values3() {
            public void fast(JsonGenerator g) throws IOException {
              AsciiJson.hex(g, d);
            }

            public void plain(JsonGenerator g) throws IOException {
              g.writeString(d.hex());
            }
          });
    }
    return out;
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String overBytes(Body body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(b)) {
      g.writeStartArray();
      body.write(g);
      g.writeEndArray();
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static String overChars(Body body) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartArray();
      body.write(g);
      g.writeEndArray();
    }
    return w.toString();
  }

  @Test
  void everyValueIsWhatThePlainStringWritesOverBytesAndOverCharacters() throws IOException {
    for (Values3 c : cases()) {
      String expected = overBytes(c::plain);
      assertEquals(expected, overChars(c::plain));
      assertEquals(expected, overBytes(c::fast));
      assertEquals(expected, overChars(c::fast));
    }
  }
}
