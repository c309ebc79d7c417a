package dev.fim.cli;

import java.util.ArrayList;
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
      "Environment: FIM_JAVA_EXTRA_OPTS adds JVM options to those bin/fim chooses for the command;",
      "FIM_JAVA_OPTS replaces them (docs/usage.md, \"Environment\").",
      "",
      "See README.md and docs/fim.conf.md for the config syntax and every attribute."
    })
public final class FimCommand {
  /** picocli's switch for its look-up of Groovy closures. */
  static final String NO_GROOVY_CLOSURES = "picocli.disable.closures";

  /** The subcommands, in --help order. */
  static final Class<?>[] SUBCOMMANDS = {
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
   * The names of {@link #SUBCOMMANDS} (their {@code @Command(name)}, which {@code CommandModelTest}
   * checks), so that choosing the one to build reads no annotation on the main thread: {@link
   * ModelWarmUp} reads them meanwhile.
   */
  static final String[] SUBCOMMAND_NAMES = {
    "init", "check", "update", "watch", "history", "who", "accept", "report", "ship", "config",
    "doctor", "audit", "help"
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
    ModelWarmUp.start(modelClasses(args)); // the annotations of exactly the classes added below
    CommandLine cl = new CommandLine(new FimCommand());
    for (Class<?> c : topCommands(args)) {
      List<Class<?>> subs = subcommands(c, args);
      if (subs.isEmpty()) {
        cl.addSubcommand(c);
      } else {
        // The same one level down: `fim audit search` (a one-shot search that wants to start
        // fast) builds neither the rules nor the status command.
        CommandLine group =
            new CommandLine(c == AuditCommand.class ? new AuditCommand() : new ConfigCommand());
        for (Class<?> sub : subs) {
          group.addSubcommand(sub);
        }
        cl.addSubcommand(group);
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

  /** The subcommands of the root that the model for {@code args} holds. */
  private static List<Class<?>> topCommands(String[] args) {
    boolean versionOnly = args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"));
    return versionOnly ? List.of() : named(SUBCOMMANDS, SUBCOMMAND_NAMES, args, 0);
  }

  /**
   * The command classes whose model {@link #commandLine} builds for {@code args}, the root first,
   * each group followed by its subcommands that it builds.
   */
  static List<Class<?>> modelClasses(String... args) {
    List<Class<?>> model = new ArrayList<>();
    model.add(FimCommand.class);
    for (Class<?> c : topCommands(args)) {
      model.add(c);
      model.addAll(subcommands(c, args));
    }
    return model;
  }

  /**
   * The subcommands of group command {@code c} that the model for {@code args} holds; none else.
   */
  private static List<Class<?>> subcommands(Class<?> c, String[] args) {
    if (c == AuditCommand.class) {
      return named(AuditCommand.SUBCOMMANDS, AuditCommand.SUBCOMMAND_NAMES, args, 1);
    }
    if (c == ConfigCommand.class) {
      return named(ConfigCommand.SUBCOMMANDS, ConfigCommand.SUBCOMMAND_NAMES, args, 1);
    }
    return List.of();
  }

  /**
   * The one of {@code commands} that {@code args[at]} names, or all of them (help, options, typos).
   * By {@code names}, not by their annotations: see {@link #SUBCOMMAND_NAMES}.
   */
  private static List<Class<?>> named(Class<?>[] commands, String[] names, String[] args, int at) {
    String name = args.length > at ? args[at] : null;
    for (int i = 0; i < commands.length; i++) {
      if (commands[i] != CommandLine.HelpCommand.class && names[i].equals(name)) {
        return List.of(commands[i]);
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
