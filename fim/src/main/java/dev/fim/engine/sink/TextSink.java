package dev.fim.engine.sink;

import dev.fim.store.AttributeChange;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One line per event for people at a terminal:
 * {@code 2026-11-25T10:00:00.123456Z updated /etc/hosts  content: 1f…→9a…, inode: 1201 → 1234}. Paths are shown as
 * {@link dev.fim.store.PathBytes#display()} (non-UTF-8 bytes escaped); the JSON form keeps the exact bytes.
 */
public final class TextSink implements EventSink {
  private final LineOutput out;

  public TextSink(LineOutput out) {
    this.out = out;
  }

  @Override
  public void emit(ChangeEvent e) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(EventJson.timestamp(e.timeNs())).append(' ').append(e.action().label()).append(' ');
    if (e.oldPath() != null) {
      sb.append(e.oldPath().display()).append(" -> ");
    }
    sb.append(e.path().display());
    if (e.message() != null) {
      sb.append("  ").append(e.message());
    }
    String sep = "  ";
    for (AttributeChange c : e.changes()) {
      sb.append(sep).append(c.attribute()).append(": ").append(c.oldValue()).append(" -> ").append(c.newValue());
      sep = ", ";
    }
    sb.append('\n');
    try {
      out.writer().write(sb.toString());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
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
