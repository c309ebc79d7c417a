package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fim check} and {@code fim update} read without picocli ({@link CheckArgs}, issue 18): for
 * the lines it reads, the fields picocli would fill, and whole runs that print and exit the same;
 * every other option of picocli's models of check and update, and every malformed line, is left to
 * picocli.
 */
class CheckArgsTest {
  @TempDir Path tmp;

  /** The commands {@link CheckArgs} reads: the same options (mixins and PATHs). */
  private static final String[] COMMANDS = {"check", "update"};

  /** {@code args} with its first word (the command) replaced by {@code command}. */
  private static String[] as(String command, String[] args) {
    String[] a = args.clone();
    a[0] = command;
    return a;
  }

  private static CheckCommand quick(String... args) {
    Commands.rawArgs = RawArgs.fromProcCmdline(args);
    return CheckArgs.parse(args);
  }

  /** A value for option {@code name} that this reader takes. */
  private static String value(String name) {
    return name.equals("--format") ? "json" : "/tmp/fim check/ünïcode-" + name.length();
  }

  /**
   * Every option name of check's model: read here into the field picocli fills (both forms, alone
   * and together), or declined with and without a value.
   */
  @Test
  void everyOptionOfCheckAndUpdateIsReadAsPicocliReadsItOrLeftToPicocli() throws Exception {
    for (String command : COMMANDS) {
      everyOptionIsReadAsPicocliReadsItOrLeftToPicocli(command);
    }
    assertEquals(
        PicocliModels.spec("check").options().stream().map(o -> List.of(o.names())).toList(),
        PicocliModels.spec("update").options().stream().map(o -> List.of(o.names())).toList(),
        "check and update have the same options");
  }

  private static void everyOptionIsReadAsPicocliReadsItOrLeftToPicocli(String command)
      throws Exception {
    int read = 0;
    int declined = 0;
    List<String> all = new ArrayList<>();
    for (CommandLine.Model.OptionSpec o : PicocliModels.spec(command).options()) {
      for (String name : o.names()) {
        if (CheckArgs.NAMES.containsKey(name)) {
          String v = value(name);
          assertSame(PicocliModels.filled(command, name, v), quick(command, name, v), name);
          if (name.startsWith("--")) {
            assertSame(
                PicocliModels.filled(command, name + "=" + v),
                quick(command, name + "=" + v),
                name);
          } else {
            assertNull(quick(command, name + v), name + v + ": attached");
            assertNull(quick(command, name + "=" + v), name + "=" + v);
          }
          assertNull(quick(command, name, v, name, v), name + ": repeated");
          assertNull(quick(command, name), name + ": no value");
          assertNull(quick(command, name, ""), name + ": empty value");
          assertNull(quick(command, name, "-x"), name + ": a value like an option");
          assertNull(quick(command, name, "@file"), name + ": an @file value");
          all.add(name);
          all.add(v);
          read++;
        } else {
          assertNull(quick(command, name), name);
          assertNull(quick(command, name, "/x"), name + " /x");
          assertNull(quick(command, "/x", name), "/x " + name);
          if (name.startsWith("--")) {
            assertNull(quick(command, name + "=1"), name + "=1");
          }
          declined++;
        }
      }
    }
    assertEquals(6, read, "the names CheckArgs reads, all in check's model");
    assertEquals(CheckArgs.NAMES.size(), read);
    assertTrue(declined >= 10, "declined: " + declined);
    // The options that are never repeated, all at once, between and after PATHs.
    List<String> line = new ArrayList<>(List.of(command, "/a"));
    for (int i = 0; i < all.size(); i += 4) {
      line.addAll(all.subList(i, Math.min(i + 2, all.size())));
    }
    line.add("/b c");
    String[] args = line.toArray(String[]::new);
    assertSame(PicocliModels.filled(args), quick(args), String.join(" ", args));
  }

