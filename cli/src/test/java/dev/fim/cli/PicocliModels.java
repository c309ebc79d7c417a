package dev.fim.cli;

import picocli.CommandLine;

/** picocli's model of fim's commands, for the tests that hold a quick reader against it. */
final class PicocliModels {
  private PicocliModels() {}

  /** picocli's model of {@code command}, as a run of {@code fim command} builds it. */
  static CommandLine.Model.CommandSpec spec(String command) {
    return FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]), command)
        .getSubcommands()
        .get(command)
        .getCommandSpec();
  }

  /** The command object picocli fills for {@code args} (a subcommand first). */
  static Object filled(String... args) {
    CommandLine cl = FimCommand.commandLine(RawArgs.fromProcCmdline(args), args);
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    return parsed.subcommand().commandSpec().userObject();
  }
}
