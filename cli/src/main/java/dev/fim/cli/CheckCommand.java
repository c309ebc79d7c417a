package dev.fim.cli;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.RootLinks;
import dev.fim.engine.correlate.AuditLogAttributor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim check}: compare the disk with the sealed baseline. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Compare the disk with the baseline and report what was added, removed or changed.",
      "",
      "Verifies the baseline's seal first (a baseline altered outside fim is refused), re-scans and",
      "re-hashes the selected trees, and reports each changed attribute as old → new.",
      "Findings are also recorded in the database's change history. The baseline is not modified.",
      "The exit code is AIDE's bitmask: 1 added, 2 removed, 4 changed (e.g. 5 = added and changed),",
      "and fim's 8: some entries could not be checked (listed under Problems; e.g. 12 = changed and 8).",
      "",
      "With --audit-log, each change also says who made it, from auditd's log: a nightly report names",
      "the login user and the program even though fim was not watching (see --audit-log below).",
      "",
      "With --ship URL, the recorded findings are then shipped to OpenSearch/Elasticsearch as",
      "fim ship --once does. A shipping failure never changes the exit code (still the bitmask",
      "above): it is one stderr line with the reason, and the events wait for the next ship.",
      "",
      "Examples (cron):",
      "  fim check --format json --report /var/log/fim/check.json",
      "  fim check --audit-log /var/log/audit/audit.log --report /var/log/fim/check.txt",
      "  fim check --report /var/log/fim/check.txt --output syslog --output journal"
    })
final class CheckCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Only check these trees.")
  List<String> paths;

  @Mixin ReportOptions output;

  @Mixin AuditLogOption attribution;

  @Mixin ShipAfterCommand shipping;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(spec, common, paths, output, attribution, shipping, false);
  }

  /** Shared with {@code update}, which differs only in making the result the new baseline. */
  static int run(
      picocli.CommandLine.Model.CommandSpec spec,
      CommonOptions common,
      List<String> paths,
      ReportOptions output,
      AuditLogOption attribution,
      ShipAfterCommand shipping,
      boolean update)
      throws Exception {
    picocli.CommandLine cmd = spec.commandLine();
    return run(
        cmd, cmd.getOut(), cmd.getErr(), common, paths, output, attribution, shipping, update);
  }

  /**
   * As above, printing to {@code out} and {@code err}; {@code cmd} is picocli's command line, or
   * null when {@link CheckArgs} read the line (which then names neither --output nor --ship, the
   * two uses of it).
   */
  static int run(
      picocli.CommandLine cmd,
      PrintWriter out,
      PrintWriter err,
      CommonOptions common,
      List<String> paths,
      ReportOptions output,
      AuditLogOption attribution,
      ShipAfterCommand shipping,
      boolean update)
      throws Exception {
    shipping.check(cmd);
    int exit = scan(cmd, common, paths, output, attribution, update, out, err);
    shipping.ship(common, cmd, err); // the database is returned by now
    return exit;
  }

  private static int scan(
      picocli.CommandLine cmd,
      CommonOptions common,
      List<String> paths,
      ReportOptions output,
      AuditLogOption attribution,
      boolean update,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    AuditLogAttributor fromLog =
        attribution.auditLog == null
            ? null
            : new AuditLogAttributor(attribution.auditLog.toAbsolutePath(), AccountSource.system());
    try (BaselineSession s = BaselineSession.open(common, paths, false, err, fromLog);
        OutputSinks outputs =
            output.outputs == null || output.outputs.isEmpty()
                ? null
                : OutputSinks.open(
                    cmd,
                    output.outputs,
                    true,
                    null,
                    false,
                    line -> {
                      synchronized (err) {
                        err.println("fim: " + line);
                        err.flush();
                      }
                    })) {
      if (outputs != null) {
        for (dev.fim.engine.sink.EventSink sink : outputs.sinks()) {
          sink.start(dev.fim.engine.sink.StoreAccess.direct(s.store));
        }
      }
      warnAboutSymlinkRoots(s.job, err);
      BaselineJob.Result r =
          update
              ? s.run(
                  "update",
                  "nothing was reported and the baseline is as it was before",
                  s.job::update)
              : s.run("check", "nothing was reported (the baseline is unchanged)", s.job::check);
      s.endProgress();
      AuditLogAttributor.Summary attributed = fromLog == null ? null : fromLog.summary();
      if (attributed != null) {
        for (String w : attributed.warnings()) {
          err.println("fim: warning: --audit-log: " + w);
        }
      } else if (fromLog != null) {
        String problem = fromLog.problem();
        if (problem != null) {
          err.println(
              "fim: warning: --audit-log: "
                  + problem
                  + " (not needed now: no change to attribute)");
        }
      }
      err.flush();
      CheckReport rep =
          new CheckReport(
              update ? "update" : "check",
              s.store,
              r,
              s.scope,
              fromLog == null
                  ? null
                  : new CheckReport.Attribution(attribution.auditLog.toAbsolutePath(), attributed));
      if (output.report != null) {
        ReportOutput.writeAtomically(output.report, w -> rep.write(output.format, w));
        out.println(rep.summaryLine() + "; report: " + output.report);
      } else {
        rep.write(output.format, out);
      }
      out.flush();
      long unchecked = r.unchecked();
      if (unchecked > 0) {
        // On stderr too: a cron job that keeps only the exit code and stderr still learns why bit 8
        // is set.
        err.println(CheckReportLines.unchecked(unchecked));
        err.flush();
      }
      return r.exitBits();
    }
  }

  /**
   * A root that is a symlink is baselined as the link alone (as AIDE does); unless its target is
   * checked as part of another root, that is rarely what was meant, so say so on stderr, naming the
   * link and its target.
   */
  static void warnAboutSymlinkRoots(BaselineJob job, PrintWriter err) {
    for (RootLinks.Link l : RootLinks.of(job.roots())) {
      err.println("fim: warning: " + l.warning());
    }
    err.flush();
  }
}
