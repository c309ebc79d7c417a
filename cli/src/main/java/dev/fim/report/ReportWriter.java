package dev.fim.report;

import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * One form of the report. The changes are written first (to the report's body, as they stream), the head (summary,
 * digest) and the end once all are seen; {@link ComplianceReport} puts head, body and end in that order.
 */
interface ReportWriter {
  void head(Writer out, Summary s, String sha256) throws IOException;

  /** One event of the period, oldest first; {@code a} is its approval as of the report's time, or null. */
  void change(Writer body, ChangeEvent e, Approval a) throws IOException;

  void end(Writer out, Summary s, String sha256) throws IOException;
}