  /** PATHs, none, and the format's values; every odd PATH or value is left to picocli. */
  @Test
  void pathsAndFormatsAreReadAsPicocliReadsThem() throws Exception {
    for (String[] line :
        new String[][] {
          {"check"},
          {"check", "/etc"},
          {"check", "/etc", "/usr/bin", "relative/dir", "/etc"},
          {"check", "--format", "text"},
          {"check", "--format", "json", "/srv"},
          {"check", "--format=text", "/srv", "--db", "db"},
          {"check", "/srv", "--report", "r.json", "--format", "json", "-c", "fim.conf"},
          {"check", "--config", "c", "--key", "k", "--db", "d", "p"},
          {"check", "help"},
          {"check", "check"}
        }) {
      for (String command : COMMANDS) {
        String[] args = as(command, line);
        assertSame(PicocliModels.filled(args), quick(args), String.join(" ", args));
      }
    }
    for (String[] line :
        new String[][] {
          {"chec"},
          {"--db", "x", "check"},
          {"check", "--format", "xml"},
          {"check", "--format", "JSON"},
          {"check", "--format="},
          {"check", "--"},
          {"check", "--", "/etc"},
          {"check", "-"},
          {"check", ""},
          {"check", "@args"},
          {"check", "-h"},
          {"check", "--help"},
          {"check", "-V"},
          {"check", "--bogus"},
          {"check", "--db"},
          {"check", "--db=x", "--db", "y"},
          {"check", "-c", "a", "--config", "b"},
          {"check", "--dbx=y"},
          {"check", "-cfim.conf"},
          {"check", "--output", "journal"},
          {"check", "--ship", "http://localhost:9200"},
          {"check", "--audit-log", "/var/log/audit/audit.log"},
          {"check", "--threads", "2"},
          {"check", "--debug"},
          {"check", "--expect-seal", "abc"}
        }) {
      for (String command : COMMANDS) {
        String[] args = line[0].equals("check") ? as(command, line) : line;
        assertNull(quick(args), String.join("|", args));
      }
    }
    assertNull(quick("updat"));
    assertNull(quick("--db", "x", "update"));
  }

