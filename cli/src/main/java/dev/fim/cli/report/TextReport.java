package dev.fim.cli.report;

import dev.fim.engine.output.EventText;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report for a terminal: the summary, then one line per event ({@link EventText}'s form with
 * who made it), marked {@code UNAPPROVED}, {@code approved} or {@code overflow}, and for approved
 * ones a second line with who accepted it, when and the note. Times are UTC. Not thread-safe.
 */
final class TextReport implements ReportWriter {
  private Writer out;

  @Override
  public void head(Writer out, Summary s, String sha256) throws IOException {
    this.out = out;
    ReportParameters p = s.parameters;
    line("fim compliance report");
    line(p.line(sha256));
    line("");
    if (!s.chain.verified()) {
      line(
          "WARNING: THE EVIDENCE DOES NOT VERIFY (events, approvals or coverage were altered outside fim).");
    }
    line(
        "Period:      "
            + EventTime.of(p.fromNs())
            + " to "
            + EventTime.of(p.untilNs())
            + " ("
            + EventTime.duration(p.untilNs() - p.fromNs())
            + ")");
    line(
        "Generated:   "
            + EventTime.of(p.generatedNs())
            + " on "
            + p.host()
            + (p.agent() != null ? " by " + p.agentType() + " " + p.agentVersion() : ""));
    line("Data SHA-256: " + sha256);
    line("Evidence:    " + s.evidence());
    if (s.fleet != null) {
      line("Source:      " + s.fleet.source());
      for (String why : s.fleet.suspects()) {
        line("  SUSPECT " + FleetFacts.oneLine(why));
      }
      line("Approvals:   " + s.fleet.approvalsLine());
    }
    line(
        "Hosts:       "
            + (s.coverage.hosts().isEmpty()
                ? "(no fim watch ran in the period)"
                : FleetFacts.oneLine(String.join(", ", s.coverage.hosts()))));
    line(
        "Trees:       "
            + (s.coverage.trees().isEmpty()
                ? "(none watched)"
                : s.coverage.trees().stream()
                    .map(PathBytes::display)
                    .collect(Collectors.joining(", "))));
    coverage(s);
    line(
        "Loss:        "
            + (s.overflows == 0
                ? "no overflow or lost audit events recorded"
                : s.overflows
                    + " overflow events ("
                    + join(s.lossByReason())
                    + ")"
                    + (s.auditRecordsLost > 0
                        ? "; " + s.auditRecordsLost + " audit records lost"
                        : "")));
    line(
        "Changes:     "
            + s.changes
            + " ("
            + s.approved
            + " approved, "
            + s.unapproved()
            + " UNAPPROVED)");
    if (s.mentionsPackages()) {
      line("Packages:    " + s.packagesLine());
    }
    if (s.changes > 0 || s.overflows > 0) {
      line("  by action: " + join(s.byAction()));
    }
    if (s.changes > 0) {
      line("  by user:   " + join(s.byUser()));
      line("  by path:   " + join(s.byPrefix()) + "  (first " + p.prefixDepth() + " components)");
      if (!s.byHost().isEmpty()) {
        line("  by host:   " + join(s.byHost()));
      }
      line("  by origin: " + join(s.byOrigin()));
    }
    line("");
    line(
        s.changes + s.overflows == 0
            ? "No changes recorded in the period."
            : "Events, oldest first (UNAPPROVED changes need review):");
  }

  /**
   * The coverage lines; in a fleet report those of each host, each as that host's own report writes
   * them, its first line naming the host ({@code Coverage: web1 (id): fim watch ran …}).
   */
  private void coverage(Summary s) throws IOException {
    if (s.coverageByHost == null) {
      coverage(s, s.coverage, "");
      return;
    }
    if (s.coverageByHost.isEmpty()) {
      line("Coverage:    no host sent events or coverage for the period");
    }
    for (Map.Entry<String, Coverage> h : s.coverageByHost.entrySet()) {
      coverage(s, h.getValue(), FleetFacts.oneLine(h.getKey()) + ": ");
    }
  }

  private void coverage(Summary s, Coverage c, String host) throws IOException {
    long period = s.parameters.untilNs() - s.parameters.fromNs();
    line(
        String.format(
            Numbers.DIGITS,
            "Coverage:    %sfim watch ran %s of %s (%.1f %%), %d gap%s",
            host,
            EventTime.duration(c.coveredNs()),
            EventTime.duration(period),
            100.0 * c.coveredNs() / period,
            c.gaps().size(),
            c.gaps().size() == 1 ? "" : "s"));
    for (Coverage.Run r : c.runs()) {
      line(
          "  watch "
              + EventTime.of(r.startNs())
              + " to "
              + EventTime.of(r.endNs())
              + "  "
              + r.status().label
              + ", "
              + FleetFacts.oneLine(r.host()) // a fleet's from a cluster: one line whatever it says
              + ", "
              + FleetFacts.oneLine(r.backend())
              + ", attribution "
              + r.attribution()
              + ": "
              + r.trees().stream().map(PathBytes::display).collect(Collectors.joining(" ")));
    }
    for (Coverage.Span g : c.gaps()) {
      line(
          "  gap   "
              + EventTime.of(g.startNs())
              + " to "
              + EventTime.of(g.endNs())
              + "  ("
              + EventTime.duration(g.endNs() - g.startNs())
              + " not watched; only checks saw changes then)");
    }
  }

  @Override
  public void change(Writer out, ChangeEvent e, Approval a) throws IOException {
    String state = ReportJson.state(e, a);
    out.write(
        switch (state) {
          case "UNAPPROVED" -> "UNAPPROVED ";
          case "approved" -> "approved   ";
          default -> "overflow   ";
        });
    if (out instanceof CharsWriter batch) {
      EventText.appendLineWithWho(batch.chars(), e); // no String per line
    } else {
      out.write(EventText.lineWithWho(e));
    }
    out.write('\n');
    if (a != null) {
      out.write(
          "           accepted "
              + EventTime.of(a.acceptedNs())
              + " by "
              + a.who()
              + ": "
              + oneLine(a.note())
              + "\n");
    }
  }

  @Override
  public void host(Writer out, String host, boolean batchStart, boolean newHost)
      throws IOException {
    if (newHost) {
      out.write("Host " + FleetFacts.oneLine(host) + ":\n");
    }
  }

  @Override
  public void end(Writer out, Summary s, String sha256) throws IOException {
    this.out = out;
    line("");
    line(
        "End of report: "
            + s.changes
            + " changes ("
            + s.unapproved()
            + " UNAPPROVED), "
            + s.overflows
            + " overflow events. Data SHA-256: "
            + sha256);
    line(
        s.fleet != null
            ? "Verify a copy against the cluster: fim report --verify FILE --source URL"
            : "Verify a copy on the host: fim report --verify FILE");
  }

  private void line(String s) throws IOException {
    out.write(s);
    out.write('\n');
  }

  /** A note may hold newlines: shown as {@code \n} so each approval stays one line. */
  static String oneLine(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String join(Map<String, Long> m) {
    return m.entrySet().stream()
        .map(x -> x.getKey() + " " + x.getValue())
        .collect(Collectors.joining(", "));
  }
}
