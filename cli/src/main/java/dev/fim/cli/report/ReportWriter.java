package dev.fim.cli.report;

import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * One form of the report. The changes are written first (to the report's body, as they stream), the
 * head (summary, digest) and the end once all are seen; {@link ComplianceReport} puts head, body
 * and end in that order.
 */
interface ReportWriter {
  /**
   * The head: summary and digest, unless {@link #headFirst} (then both are null: it is written
   * before the rows, and {@link #end} carries them).
   */
  void head(Writer out, Summary s, String sha256) throws IOException;

  /**
   * True when the head needs neither summary nor digest, so the rows can follow it without a spill
   * file.
   */
  default boolean headFirst() {
    return false;
  }

  /**
   * One event of the period, oldest first; {@code a} is its approval as of the report's time, or
   * null.
   */
  void change(Writer body, ChangeEvent e, Approval a) throws IOException;

  /**
   * A fleet report's rows are in sections per host: called before a row with its host ({@code name
   * (id)}), when a batch of rows starts and when the host changes ({@code newHost}). Never called
   * for a local report.
   */
  default void host(Writer body, String host, boolean batchStart, boolean newHost)
      throws IOException {}

  void end(Writer out, Summary s, String sha256) throws IOException;
}
