package dev.fim.report;

import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.IOException;

/** One form of the report: told the summary first, then each change as it streams, then the end. */
interface ReportWriter {
  void begin(Summary s, String sha256) throws IOException;

  /** One event of the period, oldest first; {@code a} is its approval as of the report's time, or null. */
  void change(ChangeEvent e, Approval a) throws IOException;

  void end(Summary s, String sha256) throws IOException;
}
