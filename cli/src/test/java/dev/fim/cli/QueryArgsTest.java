package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fim history}, {@code who} and {@code report} read without picocli ({@link QueryArgs},
 * issue 18, session 15): for the lines it reads, the fields picocli would fill, and whole runs that
 * print and exit the same (refusals included, which picocli reads again and says); every other
 * option of picocli's model of each command, and every malformed line, is left to picocli.
 */
class QueryArgsTest {
  @TempDir Path tmp;

  private static Object quick(String... args) {
    Commands.rawArgs = RawArgs.fromProcCmdline(args);
    switch (args.length == 0 ? "" : args[0]) {
      case "history":
        return QueryArgs.history(args);
      case "who":
        return QueryArgs.who(args);
      case "report":
        return QueryArgs.report(args);
      default:
        assertNull(QueryArgs.history(args));
        assertNull(QueryArgs.who(args));
        return QueryArgs.report(args);
    }
  }

  private static final Map<String, Map<String, String>> NAMES =
      Map.of("history", QueryArgs.HISTORY, "who", QueryArgs.WHO, "report", QueryArgs.REPORT);

  /** A value for option {@code name} that this reader takes. */
  private static String value(String name) {
    switch (name) {
      case "--since":
        return "2026-11-01";
      case "--until":
        return "7d";
      case "--format":
        return "json";
      case "-n":
      case "--limit":
        return "3";
      default:
        return "/tmp/fim query/ünïcode-" + name.length();
    }
  }

  private static String[] line(List<String> base, String... more) {
    List<String> l = new ArrayList<>(base);
    l.addAll(List.of(more));
    return l.toArray(String[]::new);
  }

  /**
   * Every option name of each command's model: read here into the field picocli fills (both forms,
   * alone and together), or declined with and without a value.
   */
  @Test
  void everyOptionOfEachCommandIsReadAsPicocliReadsItOrLeftToPicocli() throws Exception {
    for (String command : List.of("history", "who", "report")) {
      // who takes one PATH; report none.
      List<String> base = command.equals("who") ? List.of("who", "/p") : List.of(command);
      Map<String, String> names = NAMES.get(command);
      int read = 0;
      int declined = 0;
      List<String> all = new ArrayList<>(base);
      for (CommandLine.Model.OptionSpec o : PicocliModels.spec(command).options()) {
        for (String name : o.names()) {
          if (names.containsKey(name)) {
            String v = value(name);
            String[] args = line(base, name, v);
            assertSame(PicocliModels.filled(args), quick(args), String.join(" ", args));
            if (name.startsWith("--")) {
              args = line(base, name + "=" + v);
              assertSame(PicocliModels.filled(args), quick(args), String.join(" ", args));
            } else {
              assertNull(quick(line(base, name + v)), name + v + ": attached");
              assertNull(quick(line(base, name + "=" + v)), name + "=" + v);
            }
            assertNull(quick(line(base, name, v, name, v)), name + ": repeated");
            assertNull(quick(line(base, name)), name + ": no value");
            assertNull(quick(line(base, name, "")), name + ": empty value");
            assertNull(quick(line(base, name, "-x")), name + ": a value like an option");
            assertNull(quick(line(base, name, "@file")), name + ": an @file value");
            if (!all.contains(name)
                && !(name.equals("-n") || name.equals("-c") || name.equals("-o"))) {
              all.add(name);
              all.add(v);
            }
            read++;
          } else {
            assertNull(quick(line(base, name)), command + " " + name);
            assertNull(quick(line(base, name, "/x")), command + " " + name + " /x");
            assertNull(quick(line(base, "/x", name)), command + " /x " + name);
            if (name.startsWith("--")) {
              assertNull(quick(line(base, name + "=1")), command + " " + name + "=1");
            }
            declined++;
          }
        }
      }
      assertEquals(names.size(), read, command + ": the names QueryArgs reads, all in its model");
      assertTrue(declined >= 6, command + ": declined " + declined);
      // Every option read here at once (long names), after and before the PATH.
      String[] args = all.toArray(String[]::new);
      assertSame(PicocliModels.filled(args), quick(args), String.join(" ", args));
    }
  }

