package dev.fim.cli.report;

import java.util.Locale;

/**
 * The one output format of fim's commands. {@code fim report} takes all four; the commands that
 * print lines or one document ({@code check}, {@code update}, {@code history}, {@code who}, {@code
 * watch}, {@code audit status}, {@code audit search}) take {@link #TEXT} and {@link #JSON} (their
 * {@code --format} converter is {@code dev.fim.cli.TextOrJson}). The lower-case {@link #label()} is
 * what a user types and sees.
 */
public enum ReportFormat {
  /** For a terminal: summary, then one line per change (and one per approval). */
  TEXT,
  /**
   * One JSON document: parameters, summary, changes[] (each the event JSON and its approval),
   * digest.
   */
  JSON,
  /**
   * One RFC 4180 row per change, with a header row; no summary (the digest is printed by the
   * command).
   */
  CSV,
  /**
   * One self-contained HTML file: inline CSS and SVG timeline, no script, no external fetch,
   * printable.
   */
  HTML;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ReportFormat ofLabel(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
