package dev.fim.cli;

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
        "Typical cron use:  fim init (once, as root)   then   fim check (nightly; exit 1|2|4 on changes)."},
    subcommands = {InitCommand.class, CheckCommand.class, UpdateCommand.class, AuditCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit Codes:%n",
    exitCodeList = {},
    footerHeading = "%nFiles:%n",
    footer = {
        "  /etc/fim/fim.conf     config (AIDE selection syntax; built-in default when absent)",
        "  /var/lib/fim          database as root ($XDG_DATA_HOME/fim otherwise)",
        "  /var/lib/fim.key      seal key as root (next to the database otherwise)",
        "",
        "See README.md and docs/fim.conf.md for the config syntax and every attribute."})
public final class FimCommand {
  static CommandLine commandLine(RawArgs raw) {
    CommandLine cl = new CommandLine(new FimCommand());
    cl.setOut(Terminal.stdout());
    cl.setErr(Terminal.stderr());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    configure(cl);
    Commands.rawArgs = raw;
    return cl;
  }

  /** picocli's defaults (1, 2) would read as "added"/"removed": every command gets fim's codes. */
  private static void configure(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit Codes:%n").exitCodeList(exitCodeMap());
    for (CommandLine sub : cl.getSubcommands().values()) {
      configure(sub);
    }
  }

  private static java.util.Map<String, String> exitCodeMap() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : ExitCodes.HELP_LIST) {
      int i = line.indexOf(':');
      m.put(String.format("%3s", line.substring(0, i)), line.substring(i + 1));
    }
    return m;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FimCommand.class.getPackage().getImplementationVersion();
      return new String[] {"fim " + (v == null ? "(development build)" : v)};
    }
  }
}
