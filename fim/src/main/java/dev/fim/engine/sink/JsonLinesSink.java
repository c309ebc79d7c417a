package dev.fim.engine.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.engine.output.EventJson;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * One event JSON object per line (DESIGN.md's event JSON), ready for a log pipeline. One generator
 * serves every line written to the same writer (a new one after the output was reopened, or after a
 * write failed part-way, so a half-written object never leaves its state behind). One thread.
 */
public final class JsonLinesSink extends LineSink {
  private Writer target;
  private JsonGenerator generator;

  public JsonLinesSink(LineOutput out) {
    super(out);
  }

  @Override
  void write(ChangeEvent e, Writer w) throws IOException {
    if (w != target || generator == null) {
      generator = EventJson.lineGenerator(w);
      target = w;
    }
    try {
      EventJson.writeLine(e, generator);
    } catch (IOException | RuntimeException ex) {
      generator = null;
      throw ex;
    }
  }
}
