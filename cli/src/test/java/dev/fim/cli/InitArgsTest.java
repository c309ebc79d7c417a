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
 * {@code fim init} read without picocli ({@link InitArgs}, issue 18, session 12): for the lines it
 * reads, the fields picocli would fill, and whole runs that print, exit and store the same; every
 * other option of picocli's model of init, and every malformed line, is left to picocli.
 */
class InitArgsTest {
  @TempDir Path tmp;

  /** picocli's model of init, as a run of {@code fim init} builds it. */
  private static CommandLine.Model.CommandSpec initSpec() {
    return FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]), "init")
        .getSubcommands()
        .get("init")
        .getCommandSpec();
  }

  /** What picocli fills for {@code args}. */
  private static InitCommand picocli(String... args) {
    CommandLine cl = FimCommand.commandLine(RawArgs.fromProcCmdline(args), args);
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    return (InitCommand) parsed.subcommand().commandSpec().userObject();
  }

  private static InitCommand quick(String... args) {
    Commands.rawArgs = RawArgs.fromProcCmdline(args);
    return InitArgs.parse(args);
  }

  /** A value for option {@code name} that this reader takes. */
  private static String value(String name) {
    return name.equals("--threads") ? "3" : "/tmp/fim init/ünïcode-" + name.length();
  }

  /**
   * Every option name of init's model: read here into the field picocli fills (both forms, alone
   * and together), or declined with and without a value.
   */
  @Test
  void everyOptionOfInitIsReadAsPicocliReadsItOrLeftToPicocli() throws Exception {
    int read = 0;
    int declined = 0;
    List<String> all = new ArrayList<>();
    for (CommandLine.Model.OptionSpec o : initSpec().options()) {
      for (String name : o.names()) {
        if (InitArgs.NAMES.containsKey(name)) {
          String v = value(name);
          assertSame(picocli("init", name, v), quick("init", name, v), name);
          if (name.startsWith("--")) {
            assertSame(picocli("init", name + "=" + v), quick("init", name + "=" + v), name);
          } else {
            assertNull(quick("init", name + v), name + v + ": attached");
            assertNull(quick("init", name + "=" + v), name + "=" + v);
          }
          assertNull(quick("init", name, v, name, v), name + ": repeated");
          assertNull(quick("init", name), name + ": no value");
          assertNull(quick("init", name, ""), name + ": empty value");
          assertNull(quick("init", name, "-x"), name + ": a value like an option");
          assertNull(quick("init", name, "@file"), name + ": an @file value");
          all.add(name);
          all.add(v);
          read++;
        } else {
          assertNull(quick("init", name), name);
          assertNull(quick("init", name, "/x"), name + " /x");
          assertNull(quick("init", "/x", name), "/x " + name);
          if (name.startsWith("--")) {
            assertNull(quick("init", name + "=1"), name + "=1");
          }
          declined++;
        }
      }
    }
    assertEquals(5, read, "the names InitArgs reads, all in init's model");
    assertEquals(InitArgs.NAMES.size(), read);
    assertTrue(declined >= 6, "declined: " + declined);
    // The options that are never repeated, all at once, between and after PATHs.
    List<String> line = new ArrayList<>(List.of("init", "/a"));
    for (int i = 0; i < all.size(); i += 4) {
      line.addAll(all.subList(i, Math.min(i + 2, all.size())));
    }
    line.add("/b c");
    String[] args = line.toArray(String[]::new);
    assertSame(picocli(args), quick(args), String.join(" ", args));
  }

  /** PATHs, none, and thread counts; every odd PATH or value is left to picocli. */
  @Test
  void pathsAndThreadCountsAreReadAsPicocliReadsThem() throws Exception {
    for (String[] args :
        new String[][] {
          {"init"},
          {"init", "/etc"},
          {"init", "/etc", "/usr/bin", "relative/dir", "/etc"},
          {"init", "--threads", "1"},
          {"init", "--threads", "2", "/srv"},
          {"init", "--threads=12345", "/srv", "--db", "db"},
          {"init", "/srv", "--key", "k", "--threads", "99", "-c", "fim.conf"},
          {"init", "--config", "c", "--key", "k", "--db", "d", "p"},
          {"init", "help"},
          {"init", "init"}
        }) {
      assertSame(picocli(args), quick(args), String.join(" ", args));
    }
    for (String[] args :
        new String[][] {
          {"ini"},
          {"--db", "x", "init"},
          {"init", "--threads", "0"},
          {"init", "--threads", "02"},
          {"init", "--threads", "+2"},
          {"init", "--threads", "0x2"},
          {"init", "--threads", "two"},
          {"init", "--threads", "123456"},
          {"init", "--threads="},
          {"init", "--"},
          {"init", "--", "/etc"},
          {"init", "-"},
          {"init", ""},
          {"init", "@args"},
          {"init", "-h"},
          {"init", "--help"},
          {"init", "-V"},
          {"init", "--bogus"},
          {"init", "--db"},
          {"init", "--db=x", "--db", "y"},
          {"init", "-c", "a", "--config", "b"},
          {"init", "--dbx=y"},
          {"init", "-cfim.conf"},
          {"init", "--format", "json"},
          {"init", "--debug"},
          {"init", "--expect-seal", "abc"}
        }) {
      assertNull(quick(args), String.join("|", args));
    }
  }

  /** The same fields in the command's options, and the same PATHs. */
  private static void assertSame(InitCommand expected, InitCommand actual, String line)
      throws Exception {
    assertNotNull(actual, line + ": declined");
    assertEquals(expected.paths, actual.paths, line + ": paths");
    for (Field field : CommonOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      field.setAccessible(true);
      Object e = field.get(expected.common);
      Object a = field.get(actual.common);
      assertTrue(
          Objects.equals(e, a), line + ": common." + field.getName() + ": " + e + " vs " + a);
    }
  }

  /**
   * Whole runs, each from the same start: a first init (the key created), a re-init of a sealed
   * baseline, one scoped to a PATH, with one thread, with a missing config, with the wrong key, on
   * a locked database: the same exit code, stdout and stderr read both ways (durations aside), and
   * the same baseline after it, which a check through picocli reports alike.
   */
  @Test
  void bothWaysPrintTheSameExitTheSameAndStoreTheSame() throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    Path savedKey = tmp.resolve("saved.key");
    assertEquals(0, Fim.on(t.db(), savedKey, t.conf(), "init").exit());
    Path saved = tmp.resolve("saved");
    copy(t.db(), saved);
    Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.1 x\n");
    Files.writeString(t.tree().resolve("etc/new"), "new\n");
    String db = t.db().toString();
    String key = t.key().toString();
    String conf = t.conf().toString();
    Path wrongKey = Files.write(tmp.resolve("wrong.key"), new byte[32]);
    String[] check = {"check", "--db", db, "--key", key, "-c", conf};
    // {line, whether the database exists before it (the saved baseline, sealed with t.key())}
    List<Object[]> lines = new ArrayList<>();
    lines.add(new Object[] {new String[] {"init", "--db", db, "--key", key, "-c", conf}, false});
    lines.add(new Object[] {new String[] {"init", "--db", db, "--key", key, "-c", conf}, true});
    lines.add(
        new Object[] {
          new String[] {"init", "--db=" + db, "--key=" + key, "--config=" + conf, "--threads=1"},
          true
        });
    lines.add(
        new Object[] {
          new String[] {"init", "--db", db, "--key", key, "-c", conf, t.tree() + "/etc/ssh"}, true
        });
    lines.add(
        new Object[] {
          new String[] {"init", "--db", db, "--key", key, "-c", conf, t.tree().toString()}, false
        });
    lines.add(
        new Object[] {
          new String[] {"init", "--db", db, "--key", wrongKey.toString(), "-c", conf}, true
        });
    lines.add(
        new Object[] {
          new String[] {"init", "--db", db, "--key", key, "-c", tmp.resolve("no.conf").toString()},
          false
        });
    for (Object[] l : lines) {
      String[] args = (String[]) l[0];
      boolean existing = (Boolean) l[1];
      String what = String.join(" ", args) + (existing ? " (over a baseline)" : "");
      assertNotNull(quick(args), what);
      String[] ways = new String[2];
      for (int way = 0; way < 2; way++) {
        reset(t, saved, savedKey, existing);
        Fim.Run r = way == 0 ? Fim.run(args) : Fim.runPicocli(args);
        Fim.Run after = Fim.runPicocli(check);
        ways[way] = timeless(r.toString()) + "\n=== check after it\n" + timeless(after.toString());
      }
      assertEquals(ways[1], ways[0], what);
    }
    // A locked database: the same refusal.
    reset(t, saved, savedKey, true);
    try (dev.fim.store.Store held =
        dev.fim.store.Store.open(t.db(), dev.fim.store.Store.OpenMode.EXISTING)) {
      String[] args = (String[]) lines.get(1)[0];
      Fim.Run q = Fim.run(args);
      Fim.Run p = Fim.runPicocli(args);
      assertEquals(p, q);
      assertTrue(q.exit() >= ExitCodes.USAGE, q.toString());
    }
  }

  /**
   * A real {@code fim init}: picocli's model is not built at all (no {@code CommandLine}, no
   * annotation proxy), and the init still runs, reports and seals.
   */
  @Test
  void aRealInitBuildsNoPicocliModel() throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    List<String> cmd =
        ChildFim.loggingClasses(
            "init",
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
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("fim init: baseline of 2 files and 3 directories"), out);
    assertTrue(out.contains(" dev.fim.cli.InitArgs "), "not read the quick way");
    assertFalse(out.contains(" picocli.CommandLine "), "picocli's CommandLine was loaded");
    assertFalse(out.contains("$Proxy"), "an annotation was read");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "check").exit(), "the seal verifies");
  }

  /** The database (and key) as the line expects it: the saved baseline, or none. */
  private void reset(EtcTree t, Path saved, Path savedKey, boolean existing) throws IOException {
    delete(t.db());
    Files.deleteIfExists(t.key());
    if (existing) {
      copy(saved, t.db());
      Files.copy(savedKey, t.key());
    }
  }

  /** Durations, which differ from one run to the next. */
  private static String timeless(String s) {
    return s.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME")
        .replaceAll("\\(\\d+(\\.\\d+)? s\\)", "(D s)")
        .replaceAll("in \\d+(\\.\\d+)? s", "in D s");
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
