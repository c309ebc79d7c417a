package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim check}: compare the disk with the sealed baseline. */
@Command(name = "check", mixinStandardHelpOptions = true, usageHelpWidth = 100,
    description = {
        "Compare the disk with the baseline and report what was added, removed or changed.",
        "",
        "Verifies the baseline's seal first (a baseline altered outside fim is refused), re-scans and",
        "re-hashes the selected trees, and reports each changed attribute as old → new.",
        "Findings are also recorded in the database's change history. The baseline is not modified.",
        "The exit code is AIDE's bitmask: 1 added, 2 removed, 4 changed (e.g. 5 = added and changed).",
        "",
        "Example (cron):  fim check --format json --report /var/log/fim/check.json"})
final class CheckCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Only check these trees.")
  List<String> paths;

  @Mixin ReportOptions output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(spec, common, paths, output, false);
  }

  /** Shared with {@code update}, which differs only in making the result the new baseline. */
  static int run(picocli.CommandLine.Model.CommandSpec spec, CommonOptions common, List<String> paths,
      ReportOptions output, boolean update) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BaselineSession s = BaselineSession.open(common, paths, false, err)) {
      BaselineJob.Result r = update ? s.job.update() : s.job.check();
      s.endProgress();
      CheckReport rep = new CheckReport(update ? "update" : "check", s.store, r, s.scope);
      if (output.report != null) {
        ReportOutput.writeAtomically(output.report, w -> rep.write(output.format, w));
        out.println(rep.summaryLine() + "; report: " + output.report);
      } else {
        rep.write(output.format, out);
      }
      out.flush();
      return r.exitBits();
    }
  }
}
