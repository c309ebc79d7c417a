package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.baseline.AttributeSet;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: configs from text, with their warnings collected. */
final class Configs {
  private Configs() {}

  /** Parses {@code lines} (UTF-8) as "t.conf" and fails on any warning. */
  static Config of(String... lines) {
    List<ConfigWarning> warnings = new ArrayList<>();
    Config c = parse(String.join("\n", lines), warnings);
    assertEquals(List.of(), warnings, "warnings");
    return c;
  }

  static Config parse(String text, List<ConfigWarning> warnings) {
    try {
      return ConfigParser.parse(text.getBytes(StandardCharsets.UTF_8), "t.conf", warnings::add);
    } catch (ConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static PathBytes path(String s) {
    return PathBytes.ofUtf8(s);
  }

  /** The group's attributes, or null for "-" (not selected). */
  static AttributeSet group(Config c, String name) {
    if (name.equals("-")) {
      return null;
    }
    AttributeSet s = c.groups().get(name);
    if (s == null) {
      throw new AssertionError("no group " + name);
    }
    return s;
  }
}
