package dev.fim.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: lists the subcommands and the exit codes. */
@Command(
    name = "fim",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    versionProvider = FimCommand.Version.class,
    description = {
      "File integrity monitor for Linux: baselines the hashes and attributes of watched trees and",
      "reports what was added, removed or changed since.",
      "",
      "Typical cron use:  fim init (once, as root)   then   fim check (nightly; exit 1|2|4 on changes)."
    },
    exitCodeListHeading = "%nExit Codes:%n",
    exitCodeList = {},
    footerHeading = "%nFiles:%n",
    footer = {
      "  /etc/fim/fim.conf     config (AIDE selection syntax; built-in default when absent)",
      "  /var/lib/fim          database as root ($XDG_DATA_HOME/fim otherwise)",
      "  /var/lib/fim.key      seal key as root (next to the database otherwise)",
      "",
      "See README.md and docs/fim.conf.md for the config syntax and every attribute."
    })
public final class FimCommand {
  /** picocli's switch for its look-up of Groovy closures. */
  static final String NO_GROOVY_CLOSURES = "picocli.disable.closures";

  /** The subcommands, in --help order. */
  private static final Class<?>[] SUBCOMMANDS = {
    InitCommand.class,
    CheckCommand.class,
    UpdateCommand.class,
    WatchCommand.class,
    HistoryCommand.class,
    WhoCommand.class,
    AcceptCommand.class,
    ReportCommand.class,
    ShipCommand.class,
    ConfigCommand.class,
    DoctorCommand.class,
    AuditCommand.class,
    CommandLine.HelpCommand.class
  };

  /**
   * The command line for {@code args} (the caller sets its out and err: Main, UTF-8 always).
   * Building picocli's model of every command costs about 0.3 s of CPU at start-up (reflection over
   * all annotated classes, which class data sharing cannot archive: picocli's jar targets Java 5),
   * so when the first argument names a subcommand only that one is built (and under {@code audit},
   * only the audit command named), {@code fim --version} builds none; help, other options and typos
   * get the whole tree.
   */
  static CommandLine commandLine(RawArgs raw, String... args) {
    // picocli's DefaultFactory looks up Groovy's Closure class when it is first used, unless this
    // is set: a class in none of fim's jars, so the class loader opened and read every jar on the
    // class path (21 of them, all else coming from the class-data archive) to miss it, on the main
    // thread of every command (issue 18). fim's annotations hold no Groovy closures.
    System.setProperty(NO_GROOVY_CLOSURES, "true");
    CommandLine cl = new CommandLine(new FimCommand());
    boolean versionOnly = args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"));
    for (Class<?> c : versionOnly ? List.<Class<?>>of() : named(SUBCOMMANDS, args, 0)) {
      if (c == AuditCommand.class) {
        // The same one level down: `fim audit search` (a one-shot search that wants to start
        // fast) builds neither the rules nor the status command.
        CommandLine audit = new CommandLine(new AuditCommand());
        for (Class<?> sub : named(AuditCommand.SUBCOMMANDS, args, 1)) {
          audit.addSubcommand(sub);
        }
        cl.addSubcommand(audit);
      } else if (c == ConfigCommand.class) {
        CommandLine config = new CommandLine(new ConfigCommand());
        for (Class<?> sub : named(ConfigCommand.SUBCOMMANDS, args, 1)) {
          config.addSubcommand(sub);
        }
        cl.addSubcommand(config);
      } else {
        cl.addSubcommand(c);
      }
    }
    // After the subcommands: registered with each. FILE options the locale cannot name are a clear
    // usage error.
    cl.registerConverter(java.nio.file.Path.class, new PathOptionConverter());
    ErrorHandler errors = new ErrorHandler(); // no lambda here: see ErrorHandler
    cl.setExecutionExceptionHandler(errors);
    cl.setExitCodeExceptionMapper(errors);
    configure(cl);
    Commands.rawArgs = raw;
    return cl;
  }

  /**
   * The one of {@code commands} that {@code args[at]} names, or all of them (help, options, typos).
   */
  private static List<Class<?>> named(Class<?>[] commands, String[] args, int at) {
    String name = args.length > at ? args[at] : null;
    for (Class<?> c : commands) {
      if (c != CommandLine.HelpCommand.class
          && c.getAnnotation(Command.class).name().equals(name)) {
        return List.of(c);
      }
    }
    return List.of(commands);
  }

  /** picocli's defaults (1, 2) would read as "added"/"removed": every command gets fim's codes. */
  private static void configure(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
    cl.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit Codes:%n")
        .exitCodeList(exitCodeMap());
    for (CommandLine sub : cl.getSubcommands().values()) {
      configure(sub);
    }
  }

  private static java.util.Map<String, String> exitCodeMap() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : ExitCodes.HELP_LIST) {
      int i = line.indexOf(':');
      String code = line.substring(0, i);
      // Right-aligned to 3 like %3s, without String.format (its first use costs a cold start ~20
      // ms).
      m.put("   ".substring(Math.min(3, code.length())) + code, line.substring(i + 1));
    }
    return m;
  }

  /** {@code fim --version}: the version, the git commit and the build date of this build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {dev.fim.engine.output.BuildInfo.describe()};
    }
  }
}
