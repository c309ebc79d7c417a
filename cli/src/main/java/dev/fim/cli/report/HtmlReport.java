package dev.fim.cli.report;

import dev.fim.engine.output.EventText;
import dev.fim.store.Action;
import dev.fim.store.Approval;
import dev.fim.store.AttributeChange;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * The report as one self-contained HTML file: inline CSS (screen and print), an inline SVG timeline
 * (changes per bucket, unapproved in red, overflows marked, gaps in watch coverage shaded), the
 * summary tables and one table row per event, unapproved rows highlighted. No script, no external
 * resource: it opens offline and prints as it shows. Every text from the data (paths, notes,
 * executables) is HTML-escaped; paths are shown as {@code PathBytes.display()}, so a newline or a
 * non-UTF-8 byte is visible as {@code \n} or {@code \xff}. Not thread-safe.
 */
final class HtmlReport implements ReportWriter {
  private static final String CSS =
      """
      body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:24px;max-width:1400px}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #ccc}
      .meta{color:#555}.digest{font-family:ui-monospace,monospace;font-size:12px;background:#f4f4f4;padding:6px 8px;
      border:1px solid #ddd;word-break:break-all}
      .cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.card{border:1px solid #ccc;border-radius:6px;
      padding:8px 14px;min-width:120px}.card b{display:block;font-size:22px}.card.bad{border-color:#c62828;
      background:#fdecea;color:#8e0000}.card.warn{border-color:#ef6c00;background:#fff3e0}
      table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d0d0d0;padding:3px 7px;text-align:left;
      vertical-align:top}th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
      .grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
      table.changes{width:100%;font-size:13px}table.changes td.path{font-family:ui-monospace,monospace;
      word-break:break-all;width:24%}table.changes td.chg{width:30%;word-break:break-all}table.changes td.t{white-space:nowrap;font-family:ui-monospace,monospace;font-size:12px}
      tr.unapproved td{background:#fdecea}tr.unapproved td:first-child{border-left:4px solid #c62828}
      tr.overflow td{background:#fff3e0}
      .badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;font-weight:600}
      .badge.no{background:#c62828;color:#fff}.badge.ok{background:#2e7d32;color:#fff}.badge.na{background:#ef6c00;color:#fff}
      .chg{font-family:ui-monospace,monospace;font-size:12px}
      svg text{font:11px system-ui,sans-serif;fill:#444}
      p.unverified{background:#b00020;color:#fff;padding:8px;font-size:1.2em}
      @media print{body{margin:0;font-size:10px;max-width:none}table.changes{font-size:9px}thead{display:table-header-group}
      tr{break-inside:avoid}.card{padding:4px 8px}h2{break-after:avoid}
      tr.unapproved td,tr.overflow td,.badge,.card.bad{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
      """;
  private final StringBuilder row = new StringBuilder(1024);

