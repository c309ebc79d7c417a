package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.Selector;
import dev.fim.store.FileType;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Command-line paths override the config's selection (DESIGN.md). Rows: config, command-line paths,
 * path, expected group ("-" not selected, "DEFAULT" fim's default group).
 */
class CommandLinePathsTest {
  private static final String CONF =
      String.join(
          "\n",
          "/etc R",
          "!/etc/shadow$",
          "/usr/bin L",
          "!/var/tmp$",
          "!/home/alice/\\.cache$",
          "!/.*\\.swp$");

  static Stream<Arguments> cases() {
    return Stream.of(
        // the config covers /etc: it decides, exclusions included
        Arguments.of("/etc", "/etc/passwd", "R"),
        Arguments.of("/etc", "/etc/shadow", "-"),
        Arguments.of("/etc/ /etc/ssh", "/etc/ssh/sshd_config", "R"),
        Arguments.of("/etc", "/usr/bin/ls", "-"), // outside the command-line paths
        Arguments.of("/usr", "/usr/bin/ls", "L"),
        Arguments.of(
            "/usr", "/usr/lib/libc.so", "-"), // covered: the config selects only /usr/bin there
        // nothing in the config for /home/alice: default group, minus exclusions inside it
        Arguments.of("/home/alice", "/home/alice/notes.txt", "DEFAULT"),
        Arguments.of("/home/alice", "/home/alice/.cache/x", "-"),
        Arguments.of("/home/alice", "/home/alice/.notes.swp", "-"),
        Arguments.of("/home/alice", "/home/bob/x", "-"),
        // the config excludes the whole area: naming a path inside it overrides that
        Arguments.of("/var/tmp/tree", "/var/tmp/tree/a/b", "DEFAULT"),
        Arguments.of("/var/tmp/tree", "/var/tmp/tree", "DEFAULT"),
        Arguments.of("/var/tmp/tree", "/var/tmp/other", "-"),
        Arguments.of("/etc/shadow", "/etc/shadow", "DEFAULT"),
        Arguments.of("//var//tmp/tree/", "/var/tmp/tree/x", "DEFAULT"));
  }

  @ParameterizedTest(name = "fim check {0}: {1} -> {2}")
  @MethodSource("cases")
  void selects(String args, String path, String expected) {
    Config c = Configs.of(CONF);
    Selector s = c.selector(Arrays.stream(args.split(" ")).map(Configs::path).toList());
    AttributeSet want =
        expected.equals("DEFAULT") ? Config.defaultGroup() : Configs.group(c, expected);
    assertEquals(want, s.select(path(path), FileType.FILE));
  }

  static Stream<Arguments> descendCases() {
    return Stream.of(
        Arguments.of("/home/alice", "/home/alice/src", true),
        Arguments.of("/home/alice", "/home/alice/.cache", false),
        Arguments.of("/home/alice", "/home", true), // above a command-line path
        Arguments.of("/home/alice", "/etc", false),
        Arguments.of("/usr", "/usr/lib", false),
        Arguments.of("/usr", "/usr/bin", true),
        Arguments.of("/var/tmp/tree", "/var/tmp/tree/sub", true));
  }

  @ParameterizedTest(name = "fim check {0}: descend {1} -> {2}")
  @MethodSource("descendCases")
  void descends(String args, String dir, boolean expected) {
    Selector s = Configs.of(CONF).selector(List.of(path(args)));
    assertEquals(expected, s.descend(path(dir)));
  }

  @org.junit.jupiter.api.Test
  void rootsAreTheCommandLinePathsWithoutNesting() {
    Selector s =
        Configs.of(CONF)
            .selector(List.of(path("/etc/ssh"), path("/usr/"), path("/etc"), path("/etc-x")));
    assertEquals(List.of(path("/etc"), path("/etc-x"), path("/usr")), s.roots());
  }

  @org.junit.jupiter.api.Test
  void noPathsMeansTheConfigsSelection() {
    Config c = Configs.of(CONF);
    assertEquals(c.selector(), c.selector(List.of()));
  }

  @org.junit.jupiter.api.Test
  void relativePathsAreRejected() {
    Config c = Configs.of(CONF);
    assertThrows(IllegalArgumentException.class, () -> c.selector(List.of(path("etc"))));
  }
}
