package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fim --version} and the agent that JSON documents name (issue 16). */
class VersionTest {
  @TempDir Path tmp;

  private static final Pattern LINE =
      Pattern.compile("fim (\\d+\\.\\d+\\.\\d+\\S*) \\(commit (\\S+), built (\\S+)\\)\n");

  /**
   * The version of the pom, the commit of the tree the build ran in (as git names it now), and a
   * build date that is a real instant, not "development build".
   */
  @Test
  void versionNamesTheVersionTheCommitAndTheBuildDate() throws Exception {
    Fim.Run r = Fim.run("--version");
    assertEquals(0, r.exit(), r.toString());
    Matcher m = LINE.matcher(r.out());
    assertTrue(m.matches(), r.toString());
    Path repo = Path.of(System.getProperty("fim.repo"));
    String pom = Files.readString(repo.resolve("pom.xml"));
    Matcher v =
        Pattern.compile("<artifactId>fim-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertTrue(v.find());
    assertEquals(v.group(1), m.group(1));
    String head = git(repo, "rev-parse", "HEAD");
    if (head != null) {
      // The build ran on this checkout: its commit, perhaps with "+modified" (uncommitted edits).
      assertTrue(m.group(2).matches("[0-9a-f]{12}(\\+modified)?"), m.group(2));
      assertTrue(head.startsWith(m.group(2).replace("+modified", "")), head + " vs " + m.group(2));
    } else {
      assertEquals("unknown", m.group(2), "built without git");
    }
    Instant built = Instant.parse(m.group(3));
    assertTrue(
        Duration.between(built, Instant.now()).toDays() < 30 && !built.isAfter(Instant.now()),
        "build date " + built);
  }

  /**
   * {@code fim --version} builds picocli's model of the root command alone (the model of every
   * subcommand, read by reflection, was most of its start-up), and still prints the version.
   */
  @Test
  void versionBuildsNoSubcommand() {
    for (String option : new String[] {"--version", "-V"}) {
      picocli.CommandLine cl =
          FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]), option);
      assertTrue(cl.getSubcommands().isEmpty(), option + ": " + cl.getSubcommands().keySet());
      assertTrue(LINE.matcher(Fim.run(option).out()).matches(), option);
    }
    // Anything else still gets the commands it names (help: all of them).
    assertTrue(
        FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]), "--help")
            .getSubcommands()
            .containsKey("check"));
  }

  /** check's JSON names, at its top, the agent that wrote it. */
  @Test
  void checkJsonNamesTheAgent() throws Exception {
    EtcTree t = EtcTree.in(tmp, "# test config\n");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    Fim.Run check = Fim.on(t.db(), t.key(), t.conf(), "check", "--format", "json");
    assertEquals(0, check.exit(), check.toString());
    JsonParser p = new JsonFactory().createParser(check.out());
    assertEquals(JsonToken.START_OBJECT, p.nextToken());
    String type = null;
    String version = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("agent")) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          p.nextToken();
          if (f.equals("type")) {
            type = p.getText();
          } else if (f.equals("version")) {
            version = p.getText();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    assertEquals("fim", type, check.out());
    Matcher m = LINE.matcher(Fim.run("--version").out());
    assertTrue(m.matches());
    assertEquals(m.group(1), version, check.out());
  }

  private static String git(Path repo, String... args) throws Exception {
    java.util.List<String> cmd =
        new java.util.ArrayList<>(java.util.List.of("git", "-C", repo.toString()));
    cmd.addAll(java.util.List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 ? out : null;
    } catch (java.io.IOException e) {
      return null; // no git
    }
  }
}
