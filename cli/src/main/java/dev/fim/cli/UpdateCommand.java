package dev.fim.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim update}: check, then accept what was found as the new baseline. */
@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Check, then accept what was found as the new sealed baseline.",
      "",
      "Same report and exit code as check; afterwards the state just scanned becomes the baseline.",
      "Use it after reviewing a check's changes, e.g. after a package upgrade. --audit-log says who made",
      "each change, as for check (see fim check --help). --ship URL ships the findings as for",
      "check: a shipping failure is a stderr line and leaves the exit code as it is.",
      "",
      "Example:  apt-get upgrade && fim update --report /var/log/fim/upgrade.txt /usr"
    })
final class UpdateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description = "Only check and re-baseline these trees.")
  List<String> paths;

  @Mixin ReportOptions output;

  @Mixin AuditLogOption attribution;

  @Mixin ShipAfterCommand shipping;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return CheckCommand.run(spec, common, paths, output, attribution, shipping, true);
  }
}
