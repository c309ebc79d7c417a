package dev.fim.cli;

import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Converts a FILE/DIR option ({@code --db}, {@code --key}, {@code --report}, {@code --output},
 * {@code -c}, {@code --audit-log}) to a Java {@link Path}, or refuses it with a reason a person can
 * act on.
 *
 * <p>Java names files with Strings, encoded with the locale's charset ({@code sun.jnu.encoding}).
 * Under cron's {@code LC_ALL=C} that is ASCII, so a path with a byte above 127 has no Java name at
 * all; and under a UTF-8 locale a path that is not valid UTF-8 decodes to U+FFFD, which Java would
 * encode back as other bytes, a <em>different</em> file. Such an option is a usage error (exit 16)
 * naming the option (picocli adds it), the exact bytes and what to do, never a Java exception's
 * text, and never a silently different file. (The scanned trees have no such limit: PATH arguments
 * and every path fim scans are bytes; only fim's own files go through Java's file API.)
 */
final class PathOptionConverter implements CommandLine.ITypeConverter<Path> {
  @Override
  public Path convert(String value) {
    byte[] raw = Commands.rawArgs.bytesOf(value);
    Charset jnu = RawArgs.jnuCharset();
    Path p;
    try {
      p = Path.of(value);
    } catch (InvalidPathException e) {
      throw refused(raw, jnu);
    }
    if (!Arrays.equals(raw, value.getBytes(jnu))) {
      throw refused(raw, jnu); // would name other bytes than those given
    }
    return p;
  }

  private static CommandLine.TypeConversionException refused(byte[] raw, Charset jnu) {
    return new CommandLine.TypeConversionException(
        "'"
            + escaped(raw)
            + "' cannot be opened under this locale: Java"
            + " names files in the locale's charset ("
            + jnu.name()
            + ("US-ASCII".equals(jnu.name()) ? ", e.g. LC_ALL=C" : "")
            + ") and these bytes are not valid in it; use a path of ASCII characters, or run fim under a UTF-8 locale"
            + " (e.g. LC_ALL=C.UTF-8) for a UTF-8 path");
  }

  /** Printable ASCII as is, every other byte as {@code \xNN}: the exact bytes, in any terminal. */
  static String escaped(byte[] raw) {
    StringBuilder sb = new StringBuilder(raw.length + 8);
    for (byte b : raw) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }
}
