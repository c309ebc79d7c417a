package dev.fim.baseline.select;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads fim's config, AIDE's aide.conf(5) selection syntax plus fim options (docs/fim.conf.md).
 * The content is read as bytes and decoded as ISO-8859-1, one char per byte, so rules can name
 * paths that are not UTF-8 and parsing does not depend on the locale. Stateless and thread-safe.
 */
public final class ConfigParser {
  /** The resource holding fim's default config. */
  public static final String DEFAULT_RESOURCE = "default.conf";

  private ConfigParser() {}

  /**
   * Parses {@code content}. Problems that leave the config usable (ignored AIDE options,
   * unsupported hashes, unknown directives) go to {@code warnings}; the others throw.
   *
   * @param sourceName the name used in messages ({@code file:line: …})
   * @throws ConfigException naming the file, line, reason and what would have been accepted
   */
  public static Config parse(byte[] content, String sourceName, Consumer<ConfigWarning> warnings)
      throws ConfigException {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    Preprocessor macros = new Preprocessor(warnings);
    StatementParser statements = new StatementParser(sourceName, warnings);
    int number = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      ConfigLine line = new ConfigLine(sourceName, ++number, text.substring(start, end));
      String statement = macros.process(line);
      if (statement != null) {
        statements.accept(line, statement);
      }
      start = end + 1;
    }
    macros.finish();
    return statements.build();
  }

  /** Reads and parses {@code file}; messages name it as given. */
  public static Config parseFile(Path file, Consumer<ConfigWarning> warnings) throws ConfigException, IOException {
    return parse(Files.readAllBytes(file), file.toString(), warnings);
  }

  /** The bytes of fim's default config (for {@code fim} to print or install). */
  public static byte[] defaultConfigBytes() {
    try (InputStream in = ConfigParser.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + DEFAULT_RESOURCE + " missing from the fim-baseline jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * fim's default config. It parses without warnings (a test holds it to that), so a failure here
   * is a broken build, not a user error.
   */
  public static Config defaultConfig() {
    try {
      return parse(defaultConfigBytes(), "<default>", w -> {
        throw new IllegalStateException("default config: " + w);
      });
    } catch (ConfigException e) {
      throw new IllegalStateException("default config does not parse: " + e.getMessage(), e);
    }
  }
}
