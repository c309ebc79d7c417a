package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.baseline.TestFiles;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 14: AIDE's directives — {@code @@include FILE|DIR REGEX [PREFIX]}, {@code @@x_include}
 * (executables' standard output as config, with {@code @@x_include_setenv}), the host conditions —
 * on real files and real processes. Each of these produced a warning and read nothing before.
 */
class ConfigIncludeTest {
  @TempDir Path dir;
  private final List<ConfigWarning> warnings = new ArrayList<>();

  private Config parse(Path main) throws Exception {
    return ConfigParser.parseFile(main, warnings::add);
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static boolean selected(Config c, String path) {
    return c.selector().select(PathBytes.ofUtf8(path), FileType.FILE) != null;
  }

  @Test
  void includeFileReadsItsRulesInPlace() throws Exception {
    write("rules.conf", "/data/b R\n@@define X /data/x\n");
    Path main =
        write("main.conf", "/data/a R\n@@include " + dir.resolve("rules.conf") + "\n@@{X} R\n");
    Config c = parse(main);
    assertEquals(List.of(), warnings);
    assertTrue(selected(c, "/data/a"));
    assertTrue(selected(c, "/data/b"));
    assertTrue(selected(c, "/data/x"), "a macro defined in the included file is defined after it");
  }

  @Test
  void includeDirectoryTakesMatchingRegularFilesInByteOrderWithPrefix() throws Exception {
    write("d/20_b", "/b L\n");
    write("d/10_a", "/b R\n/a R\n");
    write("d/skip.bak", "/skipped R\n");
    Files.createDirectories(dir.resolve("d/30_subdir"));
    Path main =
        write("main.conf", "@@include " + dir.resolve("d") + " ^[0-9]+_[a-z]+$ /srv/\n/other R\n");
    Config c = parse(main);
    assertEquals(List.of(), warnings);
    assertTrue(selected(c, "/srv/a"), "rules get the prefix (its trailing / dropped)");
    assertNull(
        c.selector().select(PathBytes.ofUtf8("/a"), FileType.FILE),
        "the prefix is part of the rule");
    assertEquals(
        Configs.group(c, "R"),
        c.selector().select(PathBytes.ofUtf8("/srv/b"), FileType.FILE),
        "10_a is read before 20_b: its /b line comes first in the node");
    assertTrue(!selected(c, "/srv/skipped"), "a name the regex does not match is skipped");
    assertTrue(selected(c, "/other"), "the prefix ends with the include");
  }

  @Test
  void xIncludeRunsExecutablesWithTheSetenvEnvironment() throws Exception {
    Path d = Files.createDirectories(dir.resolve("x"));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path exe =
        write("x/50_gen", "#!/bin/sh\necho \"/gen/$FIMTEST_NAME R\"\necho \"/home$HOME R\"\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    write("x/10_plain", "/plain R\n");
    Files.setPosixFilePermissions(
        dir.resolve("x/10_plain"), PosixFilePermissions.fromString("rw-r--r--"));
    Path main =
        write(
            "main.conf",
            "@@x_include_setenv FIMTEST_NAME made\n@@x_include_setenv HOME /not-used\n"
                + "@@x_include "
                + d
                + " ^[0-9]+_\n");
    Config c = parse(main);
    assertEquals(List.of(), warnings);
    assertTrue(selected(c, "/plain"), "a file that is not executable is read as it is");
    assertTrue(
        selected(c, "/gen/made"),
        "the executable's stdout is config, with @@x_include_setenv's variable");
    assertTrue(
        selected(c, "/home" + System.getenv("HOME")),
        "@@x_include_setenv never overrides the environment");
  }

  @Test
  void xIncludeRefusesGroupOrWorldWritableFiles() throws Exception {
    Path d = Files.createDirectories(dir.resolve("x"));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path exe = write("x/gen", "#!/bin/sh\necho /gen R\n");
    for (String mode : new String[] {"rwxrwxr-x", "rwxr-xrwx"}) {
      Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString(mode));
      Path main = write("main.conf", "@@x_include " + d + " ^gen$\n");
      ConfigException e = assertThrows(ConfigException.class, () -> parse(main));
      assertTrue(
          e.getMessage().contains(exe.toString()) && e.getMessage().contains("writable"),
          e.getMessage());
    }
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path main = write("main.conf", "@@x_include " + d + " ^gen$\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(main));
    assertTrue(
        e.getMessage().contains("'" + d + "'") && e.getMessage().contains("writable"),
        e.getMessage());
  }

  @Test
  @Tag("kernel")
  void xIncludeRefusesAFileNotOwnedByRoot() throws Exception {
    assumeTrue(TestFiles.isRoot(), "needs root to give the file to another user");
    Path exe = write("gen", "#!/bin/sh\necho /gen R\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(exe, "unix:uid", 65534);
    Path main = write("main.conf", "@@x_include " + exe + "\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(main));
    assertTrue(
        e.getMessage().contains(exe.toString()) && e.getMessage().contains("owned by uid 65534"),
        e.getMessage());
  }

  @Test
  void xIncludeFailsOnExitStatusOrStderr() throws Exception {
    Path exe = write("gen", "#!/bin/sh\necho /gen R\necho oops >&2\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path main = write("main.conf", "@@x_include " + exe + "\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(main));
    assertTrue(e.getMessage().contains("stderr: oops"), e.getMessage());
    Files.writeString(exe, "#!/bin/sh\nexit 3\n");
    e = assertThrows(ConfigException.class, () -> parse(main));
    assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
  }

  @Test
  void includeLoopAndDepthAreErrorsNamingTheChain() throws Exception {
    Path a = dir.resolve("a.conf");
    Path b = write("b.conf", "@@include " + a + "\n");
    write("a.conf", "/a R\n@@include " + b + "\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(a));
    assertTrue(
        e.getMessage()
            .contains("include loop: " + a.toRealPath() + " -> " + b.toRealPath() + " -> " + a),
        e.getMessage());

    for (int i = 0; i < 20; i++) {
      write("n" + i + ".conf", "@@include " + dir.resolve("n" + (i + 1) + ".conf") + "\n");
    }
    write("n20.conf", "/deep R\n");
    e = assertThrows(ConfigException.class, () -> parse(dir.resolve("n0.conf")));
    assertTrue(e.getMessage().contains("nested deeper than 16"), e.getMessage());
  }

  @Test
  void includedFileMustCloseItsConditionals() throws Exception {
    write("open.conf", "@@if defined X\n/x R\n");
    Path main = write("main.conf", "@@include " + dir.resolve("open.conf") + "\n@@endif\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(main));
    assertTrue(
        e.getMessage().contains("open.conf:1") && e.getMessage().contains("@@if without @@endif"),
        e.getMessage());
  }

  @Test
  void hostConditionsReadTheHost() throws Exception {
    String host = Preprocessor.hostname();
    assertNotNull(host);
    Path main =
        write(
            "main.conf",
            String.join(
                "\n",
                "@@ifhost " + host,
                "/yes/ifhost R",
                "@@endif",
                "@@ifnhost " + host,
                "/no/ifnhost R",
                "@@endif",
                "@@if hostname not-" + host,
                "/no/hostname R",
                "@@else",
                "/yes/else R",
                "@@endif",
                "@@if not hostname not-" + host,
                "/yes/nothostname R",
                "@@endif",
                "@@if exists " + dir,
                "/yes/exists R",
                "@@endif",
                "@@if exists " + dir.resolve("missing"),
                "/no/exists R",
                "@@endif",
                "@@if not defined NOPE",
                "@@if defined HOSTNAME",
                "/no/nested R",
                "@@endif",
                "/yes/@@{HOSTNAME} R",
                "@@endif",
                ""));
    Config c = parse(main);
    assertEquals(List.of(), warnings);
    for (String p :
        new String[] {
          "/yes/ifhost", "/yes/else", "/yes/nothostname", "/yes/exists", "/yes/" + host
        }) {
      assertTrue(selected(c, p), p);
    }
    for (String p : new String[] {"/no/ifnhost", "/no/hostname", "/no/exists", "/no/nested"}) {
      assertTrue(!selected(c, p), p);
    }
  }

  @Test
  void missingIncludeIsAnErrorWithThePath() throws Exception {
    Path main = write("main.conf", "@@include " + dir.resolve("nope.conf") + "\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(main));
    assertTrue(
        e.getMessage().contains("main.conf:1")
            && e.getMessage().contains("nope.conf")
            && e.getMessage().contains("no such file"),
        e.getMessage());
  }
}
