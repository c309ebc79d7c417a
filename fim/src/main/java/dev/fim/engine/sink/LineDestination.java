package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Event lines (JSON or text) appended to a file that follows log rotation: the {@link
 * JsonLinesSink}/{@link TextSink} of a {@link LineOutput}, as a {@link Destination}.
 */
public final class LineDestination implements Destination {
  private final String name;
  private final LineOutput out;
  private final EventSink lines;

  private LineDestination(String name, LineOutput out, boolean json) {
    this.name = name;
    this.out = out;
    this.lines = json ? new JsonLinesSink(out) : new TextSink(out);
  }

  /** Lines appended to {@code file} (created 0640); an IOException names it. */
  public static LineDestination file(Path file, boolean json) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    return new LineDestination("file:" + abs, LineOutput.appendingTo(abs), json);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(ChangeEvent e) throws IOException {
    try {
      lines.emit(e);
    } catch (UncheckedIOException ex) {
      throw ex.getCause();
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      lines.flush();
    } catch (UncheckedIOException ex) {
      throw ex.getCause();
    }
  }

  @Override
  public void reopen() {
    out.reopen();
  }

  @Override
  public void close() throws IOException {
    try {
      lines.close();
    } catch (UncheckedIOException ex) {
      throw ex.getCause();
    }
  }
}
