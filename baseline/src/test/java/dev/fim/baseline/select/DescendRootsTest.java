package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.PathBytes;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pruning and walk roots: rule lines, then (directory, must the walk look inside?). */
class DescendRootsTest {

  static Stream<Arguments> descendCases() {
    return Stream.of(
        Arguments.of("/usr/bin R", "/", true),
        Arguments.of("/usr/bin R", "/usr", true),
        Arguments.of("/usr/bin R", "/usr/bin", true),
        Arguments.of("/usr/bin R", "/usr/lib", false),
        Arguments.of("/usr/bin R", "/etc", false),
        Arguments.of(
            "/usr/bin R", "/usr/binx", true), // the regex is a prefix: /usr/bin matches /usr/binx/y
        Arguments.of("/usr/bin$ R", "/usr/bin", false), // only the directory itself
        Arguments.of("/ R\n!/proc", "/proc", false),
        Arguments.of("/ R\n!/proc", "/proc/1", false),
        Arguments.of("/ R\n!/proc", "/etc", true),
        Arguments.of("/ R\n!/dev$", "/dev", false),
        Arguments.of("/ R\n!/dev$", "/dev/pts", false),
        Arguments.of("/ R\n!/dev$", "/devices", true),
        Arguments.of("/ R\n!/run d", "/run", true), // a restricted negative excludes only the entry
        Arguments.of("/ R\n-/run d", "/run", false), // -/ never enters a matching directory
        Arguments.of("/etc R\n=/var/ L", "/var", true),
        Arguments.of(
            "/etc R\n=/var/ L", "/var/log", false), // equals takes only the children of /var
        Arguments.of("/etc R\n=/var/ L", "/home", false),
        Arguments.of("=/etc/ R", "/etc", true),
        // issue 14 (differential seed 55): aide enters a directory an equals rule selects, where
        // another rule selects its entries (0.18.3's bug fixed upstream, 9c3119c, and in Debian)
        Arguments.of("/t R\n=/t L\n/t/x/.*\\.txt$ L", "/t", true),
        Arguments.of("=/etc/ R", "/etc/ssh", false),
        Arguments.of("=/etc R", "/etc", false),
        Arguments.of("/home/[^/]+/\\.ssh R", "/home", true),
        Arguments.of("/home/[^/]+/\\.ssh R", "/home/alice", true),
        Arguments.of("/home/[^/]+/\\.ssh R", "/home/alice/.ssh", true),
        Arguments.of("/home/[^/]+/\\.ssh R", "/home/alice/docs", false),
        Arguments.of("/var/log f >", "/var/log/apt", true),
        Arguments.of("# no rules", "/", false));
  }

  @ParameterizedTest(name = "{0} | descend {1} -> {2}")
  @MethodSource("descendCases")
  void descend(String rules, String dir, boolean expected) {
    assertEquals(expected, Configs.of(rules).selector().descend(path(dir)));
  }

  static Stream<Arguments> rootCases() {
    return Stream.of(
        Arguments.of("/usr/bin R", "/usr"),
        Arguments.of("/etc/ R", "/etc"),
        Arguments.of("/usr/bin R\n/usr/sbin R\n/usr/lib/x R\n/etc/ssh/ R", "/etc/ssh /usr"),
        Arguments.of(
            "/etc R\n=/var/ L", "/"), // /etc's literal is under / (it also matches /etcetera)
        Arguments.of("=/var/log/ L\n/var/spool/cron R", "/var/log /var/spool"),
        Arguments.of("/a/b(c|d) R\n/a/b/c R", "/a"),
        Arguments.of("!/proc\n!/sys", ""),
        Arguments.of("/var/log f >\n!/var/log/journal$", "/var"));
  }

  @ParameterizedTest(name = "{0} -> roots {1}")
  @MethodSource("rootCases")
  void roots(String rules, String expected) {
    List<PathBytes> want =
        expected.isEmpty()
            ? List.of()
            : Arrays.stream(expected.split(" ")).map(Configs::path).toList();
    assertEquals(want, Configs.of(rules).selector().roots());
  }
}
