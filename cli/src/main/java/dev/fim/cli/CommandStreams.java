package dev.fim.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Where a command that a quick reader can run ({@link QueryArgs}: history, who, report) prints, and
 * how it refuses its line: through picocli's command line when picocli read it, else the streams
 * {@link Main} gave and a refusal that hands the whole line to picocli. Those commands refuse a
 * line (an unreadable time, an empty PATH, {@code --since} after {@code --until}) before they open
 * the database or print anything, so picocli reading the line again says it exactly as a line
 * picocli read first.
 */
final class CommandStreams {
  private final CommandLine cl;
  final PrintWriter out;
  final PrintWriter err;

  private CommandStreams(CommandLine cl, PrintWriter out, PrintWriter err) {
    this.cl = cl;
    this.out = out;
    this.err = err;
  }

  /** The streams of the command line picocli built for {@code spec}. */
  static CommandStreams of(CommandLine.Model.CommandSpec spec) {
    CommandLine cl = spec.commandLine();
    return new CommandStreams(cl, cl.getOut(), cl.getErr());
  }

  /** The streams of a line read without picocli. */
  static CommandStreams quick(PrintWriter out, PrintWriter err) {
    return new CommandStreams(null, out, err);
  }

  /** The error for a line the command refuses: picocli's, or {@link QuickOptions.Declined}. */
  RuntimeException usage(String message) {
    return cl != null
        ? new CommandLine.ParameterException(cl, message)
        : new QuickOptions.Declined();
  }

  /** One command-line path as exact bytes, absolute; an empty one is a usage error. */
  dev.fim.store.PathBytes path(String arg) {
    java.util.List<dev.fim.store.PathBytes> p = CommonOptions.paths(java.util.List.of(arg));
    if (p.isEmpty()) {
      throw usage("PATH is empty");
    }
    return p.get(0);
  }
}
