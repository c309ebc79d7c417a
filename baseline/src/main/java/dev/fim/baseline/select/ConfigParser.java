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

  /**
   * Longest line accepted, in bytes, as written and after {@code @@{VAR}} substitution: a config
   * line is a rule, a group or an option, none of which needs more (a regex may have at most
   * {@value Re2Regex#MAX_CHARS} bytes).
   */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  /**
   * Largest config accepted, in bytes, as read and again after macro expansion (every line
   * passed on plus every {@code @@define} value): a chain of {@code @@define}s that doubles a
   * value 40 times would otherwise fill any heap.
   */
  public static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

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
    if (content.length > MAX_CONFIG_BYTES) {
      throw tooLarge(sourceName, content, MAX_CONFIG_BYTES);
    }
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
      if (end - start > MAX_LINE_BYTES) {
        throw new ConfigException(sourceName, number + 1, null, "line is " + (end - start) + " bytes long; at most "
            + MAX_LINE_BYTES + " are accepted", "lines of at most " + MAX_LINE_BYTES + " bytes");
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

  /**
   * Reads and parses {@code file}; messages name it as given. Reads at most one byte more than
   * {@link #MAX_CONFIG_BYTES}, so a huge file (or {@code /dev/zero}) is an error, not a full heap.
   */
  public static Config parseFile(Path file, Consumer<ConfigWarning> warnings) throws ConfigException, IOException {
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes(MAX_CONFIG_BYTES + 1);
    }
    return parse(content, file.toString(), warnings);
  }

  /** The error for a config over {@code limit} bytes, at the line where the limit is crossed. */
  private static ConfigException tooLarge(String sourceName, byte[] content, int limit) {
    int line = 1;
    for (int i = 0; i < limit; i++) {
      if (content[i] == '\n') {
        line++;
      }
    }
    return new ConfigException(sourceName, line, null, "config is larger than " + limit + " bytes",
        "a config of at most " + limit + " bytes (" + (limit >> 20) + " MiB)");
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