  /**
   * The same fields, in the command and each of its mixins: all of them but the shipping options'
   * (ShipAfterCommand reads those only with --ship, which CheckArgs never reads: it is null in
   * both).
   */
  private static void assertSame(Object expected, CheckCommand actual, String line)
      throws Exception {
    assertNotNull(actual, line + ": declined");
    assertEquals(
        expected.getClass().getDeclaredField("paths").get(expected),
        actual.paths,
        line + ": paths");
    for (String mixin : new String[] {"common", "output", "attribution", "shipping"}) {
      Object e = expected.getClass().getDeclaredField(mixin).get(expected);
      Object a = CheckCommand.class.getDeclaredField(mixin).get(actual);
      for (Field field : e.getClass().getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType() == ShipOptions.class) {
          continue;
        }
        field.setAccessible(true);
        assertTrue(
            Objects.equals(field.get(e), field.get(a)),
            line
                + ": "
                + mixin
                + "."
                + field.getName()
                + ": "
                + field.get(e)
                + " vs "
                + field.get(a));
      }
    }
    assertNull(actual.shipping.ship, line);
  }

  /**
   * Whole runs, each from the same database: unchanged, changed (exit 4, recorded), scoped, JSON,
   * to a report file, with a config, on a missing database, with the wrong key, on a locked one:
   * the same exit code, stdout, stderr and report file, read both ways (times and durations aside).
   */
  @Test
  void bothWaysPrintTheSameAndExitTheSame() throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    Path saved = tmp.resolve("saved");
    copy(t.db(), saved);
    String db = t.db().toString();
    String key = t.key().toString();
    String conf = t.conf().toString();
    Path report = tmp.resolve("report.json");
    Path wrongKey = Files.write(tmp.resolve("wrong.key"), new byte[32]);
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"check", "--db", db, "--key", key, "-c", conf});
    lines.add(
        new String[] {"check", "--db=" + db, "--key=" + key, "--config=" + conf, "--format=json"});
    lines.add(new String[] {"check", "--db", db, "--key", key, "-c", conf, t.tree() + "/etc/ssh"});
    lines.add(
        new String[] {
          "check", "--db", db, "--key", key, "-c", conf, "--report", report.toString()
        });
    lines.add(new String[] {"check", "--db", db, "--key", wrongKey.toString(), "-c", conf});
    lines.add(new String[] {"check", "--db", tmp.resolve("none").toString(), "-c", conf});
    lines.add(
        new String[] {"check", "--db", db, "--key", key, "-c", tmp.resolve("no.conf").toString()});
    for (String[] check : List.copyOf(lines)) {
      lines.add(as("update", check));
    }
    for (boolean changed : new boolean[] {false, true}) {
      if (changed) {
        Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.1 x\n");
        Files.writeString(t.tree().resolve("etc/new"), "new\n");
      }
      for (String[] args : lines) {
        assertNotNull(quick(args), String.join(" ", args));
        restore(saved, t.db());
        Files.deleteIfExists(report);
        Fim.Run q = Fim.run(args);
        String qReport = Files.exists(report) ? Files.readString(report) : null;
        restore(saved, t.db());
        Files.deleteIfExists(report);
        Fim.Run p = Fim.runPicocli(args);
        String pReport = Files.exists(report) ? Files.readString(report) : null;
        String what = String.join(" ", args) + (changed ? " (changed)" : "");
        assertEquals(timeless(p.toString()), timeless(q.toString()), what);
        assertEquals(timeless(pReport), timeless(qReport), what);
      }
    }
    // A locked database: the same refusal.
    restore(saved, t.db());
    try (dev.fim.store.Store held =
        dev.fim.store.Store.open(t.db(), dev.fim.store.Store.OpenMode.EXISTING)) {
      String[] args = lines.get(0);
      Fim.Run q = Fim.run(args);
      Fim.Run p = Fim.runPicocli(args);
      assertEquals(p, q);
      assertTrue(q.exit() >= ExitCodes.USAGE, q.toString());
    }
  }

  /**
   * A real {@code fim check} and {@code fim update}: picocli's model is not built at all (no {@code
   * CommandLine}, no annotation proxy), and the commands still run and report.
   */
  @Test
  void aRealCheckBuildsNoPicocliModel() throws Exception {
    aRealRunBuildsNoPicocliModel("check", 0, "0 changed");
  }

  @Test
  void aRealUpdateBuildsNoPicocliModel() throws Exception {
    aRealRunBuildsNoPicocliModel("update", 4, "1 changed");
  }

  private void aRealRunBuildsNoPicocliModel(String command, int exit, String summary)
      throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    if (exit != 0) {
      Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.1 x\n");
    }
    List<String> cmd =
        ChildFim.loggingClasses(
            command,
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "-c",
            t.conf().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("FIM_SYSLOG_SOCKET", tmp.resolve("no-syslog").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(exit, p.exitValue(), out);
    assertTrue(out.contains("Summary: 0 added, 0 removed, " + summary + ", 0 problems"), out);
    assertTrue(out.contains(" dev.fim.cli.CheckArgs "), "not read the quick way");
    assertFalse(out.contains(" picocli.CommandLine "), "picocli's CommandLine was loaded");
    assertFalse(out.contains("$Proxy"), "an annotation was read");
  }

  /** Times and durations, which differ from one run to the next. */
  private static String timeless(String s) {
    return s == null
        ? null
        : s.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME")
            .replaceAll("\\(\\d+(\\.\\d+)? s\\)", "(D s)")
            .replaceAll("in \\d+(\\.\\d+)? s", "in D s");
  }

  private static void restore(Path saved, Path db) throws IOException {
    delete(db);
    copy(saved, db);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }
}
