package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.baseline.Attribute;
import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.Selector;
import dev.fim.store.FileType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped default.conf: parses cleanly and selects what its comments promise. */
class DefaultConfigTest {
  private static final Config CONFIG = ConfigParser.defaultConfig();

  @Test
  void parsesWithoutWarnings() throws ConfigException {
    List<ConfigWarning> warnings = new ArrayList<>();
    ConfigParser.parse(ConfigParser.defaultConfigBytes(), "default.conf", warnings::add);
    assertEquals(List.of(), warnings);
    assertEquals(0, CONFIG.hashThreads());
    assertNull(CONFIG.sealKey());
  }

  static Stream<Arguments> selection() {
    return Stream.of(
        Arguments.of("/etc/passwd", FileType.FILE, "BIN"),
        Arguments.of("/etc", FileType.DIRECTORY, "BIN"),
        Arguments.of("/usr/bin/ls", FileType.FILE, "BIN"),
        Arguments.of("/bin", FileType.SYMLINK, "BIN"),
        Arguments.of("/boot/vmlinuz", FileType.FILE, "BIN"),
        Arguments.of("/boot/grub/grubenv", FileType.FILE, "VARFILE"),
        Arguments.of("/etc/resolv.conf", FileType.SYMLINK, "VARFILE"),
        Arguments.of("/var/spool/cron/crontabs/root", FileType.FILE, "BIN"),
        Arguments.of("/root/.ssh/authorized_keys", FileType.FILE, "BIN"),
        Arguments.of("/var/log/syslog", FileType.FILE, "LOG"),
        Arguments.of("/var/log/apt/history.log", FileType.FILE, "LOG"),
        Arguments.of("/var/log/apt", FileType.DIRECTORY, "-"),
        Arguments.of("/var/log/syslog.1", FileType.FILE, "-"),
        Arguments.of("/var/log/syslog.2.gz", FileType.FILE, "-"),
        Arguments.of("/var/log/journal/abc/system.journal", FileType.FILE, "-"),
        Arguments.of("/etc/mtab", FileType.SYMLINK, "-"),
        Arguments.of("/etc/adjtime", FileType.FILE, "-"),
        Arguments.of("/home/alice/x", FileType.FILE, "-"),
        Arguments.of("/var/lib/fim/CURRENT", FileType.FILE, "-"),
        Arguments.of("/proc/1/status", FileType.FILE, "-"));
  }

  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @MethodSource("selection")
  void selects(String p, FileType type, String group) {
    assertEquals(Configs.group(CONFIG, group), CONFIG.selector().select(path(p), type));
  }

  static Stream<Arguments> pruning() {
    return Stream.of(
        Arguments.of("/", true),
        Arguments.of("/usr", true),
        Arguments.of("/usr/share", true),
        Arguments.of("/var", true),
        Arguments.of("/var/log", true),
        Arguments.of("/var/spool", true),
        Arguments.of("/root", true),
        Arguments.of("/proc", false),
        Arguments.of("/sys", false),
        Arguments.of("/dev", false),
        Arguments.of("/run", false),
        Arguments.of("/tmp", false),
        Arguments.of("/var/tmp", false),
        Arguments.of("/var/cache", false),
        Arguments.of("/var/lib", false),
        Arguments.of("/var/lib/fim", false),
        Arguments.of("/var/log/journal", false),
        Arguments.of("/home", false),
        Arguments.of("/root/Downloads", false));
  }

  @ParameterizedTest(name = "descend {0} -> {1}")
  @MethodSource("pruning")
  void prunes(String dir, boolean expected) {
    assertEquals(expected, CONFIG.selector().descend(path(dir)));
  }

  @Test
  void logsMayOnlyGrowAndAreNotHashed() {
    AttributeSet log = CONFIG.groups().get("LOG");
    assertTrue(log.contains(Attribute.GROWING_FILE));
    assertTrue(log.contains(Attribute.SIZE));
    assertEquals(List.of(), log.hashAlgorithms());
    assertTrue(CONFIG.groups().get("BIN").contains(Attribute.XXH3));
  }

  @Test
  void walkStartsAtRoot() {
    Selector s = CONFIG.selector();
    assertEquals(List.of(path("/")), s.roots());
  }
}
