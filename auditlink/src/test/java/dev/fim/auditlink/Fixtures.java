package dev.fim.auditlink;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The module's one fixture resolver (parse, rules, interpret, reassembly and search tests):
 * resolves the fixtures ({@code -Dfim.fixtures}, set by the parent pom to this module's {@code
 * src/test/resources}) and fails with the missing file's name, never a bare NPE or
 * NoSuchFileException.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    String p = System.getProperty("fim.fixtures");
    if (p == null) {
      fail("system property fim.fixtures is not set (the parent pom sets it for surefire)");
    }
    Path root = Path.of(p);
    if (!Files.isDirectory(root)) {
      fail("fixture directory " + root.toAbsolutePath().normalize() + " does not exist");
    }
    return root;
  }

  public static Path file(String relative) {
    Path f = root().resolve(relative);
    if (!Files.isRegularFile(f)) {
      fail("fixture file " + f.toAbsolutePath().normalize() + " does not exist");
    }
    return f;
  }

  /** A fixture directory, which must exist. */
  public static Path dir(String relative) {
    Path d = root().resolve(relative);
    if (!Files.isDirectory(d)) {
      fail("fixture directory " + d.toAbsolutePath().normalize() + " does not exist");
    }
    return d;
  }

  /** Files of a fixture directory whose names end with {@code suffix}, sorted. */
  public static List<Path> list(String dir, String suffix) {
    Path d = dir(dir);
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError("listing " + d + ": " + e, e);
    }
  }

  /** The file's lines as bytes (split on '\n', no decoding); a trailing empty line is dropped. */
  public static List<byte[]> lines(Path f) {
    byte[] all;
    try {
      all = Files.readAllBytes(f);
    } catch (IOException e) {
      throw new AssertionError("reading fixture " + f + ": " + e, e);
    }
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length || all[i] == '\n') {
        if (i > start || i < all.length) {
          out.add(java.util.Arrays.copyOfRange(all, start, i));
        }
        start = i + 1;
      }
    }
    return out;
  }
}
