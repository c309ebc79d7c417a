package dev.fim.engine.sink;

import dev.fim.engine.output.EventJson;
import dev.fim.store.ChangeEvent;
import java.io.Writer;

/** One event JSON object per line (DESIGN.md's event JSON), ready for a log pipeline. */
public final class JsonLinesSink extends LineSink {
  public JsonLinesSink(LineOutput out) {
    super(out);
  }

  @Override
  void write(ChangeEvent e, Writer w) {
    EventJson.write(e, w);
  }
}