  /** PATHs, formats, times and limits as typed; every odd line is left to picocli. */
  @Test
  void theUsualLinesAreReadAsPicocliReadsThemAndTheOddOnesLeftToIt() throws Exception {
    for (String[] args :
        new String[][] {
          {"history"},
          {"history", "/etc"},
          {"history", "relative/dir"},
          {"history", "help"},
          {"history", "--since", "2026-11-01", "--until", "2026-12-01", "/etc"},
          {"history", "--format", "json", "/usr/bin"},
          {"history", "--since=yesterday", "--format=text"},
          {"history", "--since", "-24h"},
          {"history", "--since=-24h"},
          {"history", "--since", "-1h", "--until", "-30m", "/etc"},
          {"report", "--since", "-1h", "--format", "html", "--output", "r.html"},
          {"report", "--since", "-7d", "--until=-2w"},
          {"who", "--format", "json", "/etc/hosts"},
          {"history", "--since", "bogus"},
          {"who", "/etc/hosts"},
          {"who", "-n", "1", "--format", "json", "/etc/passwd"},
          {"who", "--limit=5", "p"},
          {"who", "p", "-n", "0"},
          {"who", "-n", "123456789", "p"},
          {"report", "--since", "1d"},
          {
            "report",
            "--since",
            "2026-11-01",
            "--until",
            "2026-12-01",
            "--format",
            "html",
            "-o",
            "n"
          },
          {"report", "--since=7d", "--format=csv", "--output=x.csv"},
          {"report", "--format", "text"},
          {"report"}
        }) {
      assertSame(PicocliModels.filled(args), quick(args), String.join(" ", args));
    }
    for (String[] args :
        new String[][] {
          {"histor"},
          {"--db", "x", "history"},
          {"history", "/a", "/b"},
          {"history", "--since", "-h"},
          {"history", "--since", "-24"},
          {"history", "--since", "-24x"},
          {"history", "--since", "-2-4h"},
          {"history", "--since", "--help"},
          {"history", "--since", "-V"},
          {"history", "--format", "-1h"},
          {"who", "-n", "-5", "p"},
          {"history", "--"},
          {"history", "--", "/etc"},
          {"history", "-"},
          {"history", ""},
          {"history", "@args"},
          {"history", "--format", "csv"},
          {"history", "--format", "JSON"},
          {"history", "-h"},
          {"history", "--help"},
          {"history", "-V"},
          {"history", "--debug"},
          {"history", "--expect-seal", "abc"},
          {"history", "--threads", "2"},
          {"history", "-cfim.conf"},
          {"history", "--dbx=y"},
          {"history", "--db=x", "--db", "y"},
          {"who"},
          {"who", "a", "b"},
          {"who", "-n", "02", "p"},
          {"who", "-n", "+2", "p"},
          {"who", "-n", "0x2", "p"},
          {"who", "-n", "two", "p"},
          {"who", "-n", "9999999999", "p"},
          {"who", "-n", "-1", "p"},
          {"who", "-n2", "p"},
          {"who", "--limit", "", "p"},
          {"who", "--format", "html", "p"},
          {"report", "/etc"},
          {"report", "--since", "1d", "--verify", "f"},
          {"report", "--verify", "f"},
          {"report", "--since", "1d", "--source", "http://x"},
          {"report", "--since", "1d", "--host", "h"},
          {"report", "--since", "1d", "--prefix-depth", "3"},
          {"report", "--since", "1d", "--exclude-verified-packages"},
          {"report", "--since", "1d", "--format", "xml"},
          {"report", "--since", "1d", "--format", "TEXT"},
          {"report", "--since", "1d", "-ofile"},
          {"report", "--since", "1d", "-o=file"},
          {"report", "--since", "1d", "--api-key-file", "k"}
        }) {
      assertNull(quick(args), String.join("|", args));
    }
  }

