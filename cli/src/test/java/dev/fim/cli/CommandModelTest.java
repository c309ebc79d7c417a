package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fim} builds picocli's model of the command a run names only ({@link
 * FimCommand#commandLine}), chosen by name tables, with the annotations read meanwhile on a second
 * thread ({@link ModelWarmUp}; issue 18). What a user sees must be what the whole model (every
 * command, as picocli's annotations alone would build it) says: help, usage, errors, typo
 * suggestions and exit codes, byte for byte.
 */
class CommandModelTest {
  /** Every command path of the whole model: "check", "audit rules add", … */
  private static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(whole(), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    for (var e : cl.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(path);
      p.add(e.getKey());
      out.add(p);
      collect(e.getValue(), p, out);
    }
  }

  /** The whole model: what {@code commandLine} builds when no argument names a command. */
  private static CommandLine whole() {
    return FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]));
  }

  private static final String[][] NESTED = {
    {"audit", "status"},
    {"audit", "rules"},
    {"audit", "rules", "compile"},
    {"audit", "rules", "list"},
    {"audit", "rules", "add"},
    {"audit", "rules", "delete"},
    {"audit", "search"},
    {"config", "check"}
  };

  /**
   * Command lines that end in help, usage or an error before any command runs (or in a group
   * command, which only says what is missing): every command's --help, -h and -V, an unknown option
   * of each, {@code help COMMAND}, and typos at every level.
   */
  private static List<String[]> argumentsThatRunNothing() {
    List<String[]> all = new ArrayList<>();
    for (String[] a :
        new String[][] {
          {},
          {"--help"},
          {"-h"},
          {"--version"},
          {"-V"},
          {"help"},
          {"--bogus"},
          {"chek"},
          {"hist"},
          {"ship-it"},
          {"help", "chek"},
          {"help", "audit"},
          {"audit"},
          {"config"},
          {"audit", "serch"},
          {"audit", "rules"},
          {"audit", "rules", "ad"},
          {"config", "chek"},
          {"audit", "--bogus"},
          {"--version", "--help"},
          {"check", "-V", "-h"},
          {"x", "search", "--help"},
          {"x", "check"},
          {"--help", "status"}
        }) {
      all.add(a);
    }
    for (List<String> path : commandPaths()) {
      for (String last : new String[] {"--help", "-h", "-V", "--bogus", "--format"}) {
        List<String> a = new ArrayList<>(path);
        a.add(last);
        all.add(a.toArray(String[]::new));
      }
      if (path.size() == 1) {
        all.add(new String[] {"help", path.get(0)});
        all.add(new String[] {"help", path.get(0), "--bogus"});
      }
    }
    return all;
  }

  @Test
  void theModelOfTheNamedCommandSaysWhatTheWholeModelSaysForHelpUsageAndErrors() {
    List<String[]> cases = argumentsThatRunNothing();
    assertTrue(cases.size() > 100, "cases: " + cases.size());
    for (String[] args : cases) {
      Fim.Run partial = Fim.runPicocli(args);
      Fim.Run full = Fim.execute(whole(), args);
      assertEquals(full, partial, String.join(" ", args));
      assertTrue(partial.exit() == 0 || partial.exit() == ExitCodes.USAGE, partial.toString());
    }
  }

  /** Every nested command is in the whole model, and a run naming it builds it alone. */
  @Test
  void nestedCommandsAreBuiltAloneWhenNamed() {
    List<List<String>> paths = commandPaths();
    for (String[] nested : NESTED) {
      assertTrue(paths.contains(List.of(nested)), String.join(" ", nested) + " in " + paths);
    }
    CommandLine cl =
        FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]), "audit", "rules");
    assertEquals(Set.of("audit"), cl.getSubcommands().keySet());
    assertEquals(Set.of("rules"), cl.getSubcommands().get("audit").getSubcommands().keySet());
    assertEquals(
        Set.of("compile", "list", "add", "delete"),
        cl.getSubcommands().get("audit").getSubcommands().get("rules").getSubcommands().keySet());
  }

  /**
   * The name tables by which a run chooses the command to build (without reading annotations) name
   * each command as its annotation does: a table that drifted would build the wrong command or
   * none.
   */
  @Test
  void theNameTablesAreTheAnnotationsNames() {
    assertNames(FimCommand.SUBCOMMANDS, FimCommand.SUBCOMMAND_NAMES);
    assertNames(AuditCommand.SUBCOMMANDS, AuditCommand.SUBCOMMAND_NAMES);
    assertNames(ConfigCommand.SUBCOMMANDS, ConfigCommand.SUBCOMMAND_NAMES);
  }

  private static void assertNames(Class<?>[] commands, String[] names) {
    assertEquals(commands.length, names.length);
    for (int i = 0; i < commands.length; i++) {
      assertEquals(
          commands[i].getAnnotation(Command.class).name(), names[i], commands[i].getName());
    }
  }

  /**
   * The warm-up reads the annotations of every class picocli builds the model from: each command,
   * each mixin and help mixin, for every command a run names (else the main thread reads the rest
   * itself, slower but the same).
   */
  @Test
  void theWarmUpReadsEveryClassOfTheModel() throws Exception {
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"--version"});
    runs.add(new String[] {"--help"});
    for (List<String> path : commandPaths()) {
      runs.add(path.toArray(String[]::new));
    }
    for (String[] args : runs) {
      Set<Class<?>> model = new LinkedHashSet<>();
      modelClasses(FimCommand.commandLine(RawArgs.fromProcCmdline(args), args), model);
      Set<Class<?>> read = ModelWarmUp.read(FimCommand.modelClasses(args));
      for (Class<?> c : model) {
        assertTrue(read.contains(c), String.join(" ", args) + ": " + c + " not read");
      }
    }
  }

  /**
   * The warm-up starts only when a core is likely free: the last minute's load average below twice
   * the CPUs (or unreadable), not on a machine this busy, where it only slowed the main thread.
   */
  @Test
  void theWarmUpRunsOnlyWhenACoreIsLikelyFree() {
    assertTrue(ModelWarmUp.spareCore("0.52 1.10 2.00 1/210 12345\n", 2));
    assertTrue(ModelWarmUp.spareCore("3.99 1.10 2.00 3/210 12345\n", 2));
    assertFalse(ModelWarmUp.spareCore("4.00 1.10 2.00 3/210 12345\n", 2));
    assertFalse(ModelWarmUp.spareCore("14.37 15.22 15.38 17/900 4242\n", 2));
    assertTrue(ModelWarmUp.spareCore("14.37 15.22 15.38 17/900 4242\n", 8));
    assertTrue(ModelWarmUp.spareCore("", 2), "no /proc: as on an idle machine");
    assertTrue(ModelWarmUp.spareCore("garbage", 2));
  }

  private static void modelClasses(CommandLine cl, Set<Class<?>> out) {
    collectSpec(cl.getCommandSpec(), out);
    for (CommandLine sub : cl.getSubcommands().values()) {
      modelClasses(sub, out);
    }
  }

  private static void collectSpec(CommandLine.Model.CommandSpec spec, Set<Class<?>> out) {
    out.add(spec.userObject().getClass());
    for (CommandLine.Model.CommandSpec mixin : spec.mixins().values()) {
      collectSpec(mixin, out);
    }
  }
}
