package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import dev.fim.store.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** One event JSON object per line (DESIGN.md's event JSON), ready for a log pipeline. */
public final class JsonLinesSink implements EventSink {
  private final LineOutput out;

  public JsonLinesSink(LineOutput out) {
    this.out = out;
  }

  @Override
  public void emit(ChangeEvent event) {
    Writer w = out.writer();
    EventJson.write(event, w);
    try {
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    out.close();
  }
}
