package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fim check}'s and {@code fim update}'s command line read without picocli, for the lines
 * cron and people type: {@code check|update [--db DIR] [--key FILE] [-c FILE] [--format text|json]
 * [--report FILE] [PATH…]}. picocli's model of check (its annotations and those of its five mixins
 * read, proxy classes generated, the converters and help specs set up, all cold code Java 17's
 * class-data archive cannot hold) was the largest part of a 1-file check's main thread after the
 * JVM's own start (issue 18, session 11). {@code update} has the same options (the same mixins and
 * PATHs) and differs only in making the result the new baseline; read through picocli it loaded
 * ~500 classes more than the check and ~75 ms more of main-thread CPU (issue 18, session 16).
 *
 * <p>As {@link AuditSearchArgs} for a search: anything else returns null and picocli reads the
 * whole line, so that every error, help, other option and corner of its syntax stays picocli's: an
 * option not listed in {@link #NAMES} ({@code --output}, {@code --ship}, {@code --audit-log},
 * {@code --threads}, {@code --debug}, {@code --expect-seal}, help and version…), a repeated or
 * valueless option, a short option with its value attached ({@code -cFILE}, {@code -c=FILE}), a
 * value or PATH that is empty or starts with {@code -} or {@code @}, {@code --}, a format other
 * than {@code text}/{@code json}, a FILE the locale cannot name. {@code CheckArgsTest} checks, for
 * every option of picocli's model of check, that picocli fills the same fields for the lines this
 * accepts and that this declines every line with an option it does not read, and compares whole
 * runs.
 */
final class CheckArgs {
  private CheckArgs() {}

  /** Each option name read here and the field it sets (as their annotations give them). */
  static final Map<String, String> NAMES =
      Map.of(
          "--db", "db",
          "--key", "key",
          "-c", "config",
          "--config", "config",
          "--format", "format",
          "--report", "report");

  /**
   * Runs {@code fim check} or {@code fim update} when this reader can read {@code args}; null when
   * picocli must. Errors of the command itself are reported as picocli's way reports them ({@link
   * ErrorHandler}).
   */
  static Integer runQuick(RawArgs raw, String[] args, PrintWriter out, PrintWriter err) {
    if (!readsCommand(args)) {
      return null;
    }
    Commands.rawArgs = raw; // as FimCommand.commandLine sets it: paths are read as their bytes
    CheckCommand c = parse(args);
    if (c == null) {
      return null;
    }
    try {
      return CheckCommand.run(
          null,
          out,
          err,
          c.common,
          c.paths,
          c.output,
          c.attribution,
          c.shipping,
          args[0].equals("update"));
    } catch (Exception e) {
      return ErrorHandler.report(e, err, c.common.debug);
    }
  }

  /** Whether {@code args} name a command this reader reads: {@code check} or {@code update}. */
  private static boolean readsCommand(String[] args) {
    return args.length > 0 && (args[0].equals("check") || args[0].equals("update"));
  }

  /**
   * The command's options as picocli would fill them for {@code args} ({@code check …} or {@code
   * update …}, whose options are the same mixins; held in a {@link CheckCommand}), or null to let
   * picocli read the line. Needs {@link Commands#rawArgs} for {@code args}.
   */
  static CheckCommand parse(String[] args) {
    if (!readsCommand(args)) {
      return null;
    }
    CheckCommand c = new CheckCommand();
    c.common = new CommonOptions();
    c.output = new ReportOptions();
    c.attribution = new AuditLogOption();
    c.shipping = new ShipAfterCommand();
    c.shipping.shipping = new ShipOptions();
    List<String> paths = new ArrayList<>();
    if (!QuickOptions.read(args, NAMES, new Fields(c), paths)) {
      return null;
    }
    c.paths = paths.isEmpty() ? null : paths; // as picocli leaves it without PATHs
    if (c.output.format == null) {
      c.output.format = ReportFormat.TEXT; // the option's defaultValue (the test compares)
    }
    return c;
  }

  /** The fields of a check the line sets. Not a lambda: see {@link Preload}. */
  private static final class Fields implements QuickOptions.Fields {
    private final CheckCommand c;

    Fields(CheckCommand c) {
      this.c = c;
    }

    @Override
    public boolean set(String field, String value) {
      switch (field) {
        case "format":
          if (c.output.format != null || TextOrJson.of(value) == null) return false;
          c.output.format = TextOrJson.of(value);
          return true;
        case "report":
          if (c.output.report != null) return false;
          c.output.report = QuickOptions.path(value);
          return c.output.report != null;
        default:
          return QuickOptions.setCommon(c.common, field, value);
      }
    }
  }
}
