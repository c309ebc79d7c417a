package dev.fim.cli;

import dev.fim.engine.output.BuildInfo;
import java.io.PrintWriter;

/**
 * {@code fim --version} and {@code fim -V} answered without picocli. picocli's model of even the
 * root command alone (its annotations parsed, their proxy classes generated, its converters and
 * help specs set up, all cold code that Java 17's class-data archive cannot hold) was about half of
 * the command's time: 0.1 s of a 0.22 s run (issue 18, session 11).
 *
 * <p>Decided from the arguments before anything else, like {@link AuditSearchArgs} for a search:
 * exactly one argument, {@code -V} or {@code --version}. Every other line goes to picocli, also
 * those it happens to answer with the version too ({@code -V --}, {@code --version=true}, {@code -V
 * check}) and those where it says something else ({@code -V -h}: the help; {@code -V -V}: an
 * error). The line printed is {@link FimCommand.Version}'s, which picocli passes through {@code
 * String.format} and its markup renderer: a line with a character either might read ({@code %},
 * {@code @}, {@code |}, {@code $}, a backslash, anything outside {@link #PLAIN}) goes to picocli
 * too. {@code QuickVersionTest} compares the output with the whole model's for every spelling.
 */
final class QuickVersion {
  /** The characters a version line may hold to be printed here: what picocli prints unchanged. */
  static final String PLAIN =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;()+-_/";

  private QuickVersion() {}

  /**
   * Prints the version when {@code args} ask for it alone, as picocli does (one line, exit 0; a
   * write that fails is reported as for any command); null when picocli must read the line.
   */
  static Integer run(String[] args, PrintWriter out, PrintWriter err) {
    return asksForVersion(args) ? run(BuildInfo.describe(), out, err) : null;
  }

  /** Prints {@code line} as picocli would print it as the version; null when it would not. */
  static Integer run(String line, PrintWriter out, PrintWriter err) {
    if (!plain(line)) {
      return null;
    }
    try {
      out.println(line);
      out.flush();
      return ExitCodes.OK;
    } catch (StandardOutput.Failure f) {
      return ErrorHandler.report(f, err, false); // as Main's execution strategy says it
    }
  }

  /** Whether {@code args} is {@code -V} or {@code --version}, alone. */
  static boolean asksForVersion(String[] args) {
    return args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"));
  }

  /** Whether picocli would print {@code line} unchanged: only {@link #PLAIN} characters. */
  static boolean plain(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (PLAIN.indexOf(line.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
