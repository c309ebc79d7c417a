package dev.fim.engine.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.EventText;
import dev.fim.store.Action;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonLinesSink} makes each line in one reused byte array: every line must still be exactly
 * the event's JSON ({@link EventJson#toJson}) and nothing else, and a write that failed part-way
 * must not leave half an object for the next line. {@link TextSink}'s lines, written as bytes too,
 * are {@link EventText#lineWithWho}'s text in UTF-8.
 */
class JsonLinesSinkTest {
  private static ChangeEvent withMessage(String path, String message) {
    return new ChangeEvent(
        Events.T,
        7,
        Action.OVERFLOW,
        PathBytes.ofUtf8(path),
        null,
        null,
        null,
        List.of(),
        Origin.RESCAN,
        Attribution.NONE,
        "nobody",
        message);
  }

  @Test
  void eachLineIsExactlyTheEventsJsonWithNothingBetweenThem() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<ChangeEvent> events =
        List.of(
            Events.updated("/etc/a"),
            withMessage("/etc/b \"quoted\"", "a message\nwith a newline"),
            Events.of(Action.CREATED, PathBytes.of(new byte[] {'/', 't', (byte) 0xff, 'x'}), null),
            Events.updated("/etc/a"));
    try (JsonLinesSink sink = new JsonLinesSink(LineOutput.of(bytes))) {
      for (ChangeEvent e : events) {
        sink.emit(e);
      }
      sink.flush();
    }
    StringBuilder want = new StringBuilder();
    for (ChangeEvent e : events) {
      want.append(EventJson.toJson(e)).append('\n');
    }
    assertEquals(want.toString(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLineThatFailedPartWayLeavesNothingOfItselfInTheNextLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean[] fail = {true};
    OutputStream flaky =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (fail[0]) {
              throw new IOException("disk full");
            }
            bytes.write(b, off, len);
          }
        };
    // Longer than the output's 64 KiB buffer: the line, made whole first, goes straight to the
    // failing stream.
    ChangeEvent big = withMessage("/etc/big", "x".repeat(200_000));
    ChangeEvent next = Events.updated("/etc/next");
    try (JsonLinesSink sink = new JsonLinesSink(LineOutput.of(flaky))) {
      assertThrows(UncheckedIOException.class, () -> sink.emit(big));
      fail[0] = false;
      bytes.reset();
      sink.emit(next);
      sink.flush();
      String out = bytes.toString(StandardCharsets.UTF_8);
      // What the failed write left in the output's own buffer may follow, but the next event's line
      // is whole: it starts an object of its own rather than continuing the broken one.
      assertEquals(
          EventJson.toJson(next) + "\n", out.substring(out.lastIndexOf("{\"@timestamp\"")));
    }
  }

  @Test
  void aTextLineIsTheEventsTextInUtf8() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<ChangeEvent> events =
        List.of(
            Events.updated("/etc/caf\u00e9 \u65e5\u672c"),
            Events.of(Action.CREATED, PathBytes.of(new byte[] {'/', 't', (byte) 0xff, 'x'}), null),
            withMessage("/etc/b", "a message\nwith a newline"));
    try (TextSink sink = new TextSink(LineOutput.of(bytes))) {
      for (ChangeEvent e : events) {
        sink.emit(e);
      }
      sink.flush();
    }
    StringBuilder want = new StringBuilder();
    for (ChangeEvent e : events) {
      want.append(EventText.lineWithWho(e)).append('\n');
    }
    assertEquals(want.toString(), bytes.toString(StandardCharsets.UTF_8));
  }
}