  @Override
  public void head(Writer out, Summary s, String sha256) throws IOException {
    ReportParameters p = s.parameters;
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"fim-report\" content=\"")
        .append(esc(p.line(sha256)))
        .append("\">\n")
        .append("<title>fim compliance report ")
        .append(esc(EventTime.of(p.fromNs())))
        .append(" to ")
        .append(esc(EventTime.of(p.untilNs())))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n")
        .append(
            "</head>\n<body>\n<h1>File integrity compliance report</h1>\n<p class=\"meta\">Period <b>")
        .append(esc(EventTime.of(p.fromNs())))
        .append("</b> to <b>")
        .append(esc(EventTime.of(p.untilNs())))
        .append("</b> (")
        .append(EventTime.duration(p.untilNs() - p.fromNs()))
        .append("), generated ")
        .append(esc(EventTime.of(p.generatedNs())))
        .append(" on ")
        .append(esc(p.host()))
        .append(
            (p.agent() != null
                    ? " by " + esc(p.agentType()) + " " + esc(p.agentVersion())
                    : " by fim")
                + ". Times are UTC. Change detection for PCI DSS 11.5.2, NIST SP 800-53 SI-7, HIPAA 164.312(c).</p>\n")
        .append("<p class=\"digest\" id=\"digest\">Data SHA-256: ")
        .append(sha256)
        .append("</p>\n")
        .append("<p id=\"evidence\" class=\"")
        .append(s.chain.verified() ? "meta" : "unverified")
        .append("\"><b>Evidence chain:</b> ")
        .append(esc(s.evidence()))
        .append("</p>\n");
    if (s.fleet != null) {
      b.append("<p id=\"source\" class=\"meta\"><b>Source:</b> ")
          .append(esc(s.fleet.source()))
          .append("<br><b>Approvals:</b> ")
          .append(esc(s.fleet.approvalsLine()))
          .append("</p>\n");
      if (!s.fleet.suspects().isEmpty()) {
        b.append("<ul id=\"suspect\" class=\"unverified\">");
        for (String why : s.fleet.suspects()) {
          b.append("<li>SUSPECT ").append(esc(why)).append("</li>");
        }
        b.append("</ul>\n");
      }
    }
    b.append("<div class=\"cards\" id=\"summary\">");
    card(b, "changes", s.changes, "");
    card(b, "unapproved", s.unapproved(), s.unapproved() > 0 ? "bad" : "");
    card(b, "approved", s.approved, "");
    card(b, "overflow events", s.overflows, s.overflows > 0 ? "warn" : "");
    card(b, "audit records lost", s.auditRecordsLost, s.auditRecordsLost > 0 ? "warn" : "");
    if (s.mentionsPackages()) {
      card(b, "changes by package installs", s.packageChanges, "");
      card(
          b,
          "package changes NOT VERIFIED",
          s.packageUnverified(),
          s.packageUnverified() > 0 ? "bad" : "");
    }
    long period = p.untilNs() - p.fromNs();
    b.append("<div class=\"card")
        .append(s.coverage.coveredNs() < period ? " warn" : "")
        .append("\"><b>")
        .append(String.format(Numbers.DIGITS, "%.1f %%", 100.0 * s.coverage.coveredNs() / period))
        .append(
            s.coverageByHost != null
                ? "</b>watched live (least-covered host)</div></div>\n"
                : "</b>watched live</div></div>\n");
    if (s.mentionsPackages()) {
      b.append("<p id=\"packages\" class=\"meta\"><b>Packages:</b> ")
          .append(esc(s.packagesLine()))
          .append("</p>\n");
    }
    b.append("<h2>Timeline</h2>\n");
    TimelineSvg.write(b, s);
    b.append("<h2>Totals</h2>\n<div class=\"grid\">");
    counts(b, "By action", s.byAction());
    counts(b, "By user (login uid)", s.byUser());
    counts(b, "By path (first " + p.prefixDepth() + " components)", s.byPrefix());
    counts(b, "By origin", s.byOrigin());
    if (!s.byHost().isEmpty()) {
      counts(b, "By host", s.byHost());
    }
    b.append("</div>\n");
    coverage(b, s);
    b.append("<h2>Changes</h2>\n");
    if (s.changes + s.overflows == 0) {
      b.append("<p id=\"no-changes\">No changes recorded in the period.</p>\n");
    }
    b.append(
            "<table class=\"changes\">\n<thead><tr><th>Time (UTC)</th><th>Action</th><th>Path</th>")
        .append(
            "<th>What changed (old → new)</th><th>Who</th><th>Approval</th></tr></thead>\n<tbody>\n");
    out.append(b);
  }

  private static void card(StringBuilder b, String label, long n, String cls) {
    b.append("<div class=\"card")
        .append(cls.isEmpty() ? "" : " " + cls)
        .append("\"><b>")
        .append(n)
        .append("</b>")
        .append(label)
        .append("</div>");
  }

  private static void counts(StringBuilder b, String title, Map<String, Long> m) {
    b.append("<table><thead><tr><th>")
        .append(esc(title))
        .append("</th><th>count</th></tr></thead><tbody>");
    if (m.isEmpty()) {
      b.append("<tr><td colspan=\"2\">none</td></tr>");
    }
    m.forEach(
        (k, v) ->
            b.append("<tr><td>")
                .append(esc(k))
                .append("</td><td class=\"n\">")
                .append(v)
                .append("</td></tr>"));
    b.append("</tbody></table>\n");
  }

  /**
   * The coverage section; in a fleet report one table per host (its own report's), the loss
   * sentence once for the fleet.
   */
  private static void coverage(StringBuilder b, Summary s) {
    b.append("<h2>Monitoring coverage</h2>\n");
    if (s.coverageByHost == null) {
      coverage(b, s, s.coverage, true);
      return;
    }
    for (Map.Entry<String, Coverage> h : s.coverageByHost.entrySet()) {
      b.append("<h3 class=\"host\">Host ").append(esc(h.getKey())).append("</h3>\n");
      coverage(b, s, h.getValue(), false);
    }
    b.append("<p>").append(esc(loss(s))).append("</p>\n");
    lossByReason(b, s);
  }

  private static String loss(Summary s) {
    return s.overflows == 0
        ? "No overflow or lost audit events were recorded."
        : s.overflows
            + " overflow events (events lost and rescanned)"
            + (s.auditRecordsLost > 0 ? ", " + s.auditRecordsLost + " audit records lost" : "")
            + ".";
  }

  private static void lossByReason(StringBuilder b, Summary s) {
    if (!s.lossByReason().isEmpty()) {
      b.append("<div class=\"grid\">");
      counts(b, "Loss by reason", s.lossByReason());
      b.append("</div>\n");
    }
  }

  private static void coverage(StringBuilder b, Summary s, Coverage c, boolean withLoss) {
    b.append("<p>fim watch ran ")
        .append(EventTime.duration(c.coveredNs()))
        .append(" of the period's ")
        .append(EventTime.duration(s.parameters.untilNs() - s.parameters.fromNs()))
        .append("; ")
        .append(c.gaps().size())
        .append(" gap(s), when only scheduled checks could see changes.");
    if (withLoss) {
      b.append(' ').append(loss(s));
    }
    b.append(
            "</p>\n<table><thead><tr><th>From</th><th>To</th><th>Status</th><th>Host</th><th>Backend</th>")
        .append("<th>Attribution</th><th>Trees</th></tr></thead><tbody>");
    for (Coverage.Run r : c.runs()) {
      b.append("<tr><td>")
          .append(esc(EventTime.of(r.startNs())))
          .append("</td><td>")
          .append(esc(EventTime.of(r.endNs())))
          .append("</td><td>")
          .append(esc(r.status().label))
          .append("</td><td>")
          .append(esc(r.host()))
          .append("</td><td>")
          .append(esc(r.backend()))
          .append("</td><td>")
          .append(esc(r.attribution()))
          .append("</td><td>");
      for (PathBytes t : r.trees()) {
        b.append(esc(t.display())).append(' ');
      }
      b.append("</td></tr>");
    }
    for (Coverage.Span g : c.gaps()) {
      b.append("<tr class=\"overflow\"><td>")
          .append(esc(EventTime.of(g.startNs())))
          .append("</td><td>")
          .append(esc(EventTime.of(g.endNs())))
          .append("</td><td colspan=\"5\">not watched (")
          .append(EventTime.duration(g.endNs() - g.startNs()))
          .append(")</td></tr>");
    }
    b.append("</tbody></table>\n");
    if (withLoss) {
      lossByReason(b, s);
    }
  }

  @Override
  public void host(Writer out, String host, boolean batchStart, boolean newHost)
      throws IOException {
    if (newHost) {
      out.write("<tr class=\"host\"><th colspan=\"6\">Host " + esc(host) + "</th></tr>\n");
    }
  }

  @Override
  public void change(Writer out, ChangeEvent e, Approval a) throws IOException {
    // Straight into a batch's characters (no row copied after it is made, no String per escaped
    // field): html's rows cost ~0.5 s of CPU more than text's at a million events (issue 18).
    StringBuilder b;
    if (out instanceof CharsWriter batch) {
      b = batch.chars();
    } else {
      b = row;
      b.setLength(0);
    }
    boolean overflow = e.action() == Action.OVERFLOW;
    b.append(
        overflow ? "<tr class=\"overflow\">" : a == null ? "<tr class=\"unapproved\">" : "<tr>");
    b.append("<td class=\"t\">")
        .append(EventTime.of(e.timeNs()))
        .append("</td><td>")
        .append(e.action().label())
        .append("</td><td class=\"path\">");
    if (e.oldPath() != null) {
      escTo(b, e.oldPath().display()).append(" &rarr;<br>");
    }
    escTo(b, e.path().display()).append("</td><td class=\"chg\">");
    if (e.message() != null) {
      escTo(b, e.message()).append("<br>");
    }
    for (AttributeChange c : e.changes()) {
      escTo(b, c.attribute()).append(": ");
      escTo(b, String.valueOf(c.oldValue())).append(" &rarr; ");
      escTo(b, String.valueOf(c.newValue())).append("<br>");
    }
    if (e.pkg() != null) {
      String note = EventText.packageNote(e.pkg());
      b.append(
          e.pkg().failed()
              ? "<span class=\"badge no\">NOT VERIFIED</span> "
              : e.pkg().checked() ? "<span class=\"badge ok\">package verified</span> " : "");
      escTo(b, e.pkg().failed() ? note.substring("NOT VERIFIED ".length()) : note).append("<br>");
    }
    b.append("</td><td>");
    int who = b.length();
    EventText.appendWho(b, e);
    if (firstSpecial(b, who, b.length()) < 0) {
      b.delete(who, who + 3); // without its "by "
    } else {
      String w = b.substring(who + 3);
      b.setLength(who);
      escTo(b, w);
    }
    b.append("</td><td>");
    if (overflow) {
      b.append("<span class=\"badge na\">events lost</span>");
    } else if (a == null) {
      b.append("<span class=\"badge no\">UNAPPROVED</span>");
    } else {
      b.append("<span class=\"badge ok\">approved</span> ");
      escTo(b, EventTime.of(a.acceptedNs())).append(" by ");
      escTo(b, a.who()).append(": ");
      escTo(b, a.note());
    }
    b.append("</td></tr>\n");
    if (b == row) {
      out.append(b);
    }
  }

  @Override
  public void end(Writer out, Summary s, String sha256) throws IOException {
    out.append("</tbody>\n</table>\n<p class=\"digest\">End of report: ")
        .append(Long.toString(s.changes))
        .append(" changes (")
        .append(Long.toString(s.unapproved()))
        .append(" unapproved), ")
        .append(Long.toString(s.overflows))
        .append(" overflow events. Data SHA-256: ")
        .append(sha256)
        .append(
            ". Verify a copy on the host with: fim report --verify FILE</p>\n</body>\n</html>\n");
  }

  /** HTML-escapes text for element content and double-quoted attributes. */
  static String esc(String s) {
    int i = firstSpecial(s);
    if (i < 0) {
      return s;
    }
    return escFrom(new StringBuilder(s.length() + 16).append(s, 0, i), s, i).toString();
  }

  /** Appends {@code s} escaped as {@link #esc} does, without a String of its own. */
  static StringBuilder escTo(StringBuilder b, String s) {
    int i = firstSpecial(s);
    if (i < 0) {
      return b.append(s); // one copy of the String's bytes
    }
    return escFrom(b.append(s, 0, i), s, i);
  }

  /**
   * The index of the first character of {@code s} that HTML must escape, or -1: all five are below
   * {@code '?'}, so most characters of a path or a name are passed by one comparison.
   */
  private static int firstSpecial(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '?' && replacement(c) != null) {
        return i;
      }
    }
    return -1;
  }

  /** As {@link #firstSpecial(String)}, from {@code start} to {@code end} of {@code s}. */
  private static int firstSpecial(StringBuilder s, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < '?' && replacement(c) != null) {
        return i;
      }
    }
    return -1;
  }

  private static StringBuilder escFrom(StringBuilder b, String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = c < '?' ? replacement(c) : null;
      if (r != null) {
        b.append(r);
      } else {
        b.append(c);
      }
    }
    return b;
  }

  private static String replacement(char c) {
    return switch (c) {
      case '&' -> "&amp;";
      case '<' -> "&lt;";
      case '>' -> "&gt;";
      case '"' -> "&quot;";
      case '\'' -> "&#39;";
      default -> null;
    };
  }
}
