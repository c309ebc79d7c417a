package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code fim check}'s command line read without picocli, for the lines cron and people type: {@code
 * check [--db DIR] [--key FILE] [-c FILE] [--format text|json] [--report FILE] [PATH…]}. picocli's
 * model of check (its annotations and those of its five mixins read, proxy classes generated, the
 * converters and help specs set up, all cold code Java 17's class-data archive cannot hold) was the
 * largest part of a 1-file check's main thread after the JVM's own start (issue 18, session 11).
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
   * Runs {@code fim check} when this reader can read {@code args}; null when picocli must. Errors
   * of the check itself are reported as picocli's way reports them ({@link ErrorHandler}).
   */
  static Integer runQuick(RawArgs raw, String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0 || !args[0].equals("check")) {
      return null;
    }
    Commands.rawArgs = raw; // as FimCommand.commandLine sets it: paths are read as their bytes
    CheckCommand c = parse(args);
    if (c == null) {
      return null;
    }
    try {
      return CheckCommand.run(
          null, out, err, c.common, c.paths, c.output, c.attribution, c.shipping, false);
    } catch (Exception e) {
      return ErrorHandler.report(e, err, c.common.debug);
    }
  }

  /**
   * The command with its options as picocli would fill them for {@code args} ({@code check …}), or
   * null to let picocli read the line. Needs {@link Commands#rawArgs} for {@code args}.
   */
  static CheckCommand parse(String[] args) {
    if (args.length == 0 || !args[0].equals("check")) {
      return null;
    }
    CheckCommand c = new CheckCommand();
    c.common = new CommonOptions();
    c.output = new ReportOptions();
    c.attribution = new AuditLogOption();
    c.shipping = new ShipAfterCommand();
    c.shipping.shipping = new ShipOptions();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-")) {
        if (a.isEmpty() || a.startsWith("@")) {
          return null;
        }
        if (c.paths == null) {
          c.paths = new ArrayList<>();
        }
        c.paths.add(a);
        continue;
      }
      String field = NAMES.get(a);
      String value;
      int eq = a.indexOf('=');
      if (field != null && i + 1 < args.length) {
        value = args[++i];
      } else if (field == null && a.startsWith("--") && eq > 2) {
        field = NAMES.get(a.substring(0, eq));
        value = a.substring(eq + 1);
      } else {
        return null; // unknown, valueless, or a form this reader leaves to picocli
      }
      if (field == null
          || value.isEmpty()
          || value.startsWith("-")
          || value.startsWith("@")
          || !set(c, field, value)) {
        return null;
      }
    }
    if (c.output.format == null) {
      c.output.format = ReportFormat.TEXT; // the option's defaultValue (the test compares)
    }
    return c;
  }

  /** Sets one option as picocli would; false when picocli must (repeated, or not convertible). */
  private static boolean set(CheckCommand c, String field, String value) {
    switch (field) {
      case "format":
        if (c.output.format != null || TextOrJson.of(value) == null) return false;
        c.output.format = TextOrJson.of(value);
        return true;
      case "db":
        if (c.common.db != null) return false;
        c.common.db = path(value);
        return c.common.db != null;
      case "key":
        if (c.common.key != null) return false;
        c.common.key = path(value);
        return c.common.key != null;
      case "config":
        if (c.common.config != null) return false;
        c.common.config = path(value);
        return c.common.config != null;
      case "report":
        if (c.output.report != null) return false;
        c.output.report = path(value);
        return c.output.report != null;
      default:
        return false;
    }
  }

  /**
   * {@link PathOptionConverter}'s path for {@code value}, or null where it refuses it (then picocli
   * says why): a name Java cannot make, or one that would name other bytes than those given. Also
   * {@link InitArgs}'.
   */
  static Path path(String value) {
    Charset jnu = RawArgs.jnuCharset();
    Path p;
    try {
      p = Path.of(value);
    } catch (InvalidPathException e) {
      return null;
    }
    return Arrays.equals(Commands.rawArgs.bytesOf(value), value.getBytes(jnu)) ? p : null;
  }
}
