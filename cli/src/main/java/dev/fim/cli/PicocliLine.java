package dev.fim.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A command line run through picocli: every command but the few read without it ({@link
 * QuickVersion}, {@link AuditSearchArgs}, {@link CheckArgs}). Apart from {@link Main} so that
 * verifying Main loads none of picocli's classes: {@code fim --version} never touches picocli.
 */
final class PicocliLine {
  private PicocliLine() {}

  /** Runs {@code args} through picocli's model for them; the exit code. */
  static int execute(RawArgs raw, String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = FimCommand.commandLine(raw, args);
    cl.setOut(out);
    cl.setErr(err);
    // --help printed into a full disk fails inside picocli, which would print a stack trace: say it
    // as for a command.
    cl.setExecutionStrategy(new OutputFailureReporting(cl.getExecutionStrategy(), err));
    return cl.execute(args);
  }

  /**
   * picocli's execution strategy, with a failure to write the output said as for a command. A named
   * class, not a lambda: a lambda implementing one of picocli's (Java 5) interfaces keeps that
   * interface and its users out of the class-data archive (see {@link ErrorHandler}).
   */
  private static final class OutputFailureReporting implements CommandLine.IExecutionStrategy {
    private final CommandLine.IExecutionStrategy strategy;
    private final PrintWriter err;

    OutputFailureReporting(CommandLine.IExecutionStrategy strategy, PrintWriter err) {
      this.strategy = strategy;
      this.err = err;
    }

    @Override
    public int execute(CommandLine.ParseResult parsed) {
      try {
        return strategy.execute(parsed);
      } catch (StandardOutput.Failure f) {
        return ErrorHandler.report(f, err, false);
      }
    }
  }
}
