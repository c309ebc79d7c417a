package dev.fim.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Map;

/**
 * {@code fim init}'s command line read without picocli, for the lines scripts and people type:
 * {@code init [--db DIR] [--key FILE] [-c FILE] [--threads N] [PATH…]}. picocli's model of init
 * (its annotations and those of its mixins read, proxy classes generated, the converters and help
 * specs set up: cold code Java 17's class-data archive cannot hold) was ~0.15 s of a 20,000-file
 * init's main thread before its scan could start (issue 18, session 12), as it had been for a check
 * ({@link CheckArgs}).
 *
 * <p>As {@link CheckArgs}: anything else returns null and picocli reads the whole line, so that
 * every error, help, other option and corner of its syntax stays picocli's: an option not listed in
 * {@link #NAMES} ({@code --debug}, {@code --expect-seal}, help and version…), a repeated or
 * valueless option, a short option with its value attached, a value or PATH that is empty or starts
 * with {@code -} or {@code @}, {@code --}, a thread count other than 1-99999 written plainly, a
 * FILE the locale cannot name. {@code InitArgsTest} checks, for every option of picocli's model of
 * init, that picocli fills the same fields for the lines this accepts and that this declines every
 * line with an option it does not read, and compares whole runs.
 */
final class InitArgs {
  private InitArgs() {}

  /** Each option name read here and the field it sets (as their annotations give them). */
  static final Map<String, String> NAMES =
      Map.of(
          "--db", "db",
          "--key", "key",
          "-c", "config",
          "--config", "config",
          "--threads", "threads");

  /**
   * Runs {@code fim init} when this reader can read {@code args}; null when picocli must. Errors of
   * the init itself are reported as picocli's way reports them ({@link ErrorHandler}).
   */
  static Integer runQuick(RawArgs raw, String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0 || !args[0].equals("init")) {
      return null;
    }
    Commands.rawArgs = raw; // as FimCommand.commandLine sets it: paths are read as their bytes
    InitCommand c = parse(args);
    if (c == null) {
      return null;
    }
    try {
      return InitCommand.run(out, err, c.common, c.paths);
    } catch (Exception e) {
      return ErrorHandler.report(e, err, c.common.debug);
    }
  }

  /**
   * The command with its options as picocli would fill them for {@code args} ({@code init …}), or
   * null to let picocli read the line. Needs {@link Commands#rawArgs} for {@code args}.
   */
  static InitCommand parse(String[] args) {
    if (args.length == 0 || !args[0].equals("init")) {
      return null;
    }
    InitCommand c = new InitCommand();
    c.common = new CommonOptions();
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
          || !set(c.common, field, value)) {
        return null;
      }
    }
    return c;
  }

  /** Sets one option as picocli would; false when picocli must (repeated, or not convertible). */
  private static boolean set(CommonOptions common, String field, String value) {
    switch (field) {
      case "db":
        if (common.db != null) return false;
        common.db = CheckArgs.path(value);
        return common.db != null;
      case "key":
        if (common.key != null) return false;
        common.key = CheckArgs.path(value);
        return common.key != null;
      case "config":
        if (common.config != null) return false;
        common.config = CheckArgs.path(value);
        return common.config != null;
      case "threads":
        // Plain digits without a leading zero, which every integer converter reads alike (picocli's
        // own says what is wrong with "0x2", "+2", "02" or "9999999999").
        if (common.threads != null || !value.matches("[1-9][0-9]{0,4}")) return false;
        common.threads = Integer.valueOf(value);
        return true;
      default:
        return false;
    }
  }
}