  /** The same fields in the command and its options' mixins (the cluster's only with --source). */
  private static void assertSame(Object expected, Object actual, String line) throws Exception {
    assertNotNull(actual, line + ": declined");
    assertEquals(expected.getClass(), actual.getClass(), line);
    for (Field field : expected.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())
          || field.getName().equals("spec")
          || field.getName().equals("cluster")) {
        continue;
      }
      field.setAccessible(true);
      Object e = field.get(expected);
      Object a = field.get(actual);
      if (e instanceof CommonOptions || e instanceof EventFormatOption) {
        for (Field inner : e.getClass().getDeclaredFields()) {
          if (Modifier.isStatic(inner.getModifiers())) {
            continue;
          }
          inner.setAccessible(true);
          Object ie = inner.get(e);
          Object ia = inner.get(a);
          assertTrue(
              Objects.equals(ie, ia),
              line + ": " + field.getName() + "." + inner.getName() + ": " + ie + " vs " + ia);
        }
      } else {
        assertTrue(Objects.equals(e, a), line + ": " + field.getName() + ": " + e + " vs " + a);
      }
    }
  }

  /**
   * Whole runs on a database with changes recorded by update and check: history, who and report
   * (every format, to stdout and to a file), nothing found, refused lines, the wrong key and no
   * database print the same and exit the same read both ways (times and digests aside).
   */
  @Test
  void bothWaysPrintTheSameAndExitTheSame() throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.1 x\n");
    assertEquals(4, Fim.on(t.db(), t.key(), t.conf(), "update").exit());
    Files.writeString(t.tree().resolve("etc/new"), "new\n");
    assertEquals(5, Fim.on(t.db(), t.key(), t.conf(), "check").exit()); // etc/new, etc
    String db = t.db().toString();
    String key = t.key().toString();
    String conf = t.conf().toString();
    String hosts = t.tree().resolve("etc/hosts").toString();
    Path wrongKey = Files.write(tmp.resolve("wrong.key"), new byte[32]);
    Path report = tmp.resolve("report.out");
    List<String[]> lines = new ArrayList<>();
    String[] on = {"--db", db, "--key", key, "-c", conf};
    lines.add(line(List.of("history"), on));
    lines.add(line(List.of("history", "--format", "json"), on));
    lines.add(line(List.of("history", t.tree().resolve("etc").toString()), on));
    lines.add(line(List.of("history", "--since", "1d", "--until", "2099-01-01"), on));
    lines.add(line(List.of("history", "--since=2020-01-01", "--until=2020-01-02"), on));
    lines.add(line(List.of("history", "--since", "yesterday", "--until", "2020-01-01"), on));
    lines.add(line(List.of("history", "--since", "bogus"), on));
    lines.add(new String[] {"history", "--db", db, "--key", wrongKey.toString(), "-c", conf});
    lines.add(new String[] {"history", "--db", tmp.resolve("none").toString()});
    lines.add(line(List.of("who", hosts), on));
    lines.add(line(List.of("who", "-n", "1", "--format", "json", hosts), on));
    lines.add(line(List.of("who", t.tree().resolve("etc/none").toString()), on));
    lines.add(line(List.of("who", "-n", "0", hosts), on));
    lines.add(new String[] {"who", "--db", db, "--key", wrongKey.toString(), "-c", conf, hosts});
    for (String format : List.of("text", "json", "csv", "html")) {
      lines.add(line(List.of("report", "--since", "1d", "--format", format), on));
    }
    lines.add(line(List.of("report", "--since", "1d", "--output", report.toString()), on));
    lines.add(
        line(List.of("report", "--since", "7d", "-o", report + ".html", "--format=html"), on));
    lines.add(line(List.of("report"), on));
    lines.add(line(List.of("report", "--since", "1d", "--until", "2020-01-01"), on));
    lines.add(line(List.of("report", "--since", "later"), on));
    lines.add(new String[] {"report", "--since", "1d", "--db", db, "--key", wrongKey.toString()});
    lines.add(new String[] {"report", "--since", "1d", "--db", tmp.resolve("none").toString()});
    for (String[] args : lines) {
      String what = String.join(" ", args);
      assertNotNull(quick(args), what);
      String[] ways = new String[2];
      for (int way = 0; way < 2; way++) {
        Files.deleteIfExists(report);
        Files.deleteIfExists(Path.of(report + ".html"));
        Fim.Run r = way == 0 ? Fim.run(args) : Fim.runPicocli(args);
        StringBuilder s = new StringBuilder(r.toString());
        for (Path written : List.of(report, Path.of(report + ".html"))) {
          if (Files.exists(written)) {
            s.append("\n=== ").append(written.getFileName()).append('\n');
            s.append(Files.readString(written));
          }
        }
        ways[way] = timeless(s.toString());
      }
      assertEquals(ways[1], ways[0], what);
    }
  }

  /**
   * Real {@code fim history} and {@code fim report} runs: picocli's model is not built at all (no
   * {@code CommandLine}, no annotation proxy), jffi is not started, and they still verify the
   * evidence and print.
   */
  @Test
  void aRealHistoryAndReportBuildNoPicocliModel() throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.1 x\n");
    assertEquals(4, Fim.on(t.db(), t.key(), t.conf(), "update").exit());
    String[] on = {
      "--db", t.db().toString(), "--key", t.key().toString(), "-c", t.conf().toString()
    };
    for (String[] args :
        new String[][] {
          line(List.of("history"), on),
          line(List.of("who", t.tree().resolve("etc/hosts").toString()), on),
          line(List.of("report", "--since", "1d"), on)
        }) {
      ProcessBuilder pb =
          new ProcessBuilder(ChildFim.loggingClasses(args)).redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains(" dev.fim.cli.QueryArgs "), args[0] + ": not read the quick way");
      assertFalse(
          out.contains(" picocli.CommandLine "), args[0] + ": picocli's CommandLine loaded");
      assertFalse(out.contains("$Proxy"), args[0] + ": an annotation was read");
      // the evidence's HMACs are the JDK's here: jffi's start (its stub, java.util.logging) is for
      // fim watch's libcrypto and the scans, not for a query (session 16's review)
      assertFalse(out.contains(" com.kenai.jffi."), args[0] + ": jffi started");
      assertTrue(out.contains("etc/hosts"), out);
    }
  }

  /**
   * The seal key's file without the built-in config built ({@link CommonOptions#sealKeyFile}) is
   * the one the built config names: it names none, so --key or DB-DIR.key.
   */
  @Test
  void theSealKeyFileIsTheConfigsWithoutBuildingTheBuiltInOne() throws Exception {
    assertNull(dev.fim.baseline.select.ConfigParser.defaultConfig().sealKey());
    java.io.PrintWriter err = new java.io.PrintWriter(new java.io.StringWriter());
    for (String[] args :
        new String[][] {
          {"history", "--db", tmp.resolve("db").toString()},
          {"history", "--db", "relative/db/", "--key", "k"},
          {"history", "--key", tmp.resolve("k").toString()},
          {"history"},
        }) {
      CommonOptions common = ((HistoryCommand) quick(args)).common;
      assertEquals(
          common.keyFile(CommonOptions.loadConfig(null, w -> {})),
          common.sealKeyFile(err),
          String.join(" ", args));
    }
    // A config file is read as before (its key, its errors).
    Path conf = Files.writeString(tmp.resolve("keyed.conf"), "seal_key=/keys/fim.key\n/etc p\n");
    CommonOptions keyed = ((HistoryCommand) quick("history", "-c", conf.toString())).common;
    assertEquals(Path.of("/keys/fim.key"), keyed.sealKeyFile(err));
    CommonOptions missing =
        ((HistoryCommand) quick("history", "-c", tmp.resolve("none.conf").toString())).common;
    org.junit.jupiter.api.Assertions.assertThrows(
        ErrorHandler.ConfigError.class, () -> missing.sealKeyFile(err));
  }

  /** Times and digests, which differ from one run to the next. */
  private static String timeless(String s) {
    return s.replaceAll("\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?Z?", "TIME")
        .replaceAll("[0-9a-f]{64}", "DIGEST");
  }
}
