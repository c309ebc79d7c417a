package dev.fim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code fim audit rules}: groups compile, list, add and delete. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {"Kernel audit rules in auditctl syntax."},
    subcommands = {
      AuditRulesCompileCommand.class,
      AuditRulesListCommand.class,
      AuditRulesAddCommand.class,
      AuditRulesDeleteCommand.class
    })
final class AuditRulesCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "fim audit rules: missing COMMAND (compile, list, add or delete)");
  }
}
