package dev.fim.engine.sink;

import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.JsonBytes;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One event JSON object per line (DESIGN.md's event JSON), ready for a log pipeline. Each line is
 * made whole as UTF-8 bytes ({@link JsonBytes}: the bytes Jackson's generator writes, without its
 * per-call bookkeeping and the character encoder behind it, ~15 µs of a paced change in the watch,
 * issue 18) and then handed to the output, so a write that fails leaves no half object for the next
 * line to continue. One thread.
 */
public final class JsonLinesSink extends LineSink {
  private final JsonBytes line = JsonBytes.forLines(1024);

  public JsonLinesSink(LineOutput out) {
    super(out);
  }

  @Override
  void write(ChangeEvent e, OutputStream w) throws IOException {
    line.reset();
    EventJson.writeLine(e, line);
    w.write(line.array(), 0, line.length());
  }
}
