package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code fim --version} and {@code fim -V} are answered without picocli ({@link QuickVersion},
 * issue 18): the same bytes on stdout and stderr and the same exit code as picocli's whole model
 * gives, for those two spellings and for every other line that mentions the version, which picocli
 * still reads.
 */
class QuickVersionTest {
  /** The spellings answered without picocli. */
  private static final String[][] QUICK = {{"-V"}, {"--version"}};

  /**
   * Lines near them that picocli reads: some print the version too, some the help, some an error.
   */
  private static final String[][] PICOCLI = {
    {"-V", "--"},
    {"--version", "--"},
    {"--version=true"},
    {"--version=false"},
    {"-V=true"},
    {"-VV"},
    {"-V", "-V"},
    {"-V", "--version"},
    {"-Vh"},
    {"-hV"},
    {"-V", "-h"},
    {"--version", "--help"},
    {"-V", "x"},
    {"-V", "check"},
    {"check", "-V"},
    {"check", "--version"},
    {"audit", "search", "-V"},
    {"--", "-V"},
    {"--VERSION"},
    {"--vers"},
    {"-v"},
    {"-V "},
    {" -V"},
    {"-V", ""},
    {"version"},
    {"@/nonexistent/fim-args"}
  };

  private static Fim.Run whole(String... args) {
    return Fim.execute(FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0])), args);
  }

  @Test
  void everySpellingPrintsWhatTheWholeModelPrints() {
    for (String[][] lines : new String[][][] {QUICK, PICOCLI}) {
      for (String[] args : lines) {
        Fim.Run run = Fim.run(args);
        assertEquals(whole(args), run, "[" + String.join("|", args) + "]");
      }
    }
    for (String[] args : QUICK) {
      Fim.Run run = Fim.run(args);
      assertEquals(0, run.exit());
      assertTrue(run.out().matches("fim \\S+ \\(commit \\S+, built \\S+\\)\n"), run.toString());
      assertEquals("", run.err());
    }
  }

  @Test
  void onlyTheTwoSpellingsAloneAreAnsweredWithoutPicocli() {
    for (String[] args : QUICK) {
      assertTrue(QuickVersion.asksForVersion(args), String.join(" ", args));
    }
    for (String[] args : PICOCLI) {
      assertFalse(QuickVersion.asksForVersion(args), "[" + String.join("|", args) + "]");
      StringWriter out = new StringWriter();
      assertNull(QuickVersion.run(args, new PrintWriter(out), new PrintWriter(new StringWriter())));
      assertEquals("", out.toString());
    }
  }

  /**
   * picocli formats the version line ({@code %n}, {@code %%}), interpolates variables and renders
   * markup: a line with a character any of them reads is left to picocli, which prints what it
   * prints; a plain one is printed as it is, with what picocli prints for it.
   */
  @Test
  void aVersionLinePicocliWouldChangeIsLeftToPicocli() {
    for (String line :
        new String[] {
          "fim 1.0%n (commit x)",
          "fim 100% (commit x)",
          "fim @|bold 1.0|@",
          "fim ${sys:user.name}",
          "fim 1.0\\n",
          "fim 1.0\t",
          "fim 1.0 é",
          "fim 1.0\n"
        }) {
      assertFalse(QuickVersion.plain(line), line);
      StringWriter out = new StringWriter();
      assertNull(QuickVersion.run(line, new PrintWriter(out), new PrintWriter(new StringWriter())));
      assertEquals("", out.toString(), line);
    }
    for (String line :
        new String[] {
          "fim 0.1.0-SNAPSHOT (commit 0d1c45608537+modified, built 2026-12-07T06:21:46Z)",
          "fim unknown (commit unknown, built unknown)",
          "fim 1.2.3_rc/4; x, y: z"
        }) {
      assertTrue(QuickVersion.plain(line), line);
      StringWriter quick = new StringWriter();
      assertEquals(
          0, QuickVersion.run(line, new PrintWriter(quick), new PrintWriter(new StringWriter())));
      assertEquals(picocliPrints(line), quick.toString(), line);
    }
  }

  /** What picocli prints for a command whose version provider says {@code line}. */
  private static String picocliPrints(String line) {
    CommandLine cl = new CommandLine(new Versioned());
    cl.getCommandSpec().versionProvider(() -> new String[] {line});
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("--version"));
    return out.toString();
  }

  @CommandLine.Command(name = "versioned", mixinStandardHelpOptions = true)
  static final class Versioned implements Runnable {
    @Override
    public void run() {}
  }

  /**
   * A real {@code fim --version}: no picocli class is loaded at all (its model was half of the
   * command's time), and a full standard output is said as for any command, as picocli's way says
   * it (exit 20, one line).
   */
  @Test
  void aRealRunLoadsNoPicocliClassAndReportsAFullOutputAsPicocliDoes() throws Exception {
    for (String option : new String[] {"-V", "--version"}) {
      List<String> cmd = ChildFim.loggingClasses(option);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("dev.fim.cli.QuickVersion"), "not the quick way: " + option);
      assertTrue(out.contains("\nfim "), out);
      assertFalse(out.contains(" picocli."), option + " loaded picocli's classes");

      Fim.Run quick = full(option);
      Fim.Run picocli = full(option, "--");
      assertEquals(picocli, quick, option);
      assertEquals(ExitCodes.IO, quick.exit(), quick.toString());
    }
  }

  /** A real fim with {@code args} and its standard output on /dev/full. */
  private static Fim.Run full(String... args) throws Exception {
    Process p =
        new ProcessBuilder(ChildFim.command(args)).redirectOutput(new File("/dev/full")).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Fim.Run(p.exitValue(), "", err);
  }
}
