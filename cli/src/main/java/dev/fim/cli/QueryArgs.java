package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The usual lines of the commands that read the recorded changes, read without picocli: {@code
 * history [--db DIR] [--key FILE] [-c FILE] [--since TIME] [--until TIME] [--format text|json]
 * [PATH]}, {@code who [--db DIR] [--key FILE] [-c FILE] [-n|--limit N] [--format text|json] PATH}
 * and {@code report [--db DIR] [--key FILE] [-c FILE] --since TIME [--until TIME] [--format
 * text|json|csv|html] [-o|--output FILE]}. picocli's model of one of them (its annotations and
 * mixins read, proxy classes generated, converters and help set up: cold code Java 17's class-data
 * archive cannot hold) took ~40 ms of a tiny history's or report's start (issue 18, session 14).
 *
 * <p>As {@link CheckArgs} for a check: anything else returns null and picocli reads the whole line,
 * so every error, help and corner of its syntax stays picocli's: an option not listed here ({@code
 * --debug}, {@code --expect-seal}, {@code --threads}, report's {@code --verify}, {@code --source},
 * {@code --host}, {@code --prefix-depth}, {@code --exclude-verified-packages}…), a repeated or
 * valueless option, a short option with its value attached, a value or PATH that is empty or starts
 * with {@code -} or {@code @} (but {@code --since}/{@code --until} take the docs' {@code -24h},
 * {@code -7d}… as picocli does: {@link QuickOptions#relativeTime}), {@code --}, another format, a
 * limit that is not plain digits, a PATH more or fewer than the command takes, a FILE the locale
 * cannot name. A line the command itself refuses (an unreadable time, {@code --since} after {@code
 * --until}, {@code -n 0}) is refused before anything is opened or printed ({@link
 * CommandStreams#usage}) and read again by picocli, which says why. {@code QueryArgsTest} checks,
 * for every option of picocli's model of each command, that picocli fills the same fields for the
 * lines this accepts and that this declines every line with an option it does not read, and
 * compares whole runs.
 */
final class QueryArgs {
  private QueryArgs() {}

  /** history's option names read here and the fields they set (as their annotations give them). */
  static final Map<String, String> HISTORY =
      Map.of(
          "--db", "db",
          "--key", "key",
          "-c", "config",
          "--config", "config",
          "--since", "since",
          "--until", "until",
          "--format", "format");

  /** who's. */
  static final Map<String, String> WHO =
      Map.of(
          "--db", "db",
          "--key", "key",
          "-c", "config",
          "--config", "config",
          "-n", "limit",
          "--limit", "limit",
          "--format", "format");

  /** report's. */
  static final Map<String, String> REPORT =
      Map.of(
          "--db", "db",
          "--key", "key",
          "-c", "config",
          "--config", "config",
          "--since", "since",
          "--until", "until",
          "--format", "format",
          "-o", "output",
          "--output", "output");

  /**
   * Runs {@code fim history}, {@code who} or {@code report} when this reader can read {@code args};
   * null when picocli must. Errors of the command itself are reported as picocli's way reports them
   * ({@link ErrorHandler}).
   */
  static Integer runQuick(RawArgs raw, String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0
        || !(args[0].equals("history") || args[0].equals("who") || args[0].equals("report"))) {
      return null;
    }
    Commands.rawArgs = raw; // as FimCommand.commandLine sets it: paths are read as their bytes
    CommandStreams io = CommandStreams.quick(out, err);
    try {
      switch (args[0]) {
        case "history":
          HistoryCommand h = history(args);
          return h == null ? null : h.run(io);
        case "who":
          WhoCommand w = who(args);
          return w == null ? null : w.run(io);
        default:
          ReportCommand r = report(args);
          return r == null ? null : r.run(io);
      }
    } catch (QuickOptions.Declined d) {
      return null; // refused before anything was opened or printed: picocli says why
    } catch (Exception e) {
      return ErrorHandler.report(e, err, false);
    }
  }

  /**
   * {@code fim history …} with its options as picocli would fill them, or null to let picocli read
   * the line. Needs {@link Commands#rawArgs} for {@code args}.
   */
  static HistoryCommand history(String[] args) {
    if (args.length == 0 || !args[0].equals("history")) {
      return null;
    }
    HistoryCommand c = new HistoryCommand();
    c.common = new CommonOptions();
    c.output = new EventFormatOption();
    List<String> paths = new ArrayList<>();
    HistoryFields fields = new HistoryFields(c);
    if (!QuickOptions.read(args, HISTORY, fields, paths) || paths.size() > 1) {
      return null;
    }
    c.since = fields.since;
    c.until = fields.until;
    c.path = paths.isEmpty() ? null : paths.get(0);
    if (c.output.format == null) {
      c.output.format = ReportFormat.TEXT; // the option's defaultValue (the test compares)
    }
    return c;
  }

  /** {@code fim who …} as picocli would fill it, or null. */
  static WhoCommand who(String[] args) {
    if (args.length == 0 || !args[0].equals("who")) {
      return null;
    }
    WhoCommand c = new WhoCommand();
    c.common = new CommonOptions();
    c.output = new EventFormatOption();
    List<String> paths = new ArrayList<>();
    WhoFields fields = new WhoFields(c);
    if (!QuickOptions.read(args, WHO, fields, paths) || paths.size() != 1) {
      return null;
    }
    c.path = paths.get(0);
    if (!fields.limitSet) {
      c.limit = 10; // the option's defaultValue
    }
    if (c.output.format == null) {
      c.output.format = ReportFormat.TEXT;
    }
    return c;
  }

  /** {@code fim report …} as picocli would fill it, or null. */
  static ReportCommand report(String[] args) {
    if (args.length == 0 || !args[0].equals("report")) {
      return null;
    }
    ReportCommand c = new ReportCommand();
    c.common = new CommonOptions();
    List<String> paths = new ArrayList<>();
    ReportFields fields = new ReportFields(c);
    if (!QuickOptions.read(args, REPORT, fields, paths) || !paths.isEmpty()) {
      return null;
    }
    c.since = fields.since;
    c.until = fields.until;
    if (c.format == null) {
      c.format = ReportFormat.TEXT.label(); // the options' defaultValues
    }
    c.prefixDepth = 2;
    return c;
  }

  /**
   * A {@code --format} of history or who: text or json as typed, once; false otherwise (picocli
   * says why).
   */
  private static boolean setFormat(EventFormatOption output, String value) {
    if (output.format != null || TextOrJson.of(value) == null) return false;
    output.format = TextOrJson.of(value);
    return true;
  }

  /**
   * The fields of a command with a period: {@code --since} and {@code --until}, each at most once
   * (a second one is picocli's to refuse), then the command's own. Not a lambda: see {@link
   * Preload}.
   */
  private abstract static class PeriodFields implements QuickOptions.Fields {
    String since;
    String until;

    @Override
    public final boolean set(String field, String value) {
      switch (field) {
        case "since":
          if (since != null) return false;
          since = value;
          return true;
        case "until":
          if (until != null) return false;
          until = value;
          return true;
        default:
          return setOwn(field, value);
      }
    }

    /** Any other field of the line. */
    abstract boolean setOwn(String field, String value);
  }

  /** The fields of a history the line sets. */
  private static final class HistoryFields extends PeriodFields {
    private final HistoryCommand c;

    HistoryFields(HistoryCommand c) {
      this.c = c;
    }

    @Override
    boolean setOwn(String field, String value) {
      return field.equals("format")
          ? setFormat(c.output, value)
          : QuickOptions.setCommon(c.common, field, value);
    }
  }

  /** The fields of a who the line sets. */
  private static final class WhoFields implements QuickOptions.Fields {
    private final WhoCommand c;
    boolean limitSet;

    WhoFields(WhoCommand c) {
      this.c = c;
    }

    @Override
    public boolean set(String field, String value) {
      switch (field) {
        case "limit":
          // Plain digits without a leading zero, which every integer converter reads alike
          // (picocli's own says what is wrong with "0x2", "+2", "02" or "9999999999").
          if (limitSet || !(value.equals("0") || value.matches("[1-9][0-9]{0,8}"))) return false;
          c.limit = Integer.parseInt(value);
          limitSet = true;
          return true;
        case "format":
          return setFormat(c.output, value);
        default:
          return QuickOptions.setCommon(c.common, field, value);
      }
    }
  }

  /** The fields of a report the line sets. */
  private static final class ReportFields extends PeriodFields {
    private final ReportCommand c;

    ReportFields(ReportCommand c) {
      this.c = c;
    }

    @Override
    boolean setOwn(String field, String value) {
      switch (field) {
        case "format":
          if (c.format != null
              || !(value.equals("text")
                  || value.equals("json")
                  || value.equals("csv")
                  || value.equals("html"))) return false;
          c.format = value;
          return true;
        case "output":
          if (c.output != null) return false;
          c.output = QuickOptions.path(value);
          return c.output != null;
        default:
          return QuickOptions.setCommon(c.common, field, value);
      }
    }
  }
}
