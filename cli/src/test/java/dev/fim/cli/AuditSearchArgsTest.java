package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.cli.report.ReportFormat;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@link AuditSearchArgs} reads what picocli reads, or leaves the line to picocli. The search
 * output through both ways is compared on go-libaudit's auparse/audit-rhel7.log.
 */
class AuditSearchArgsTest {
  /** Lines the quick way must take (so that a plain search really skips picocli). */
  static final String[][] TAKEN = {
    {},
    {"-k", "fim-bench", "--input", "/tmp/audit.log"},
    {"--key=fim", "--input=/a", "-if", "/b", "--input", "/c"},
    {"-f", "/etc/passwd", "-ua", "alice", "--format", "json"},
    {"--file", "/etc/x y", "--uid-all=0", "--format=text", "-w"},
    {"-ts", "-24h", "-te", "now"},
    {"--start=2026-11-25T10:00:00Z", "--end", "-30m", "--word", "-k", "k=v"},
    {"-ts", "yesterday", "-k", "a b"},
  };

  /** Lines picocli must parse (help, errors and syntax the quick way does not read). */
  static final String[][] LEFT = {
    {"-h"},
    {"--help"},
    {"-V"},
    {"--version"},
    {"-k"},
    {"-k", "a", "-k", "b"},
    {"-k", "a", "--key", "b"},
    {"-w", "-w"},
    {"-x", "1"},
    {"--nope=1"},
    {"positional"},
    {"-k", "a", "extra"},
    {"--", "-k", "a"},
    {"@args.txt"},
    {"-k", "@key"},
    {"-k", "-w"},
    {"-k", "--format"},
    {"-k", "-foo"},
    {"--format", "xml"},
    {"--format", "JSON"},
    {"--format", "text", "--format", "json"},
    {"-k=a"},
    {"-kfoo"},
    {"--key="},
    {"-k", ""},
    {"--word=true"},
    {"-ts", "-24x"},
    {"-ts", "--"},
    {"--input", "a\u0000b"}, // not a path: picocli reports the option
  };

  /**
   * The quick way reads every option of {@link AuditSearchOptions} by every name its annotation
   * gives, so that adding an option there cannot quietly send every search through picocli.
   */
  @Test
  void everyAnnotatedOptionNameIsReadTheQuickWay() {
    int names = 0;
    for (Field f : AuditSearchOptions.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null) continue;
      for (String name : o.names()) {
        String[] line =
            f.getType() == boolean.class
                ? new String[] {name}
                : new String[] {name, f.getType() == ReportFormat.class ? "json" : "x"};
        assertNotNull(AuditSearchArgs.parse(searchLine(line)), Arrays.toString(line));
        names++;
      }
    }
    assertEquals(AuditSearchArgs.NAMES.size(), names);
  }

  /**
   * Each name of the quick way's list sets the field its annotation names, as picocli does, and the
   * format's default is the annotation's: the list cannot drift from the annotations unnoticed.
   */
  @Test
  void everyListedNameSetsTheFieldPicocliSets() throws Exception {
    for (Field f : AuditSearchOptions.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null) continue;
      for (String name : o.names()) {
        assertEquals(f.getName(), AuditSearchArgs.NAMES.get(name), name);
        String[] line =
            f.getType() == boolean.class
                ? new String[] {name}
                : new String[] {name, f.getType() == ReportFormat.class ? "json" : "x"};
        AuditSearchCommand viaPicocli = new AuditSearchCommand();
        new CommandLine(viaPicocli).parseArgs(line);
        assertEquals(
            fields(viaPicocli.options),
            fields(AuditSearchArgs.parse(searchLine(line))),
            Arrays.toString(line));
      }
    }
    Option format = AuditSearchOptions.class.getDeclaredField("format").getAnnotation(Option.class);
    assertEquals(TextOrJson.of(format.defaultValue()), AuditSearchArgs.parse(searchLine()).format);
  }

  /**
   * The quick way reads no annotation: reading one makes the JDK generate a proxy class for it on
   * the main thread before the search reads a byte (the JDK says so on stderr with {@code
   * -Djdk.proxy.debug=debug}). A child JVM, as the search starts in one.
   */
  @Test
  void theQuickWayGeneratesNoAnnotationProxy() throws Exception {
    List<String> cmd =
        new ArrayList<>(
            ChildFim.command(
                "audit",
                "search",
                "--input",
                AuditSearchCommandTest.fixture(),
                "-k",
                "kill_signals"));
    cmd.add(1, "-Djdk.proxy.debug=debug");
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    assertFalse(err.contains("PROXY:"), err);
    // The same property does report a proxy (the check above can fail): picocli's way reads them.
    List<String> viaPicocli = new ArrayList<>(ChildFim.command("audit", "search", "--help"));
    viaPicocli.add(1, "-Djdk.proxy.debug=debug");
    Process q =
        new ProcessBuilder(viaPicocli).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String qerr = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    q.waitFor();
    assertTrue(qerr.contains("PROXY:"), qerr);
  }

  @Test
  void takenLinesGetWhatPicocliGives() {
    for (String[] line : TAKEN) {
      AuditSearchOptions quick = AuditSearchArgs.parse(searchLine(line));
      assertNotNull(quick, "not taken: " + Arrays.toString(line));
      AuditSearchCommand viaPicocli = new AuditSearchCommand();
      new CommandLine(viaPicocli).parseArgs(line); // throws if picocli would refuse it
      assertEquals(fields(viaPicocli.options), fields(quick), Arrays.toString(line));
    }
  }

  @Test
  void everythingElseIsLeftToPicocli() {
    for (String[] line : LEFT) {
      assertNull(AuditSearchArgs.parse(searchLine(line)), "taken: " + Arrays.toString(line));
    }
    assertNull(AuditSearchArgs.parse(new String[] {"audit", "status"}));
    assertNull(AuditSearchArgs.parse(new String[] {"check", "search"}));
    assertNull(AuditSearchArgs.parse(new String[] {"audit"}));
  }

  @Test
  void bothWaysPrintTheSameAndExitTheSame() {
    String log = AuditSearchCommandTest.fixture();
    String[][] lines = {
      {"--input", log, "-k", "kill_signals"},
      {"--input", log, "-ua", "0", "--format", "json"},
      {"--input", log, "-k", "no-such-key-anywhere"},
      {"--input", log + ".missing", "-k", "x"},
      {"--input", log, "-ts", "2099-01-01T00:00:00Z"},
      {"--input", log, "-ts", "yesterdayish"}, // invalid time: the quick way hands it to picocli
    };
    for (String[] line : lines) {
      String[] args = searchLine(line);
      if (!line[line.length - 1].equals("yesterdayish")) {
        assertNotNull(AuditSearchArgs.parse(args), Arrays.toString(line));
      }
      Fim.Run quick = Fim.run(args);
      Fim.Run picocli = Fim.runPicocli(args);
      assertEquals(picocli.toString(), quick.toString(), Arrays.toString(line));
    }
  }

  private static String[] searchLine(String... options) {
    List<String> a = new ArrayList<>(List.of("audit", "search"));
    a.addAll(List.of(options));
    return a.toArray(String[]::new);
  }

  private static List<Object> fields(AuditSearchOptions c) {
    return List.of(
        c.inputs,
        String.valueOf(c.key),
        String.valueOf(c.file),
        String.valueOf(c.auid),
        String.valueOf(c.start),
        String.valueOf(c.end),
        c.exact,
        c.format);
  }
}
