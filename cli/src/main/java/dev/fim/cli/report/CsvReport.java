package dev.fim.cli.report;

import dev.fim.store.Actor;
import dev.fim.store.Approval;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * One RFC 4180 row per event (CRLF line ends, every field quoted when it holds a comma, quote, CR
 * or LF; quotes doubled), after a header row. Paths are shown as {@code PathBytes.display()} with
 * the exact bytes in {@code path_hex} when they are not UTF-8. No summary rows: a table stays a
 * table (the summary is in the other formats; the command prints the data digest). A cell a
 * spreadsheet would run as a formula is defused ({@link #formulaLike}). Not thread-safe.
 */
final class CsvReport implements ReportWriter {
  static final String[] HEADER = {
    "time",
    "sequence",
    "action",
    "path",
    "path_hex",
    "old_path",
    "changes",
    "auid",
    "auid_name",
    "uid",
    "uid_name",
    "pid",
    "executable",
    "attribution",
    "attribution_reason",
    "writers",
    "origin",
    "message",
    "approval",
    "accepted_at",
    "accepted_by",
    "note",
    "evidence_chain"
  };

  /** Every row says whether the evidence verified: a table has no other place for it. */
  private final String evidence;

  private Writer out;

  /**
   * Where the row is made: the batch's own characters when the rows go to a {@link CharsWriter} (no
   * copy of each row), else {@link #own}, appended to the writer at the row's end.
   */
  private StringBuilder row;

  private final StringBuilder own = new StringBuilder(512);
  private boolean rowStarted;

  CsvReport(boolean evidenceVerified) {
    this.evidence = evidenceVerified ? "verified" : "NOT VERIFIED";
  }

  /** The host of the rows that follow (a fleet report's first column), null in a local report. */
  private String host;

  @Override
  public void host(Writer body, String host, boolean batchStart, boolean newHost) {
    this.host = host;
  }

  @Override
  public void head(Writer out, Summary s, String sha256) throws IOException {
    target(out);
    if (s.fleet != null) {
      field("host");
    }
    for (String h : HEADER) {
      field(h);
    }
    endRow();
  }

  @Override
  public void change(Writer out, ChangeEvent e, Approval a) throws IOException {
    target(out);
    Actor x = e.actor();
    if (host != null) {
      field(host);
    }
    field(dev.fim.store.Timestamps.format(e.timeNs()));
    number(e.sequence());
    field(e.action().label());
    field(e.path().display());
    field(e.path().isUtf8() ? "" : e.path().hex());
    field(e.oldPath() == null ? "" : e.oldPath().display());
    StringBuilder changes = new StringBuilder();
    for (AttributeChange c : e.changes()) {
      changes
          .append(changes.length() == 0 ? "" : "; ")
          .append(c.attribute())
          .append(": ")
          .append(c.oldValue())
          .append(" -> ")
          .append(c.newValue());
    }
    field(changes.toString());
    number(x == null ? null : x.auid());
    field(x == null || x.auidName() == null ? "" : x.auidName());
    number(x == null ? null : x.uid());
    field(x == null || x.uidName() == null ? "" : x.uidName());
    number(x == null ? null : x.pid());
    field(ReportJson.actorExe(x));
    field((e.attribution() == null ? Attribution.NONE : e.attribution()).label());
    field(e.attributionReason() == null ? "" : e.attributionReason());
    field(writers(e));
    field(e.origin() == null ? "" : e.origin().label());
    field(e.message() == null ? "" : e.message());
    field(state(e, a));
    field(a == null ? "" : EventTime.of(a.acceptedNs()));
    field(a == null ? "" : a.who());
    field(a == null ? "" : a.note());
    field(host != null ? "unsealed" : evidence); // a cluster's documents have no seal
    endRow();
  }

  @Override
  public void end(Writer out, Summary s, String sha256) {
    // no trailer: see the class comment
  }

  /**
   * {@code fim.writers} in one cell, oldest first: {@code cp[4711] /usr/bin/cp openat@TIME;
   * chmod[4712] …}; empty when at most one process wrote (the actor's columns say who).
   */
  static String writers(ChangeEvent e) {
    StringBuilder sb = new StringBuilder();
    for (dev.fim.store.Writer w : e.writers()) {
      sb.append(sb.length() == 0 ? "" : "; ")
          .append(w.name() == null ? "?" : w.name())
          .append('[')
          .append(w.pid() == null ? "?" : w.pid().toString())
          .append("] ")
          .append(w.executable() == null ? "?" : w.executable())
          .append(" auid ")
          .append(w.auid() == null ? "?" : w.auid().toString())
          .append(" uid ")
          .append(w.uid() == null ? "?" : w.uid().toString())
          .append(' ')
          .append(w.syscall() == null ? "?" : w.syscall())
          .append(" at ")
          .append(dev.fim.store.Timestamps.format(w.timeNs()));
    }
    return sb.toString();
  }

  /** {@link ReportJson#state} in lower case, without a new String per row. */
  static String state(ChangeEvent e, Approval a) {
    return e.action() == dev.fim.store.Action.OVERFLOW
        ? "n/a"
        : a == null ? "unapproved" : "approved";
  }

  private void target(Writer out) {
    this.out = out;
    this.row = out instanceof CharsWriter batch ? batch.chars() : own;
  }

  /**
   * An integer's cell, empty for null: written as {@link #field} would write its decimal form,
   * which holds only digits and at most a leading minus (never quoted: no comma, quote or line end,
   * and a plain integer is not {@link #formulaLike}), without a String per number.
   */
  private void number(Long v) {
    separate();
    if (v != null) {
      row.append(v.longValue());
    }
  }

  private void number(Integer v) {
    separate();
    if (v != null) {
      row.append(v.intValue());
    }
  }

  private void number(long v) {
    separate();
    row.append(v);
  }

  private void separate() {
    if (rowStarted) {
      row.append(',');
    }
    rowStarted = true;
  }

  private void field(String v) {
    separate();
    boolean formula = formulaLike(v);
    boolean quote = formula;
    for (int i = 0; i < v.length() && !quote; i++) {
      char c = v.charAt(i);
      // one comparison for most characters: all four are at most ','
      quote = c <= ',' && (c == ',' || c == '"' || c == '\n' || c == '\r');
    }
    if (!quote) {
      row.append(v);
      return;
    }
    row.append('"');
    if (formula) {
      row.append('\'');
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      row.append(c);
      if (c == '"') {
        row.append('"');
      }
    }
    row.append('"');
  }

  /**
   * Whether a spreadsheet opening the CSV could take {@code v} for a formula (CSV injection): a
   * note {@code =HYPERLINK("http://…")} from {@code fim accept}, or a file, user or program name
   * chosen by whoever made the change, would run as one in the auditor's Excel or LibreOffice.
   * OWASP's rule: a cell that starts with {@code =}, {@code +}, {@code -}, {@code @}, tab or CR;
   * also LF, the same characters after leading spaces (some importers trim them), and their
   * full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), which some spreadsheets fold into the ASCII
   * ones. Such a cell is written quoted, with a single quote before its text (the spreadsheet shows
   * it as text; a reader of the CSV strips that quote). A plain integer such as {@code -1} is a
   * number, not a formula: left as is.
   */
  static boolean formulaLike(String v) {
    if (v.isEmpty()) {
      return false;
    }
    char first = v.charAt(0);
    if (first == '\t' || first == '\r' || first == '\n') {
      return true;
    }
    int i = 0;
    while (i < v.length()
        && (v.charAt(i) == ' ' || v.charAt(i) == '\u00a0' || v.charAt(i) == '\u3000')) {
      i++;
    }
    if (i == v.length()) {
      return false;
    }
    switch (v.charAt(i)) {
      case '=', '+', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20', '\t', '\r', '\n':
        return true;
      case '-':
        return i > 0 || !isInteger(v);
      default:
        return false;
    }
  }

  private static boolean isInteger(String v) {
    if (v.length() < 2) {
      return false; // "-" alone
    }
    for (int i = 1; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private void endRow() throws IOException {
    row.append("\r\n");
    if (row == own) {
      out.append(own);
      own.setLength(0);
    }
    rowStarted = false;
  }
}
