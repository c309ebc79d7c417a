package dev.fim.cli;

import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the quick readers of a command line ({@link CheckArgs}, {@link InitArgs}) share: the walk
 * over the arguments after the command's name, the options of {@link CommonOptions} they read, and
 * picocli's path conversion. Every form either reader leaves to picocli is declined here, so both
 * decline the same forms: an option not in the reader's names, a repeated or valueless option, a
 * short option with its value attached, a value or PATH that is empty or starts with {@code -} or
 * {@code @}, {@code --}.
 */
final class QuickOptions {
  private QuickOptions() {}

  /**
   * Thrown by a command a quick reader ran ({@link CommandStreams#usage}) when it refuses the line,
   * before it has opened or printed anything: picocli then reads the whole line and says why.
   */
  static final class Declined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Declined() {
      super(null, null, false, false); // no stack trace: it is caught at once
    }
  }

  /** Where a reader puts what it read. */
  interface Fields {
    /**
     * Sets the option whose field (as {@code names} gives it) is {@code field} as picocli would;
     * false when picocli must read the line (repeated, or not convertible).
     */
    boolean set(String field, String value);
  }

  /**
   * Reads {@code args[1..]}: each option named in {@code names} (with its value as the next
   * argument, or a long option's after {@code =}) into {@code into}, each PATH onto {@code paths}.
   * False when picocli must read the whole line.
   */
  static boolean read(String[] args, Map<String, String> names, Fields into, List<String> paths) {
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-")) {
        if (a.isEmpty() || a.startsWith("@")) {
          return false;
        }
        paths.add(a);
        continue;
      }
      String field = names.get(a);
      String value;
      int eq = a.indexOf('=');
      if (field != null && i + 1 < args.length) {
        value = args[++i];
      } else if (field == null && a.startsWith("--") && eq > 2) {
        field = names.get(a.substring(0, eq));
        value = a.substring(eq + 1);
      } else {
        return false; // unknown, valueless, or a form left to picocli
      }
      if (field == null
          || value.isEmpty()
          || (value.startsWith("-") && !relativeTime(field, value))
          || value.startsWith("@")
          || !into.set(field, value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code value} of {@code field} is a time before now as the docs write it ({@code
   * --since -24h}, {@code -1h}, {@code -7d}, {@code -30m}, {@code -2w}, {@code -90s}): picocli
   * takes such a value for the option (no option of fim is named {@code -2} or the like), and it is
   * the form usage.md shows; any other value starting with {@code -} is left to picocli.
   */
  static boolean relativeTime(String field, String value) {
    if (!(field.equals("since") || field.equals("until")) || value.length() < 3) {
      return false;
    }
    int last = value.length() - 1;
    if ("smhdw".indexOf(value.charAt(last)) < 0) {
      return false;
    }
    for (int i = 1; i < last; i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Sets {@code --db}, {@code --key} or {@code -c}/{@code --config} ({@code field} "db", "key",
   * "config") as picocli would; false for another field, a repeated one, or a path picocli would
   * refuse.
   */
  static boolean setCommon(CommonOptions common, String field, String value) {
    switch (field) {
      case "db":
        if (common.db != null) return false;
        common.db = path(value);
        return common.db != null;
      case "key":
        if (common.key != null) return false;
        common.key = path(value);
        return common.key != null;
      case "config":
        if (common.config != null) return false;
        common.config = path(value);
        return common.config != null;
      default:
        return false;
    }
  }

  /**
   * {@link PathOptionConverter}'s path for {@code value}, or null where it refuses it (then picocli
   * says why): a name Java cannot make, or one that would name other bytes than those given. Needs
   * {@link Commands#rawArgs} for the line.
   */
  static Path path(String value) {
    Charset jnu = RawArgs.jnuCharset();
    Path p;
    try {
      p = Path.of(value);
    } catch (InvalidPathException e) {
      return null;
    }
    return Arrays.equals(Commands.rawArgs.bytesOf(value), value.getBytes(jnu)) ? p : null;
  }
}
