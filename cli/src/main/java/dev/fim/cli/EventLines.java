package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.EventText;
import dev.fim.store.ChangeEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Recorded events as a command's output lines ({@code history}, {@code who}): with {@code json},
 * the event JSON that {@code fim watch} prints ({@link EventJson}); with {@code text}, {@link
 * EventText#lineWithWho}. Buffered until {@link #flush()}. One thread.
 */
final class EventLines {
  private final Writer out;
  private final ReportFormat format;
  private long written;

  EventLines(PrintWriter out, ReportFormat format) {
    this.out = new BufferedWriter(out, 1 << 16);
    this.format = format;
  }

  void write(ChangeEvent e) {
    try {
      if (format == ReportFormat.JSON) {
        EventJson.write(e, out);
      } else {
        out.write(EventText.lineWithWho(e));
      }
      out.write('\n');
      written++;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Events written so far. */
  long written() {
    return written;
  }

  void flush() {
    try {
      out.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
