package dev.fim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code fim audit}: the kernel audit subsystem (status and rules); only groups its subcommands.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Kernel audit: status, rules (auditctl -s / -l / -a / -d over netlink) and log search (ausearch -i)."
    })
final class AuditCommand implements Runnable {
  /**
   * The subcommands, in --help order; {@link FimCommand#commandLine} adds them (only the one named,
   * when one is).
   */
  static final Class<?>[] SUBCOMMANDS = {
    AuditStatusCommand.class, AuditRulesCommand.class, AuditSearchCommand.class
  };

  /** The names of {@link #SUBCOMMANDS}, as {@link FimCommand#SUBCOMMAND_NAMES}. */
  static final String[] SUBCOMMAND_NAMES = {"status", "rules", "search"};

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "fim audit: missing COMMAND (status, rules or search)");
  }
}
