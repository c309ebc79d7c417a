package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A sink that writes one line per event to a {@link LineOutput}; subclasses say how an event reads.
 */
abstract class LineSink implements EventSink {
  private final LineOutput out;

  LineSink(LineOutput out) {
    this.out = out;
  }

  /** Writes {@code e} as UTF-8, without the newline. */
  abstract void write(ChangeEvent e, OutputStream w) throws IOException;

  @Override
  public final void emit(ChangeEvent e) {
    OutputStream w = out.out();
    try {
      write(e, w);
      w.write('\n');
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  @Override
  public final void flush() {
    out.flush();
  }

  @Override
  public final void close() {
    out.close();
  }
}
