package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Event lines (JSON or text) to a file that follows log rotation, or to standard output: the {@link
 * JsonLinesSink}/{@link TextSink} of a {@link LineOutput}, as a {@link Destination}.
 */
public final class LineDestination implements Destination {
  private final String name;
  private final boolean resumable;
  private final LineOutput out;
  private final EventSink lines;

  private LineDestination(String name, boolean resumable, LineOutput out, boolean json) {
    this.name = name;
    this.resumable = resumable;
    this.out = out;
    this.lines = json ? new JsonLinesSink(out) : new TextSink(out);
  }

  /** Lines appended to {@code file} (created 0640); an IOException names it. */
  public static LineDestination file(Path file, boolean json) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    return new LineDestination("file:" + abs, true, LineOutput.appendingTo(abs), json);
  }

  /** Lines to {@code stdout}, which is not closed here. */
  public static LineDestination stdout(java.io.OutputStream stdout, boolean json) {
    return new LineDestination("stdout", false, LineOutput.of(stdout), json);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean resumable() {
    return resumable;
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
