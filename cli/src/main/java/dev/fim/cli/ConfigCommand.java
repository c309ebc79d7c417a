package dev.fim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code fim config}: questions about the config; only groups its subcommands. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "The config: check it, and explain which rule governs a path (fim config check)."
    })
final class ConfigCommand implements Runnable {
  /**
   * The subcommands, in --help order; {@link FimCommand#commandLine} adds them (only the one named,
   * when one is).
   */
  static final Class<?>[] SUBCOMMANDS = {ConfigCheckCommand.class};

  /** The names of {@link #SUBCOMMANDS}, as {@link FimCommand#SUBCOMMAND_NAMES}. */
  static final String[] SUBCOMMAND_NAMES = {"check"};

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "fim config: missing COMMAND (check)");
  }
}
