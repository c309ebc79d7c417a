package dev.fim.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
    List<String> paths = new ArrayList<>();
    if (!QuickOptions.read(args, NAMES, new Fields(c.common), paths)) {
      return null;
    }
    c.paths = paths.isEmpty() ? null : paths; // as picocli leaves it without PATHs
    return c;
  }

  /** The options of an init the line sets. Not a lambda: see {@link Preload}. */
  private static final class Fields implements QuickOptions.Fields {
    private final CommonOptions common;

    Fields(CommonOptions common) {
      this.common = common;
    }

    @Override
    public boolean set(String field, String value) {
      if (!field.equals("threads")) {
        return QuickOptions.setCommon(common, field, value);
      }
      // Plain digits without a leading zero, which every integer converter reads alike (picocli's
      // own says what is wrong with "0x2", "+2", "02" or "9999999999").
      if (common.threads != null || !value.matches("[1-9][0-9]{0,4}")) return false;
      common.threads = Integer.valueOf(value);
      return true;
    }
  }
}
