package dev.fim.baseline.select;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The macro stage of aide.conf(5) "MACRO LINES": {@code @@define}, {@code @@undef}, {@code @@{VAR}}
 * substitution and the conditionals {@code @@ifdef}, {@code @@ifndef}, {@code @@if [not]
 * defined|hostname|exists X}, {@code @@ifhost}, {@code @@ifnhost}, {@code @@else}, {@code @@endif};
 * it records {@code @@x_include_setenv} and hands {@code @@include}/{@code @@x_include} to {@link
 * ConfigParser} ({@link #takeInclude}). Hands the lines that survive, with variables substituted,
 * to the next stage.
 *
 * <p>Expansion is bounded: a substituted line (or {@code @@define} value) longer than {@link
 * ConfigParser#MAX_LINE_BYTES}, or more than {@link ConfigParser#MAX_CONFIG_BYTES} of expanded text
 * in all, is an error at that line, found before the text is built. Not thread-safe: one instance
 * per parse.
 */
final class Preprocessor {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

  /**
   * One open {@code @@if}: whether its enclosing block is active, its condition, which branch we
   * are in.
   */
  private record Branch(
      ConfigLine opener, boolean parentActive, boolean condition, boolean inElse) {
    boolean active() {
      return parentActive && (inElse != condition);
    }
  }

  /** An {@code @@include} or {@code @@x_include} met in an active branch, its words substituted. */
  record Include(ConfigLine line, boolean execute, String path, String regex, String prefix) {}

  private final Consumer<ConfigWarning> warnings;
  private final Map<String, String> variables = new HashMap<>();

  /**
   * {@code @@x_include_setenv} values, in order (AIDE: added to the environment, never overriding
   * it).
   */
  final Map<String, String> executeEnvironment = new java.util.LinkedHashMap<>();

  private final java.util.function.Supplier<String> hostname;

  /**
   * The branches opened by the files that include the current one: its @@else/@@endif cannot close
   * them.
   */
  private int floor;

  private Include include;
  private final Deque<Branch> branches = new ArrayDeque<>();

  /** Bytes of expanded text so far (lines passed on and @@define values). */
  private long expanded;

  Preprocessor(Consumer<ConfigWarning> warnings) {
    this(warnings, Preprocessor::hostname);
  }

  Preprocessor(Consumer<ConfigWarning> warnings, java.util.function.Supplier<String> hostname) {
    this.warnings = warnings;
    this.hostname = hostname;
  }

  /** The host's name as gethostname(2) gives it (the kernel's UTS node name), null if unknown. */
  static String hostname() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
          .strip();
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** The include the last processed line asked for (then forgotten), or null. */
  Include takeInclude() {
    Include i = include;
    include = null;
    return i;
  }

  /** Starts reading an included file: its conditionals must close in it. Returns the old floor. */
  int enterFile() {
    int old = floor;
    floor = branches.size();
    return old;
  }

  /** Ends an included file (see {@link #enterFile}). */
  void leaveFile(int oldFloor) throws ConfigException {
    if (branches.size() > floor) {
      throw branches
          .peek()
          .opener()
          .error(
              "@@if without @@endif in this file", "an @@endif line closing it in the same file");
    }
    floor = oldFloor;
  }

  /**
   * The line to parse with variables substituted, or null when the line is a macro or inside a
   * false branch.
   */
  String process(ConfigLine line) throws ConfigException {
    String t = ConfigLine.trim(line.latin1());
    if (t.startsWith("@@") && !t.startsWith("@@{")) {
      directive(line, t);
      return null;
    }
    if (!active()) {
      return null;
    }
    // aide substitutes inside a rule's regex token after reading its escapes, so a value goes in
    // as it is: escaped here for the rule parser's unescaping (a value ending in '\' followed by
    // "\b" is a literal backslash and b in aide, not "\\b" read as one backslash).
    boolean rule = !t.isEmpty() && "/!=".indexOf(t.charAt(0)) >= 0;
    return counted(line, substitute(line, line.latin1(), rule));
  }

  /**
   * An {@code @@define} value as aide stores it: its own escapes read ({@code \\ \space \@}), the
   * variables it uses inserted as they are.
   */
  private String defineValue(ConfigLine line, String rest) throws ConfigException {
    return unescape(substitute(line, rest, true));
  }

  /** The value with '\', ' ' and '@' escaped, so that the rule parser's unescaping restores it. */
  private static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 4);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == ' ' || c == '@') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Reads the escapes aide reads in a config word: {@code \\}, {@code \ } and {@code \@}. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && " @\\".indexOf(s.charAt(i + 1)) >= 0) {
        c = s.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Fails when an {@code @@if} is still open at the end of the file. */
  void finish() throws ConfigException {
    if (!branches.isEmpty()) {
      throw branches.peek().opener().error("@@if without @@endif", "an @@endif line closing it");
    }
  }

  private Branch popBranch() {
    return branches.size() > floor ? branches.poll() : null;
  }

  private boolean active() {
    return branches.isEmpty() || branches.peek().active();
  }

  private void directive(ConfigLine line, String t) throws ConfigException {
    String[] words = t.split("[ \t]+");
    String name = words[0];
    switch (name) {
      case "@@ifdef", "@@ifndef", "@@if", "@@ifhost", "@@ifnhost" -> {
        boolean parentActive = active();
        boolean condition = parentActive && condition(line, words);
        branches.push(new Branch(line, parentActive, condition, false));
        return;
      }
      case "@@else" -> {
        Branch b = popBranch();
        if (b == null || b.inElse()) {
          throw line.error(
              b == null ? "@@else without @@if" : "second @@else for one @@if",
              "@@if … @@else … @@endif");
        }
        branches.push(new Branch(b.opener(), b.parentActive(), b.condition(), true));
        return;
      }
      case "@@endif" -> {
        if (popBranch() == null) {
          throw line.error("@@endif without @@if", "@@if … @@endif");
        }
        return;
      }
      default -> {
        // the remaining directives act only in active branches
      }
    }
    if (!active()) {
      return;
    }
    switch (name) {
      case "@@define" -> {
        if (words.length < 2 || !NAME.matcher(words[1]).matches()) {
          throw line.error(
              "@@define needs a variable name", "@@define NAME value (NAME of A-Z a-z 0-9 _)");
        }
        String afterName = ConfigLine.trim(t.substring(name.length()));
        String rest = ConfigLine.trim(afterName.substring(words[1].length()));
        variables.put(words[1], counted(line, defineValue(line, rest)));
      }
      case "@@undef" -> {
        if (words.length != 2) {
          throw line.error("@@undef needs one variable name", "@@undef NAME");
        }
        variables.remove(words[1]);
      }
      case "@@include", "@@x_include" -> {
        String[] args =
            ConfigLine.trim(substitute(line, t.substring(name.length()))).split("[ \t]+");
        if (args.length < 1 || args[0].isEmpty() || args.length > 3) {
          throw line.error(
              name + " needs a file, or a directory and a regex",
              name + " FILE | " + name + " DIR REGEX [RULE_PREFIX]");
        }
        include =
            new Include(
                line,
                name.equals("@@x_include"),
                args[0],
                args.length > 1 ? args[1] : null,
                args.length > 2 ? args[2] : null);
      }
      case "@@x_include_setenv" -> {
        if (words.length < 2 || !words[1].matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw line.error(
              "@@x_include_setenv needs a variable name of A-Z a-z 0-9 _, not starting with a digit",
              "@@x_include_setenv VAR VALUE");
        }
        String afterName = ConfigLine.trim(t.substring(name.length()));
        executeEnvironment.put(
            words[1], substitute(line, ConfigLine.trim(afterName.substring(words[1].length()))));
      }
      default -> line.warn(warnings, "unknown directive " + name + " ignored");
    }
  }

  private boolean condition(ConfigLine line, String[] words) throws ConfigException {
    switch (words[0]) {
      case "@@ifdef", "@@ifndef" -> {
        if (words.length != 2) {
          throw line.error(words[0] + " needs one variable name", words[0] + " NAME");
        }
        return variables.containsKey(words[1]) == words[0].equals("@@ifdef");
      }
      case "@@if" -> {
        int i = 1;
        boolean negate = false;
        while (i < words.length && words[i].equals("not")) {
          negate = !negate;
          i++;
        }
        if (words.length != i + 2) {
          throw line.error(
              "@@if needs one condition", "@@if [not] defined NAME | hostname NAME | exists PATH");
        }
        String arg = substitute(line, words[i + 1]);
        return switch (words[i]) {
              case "defined" -> variables.containsKey(arg);
              case "hostname" -> isHost(line, arg);
              case "exists" ->
                  java.nio.file.Files.exists(
                      java.nio.file.Path.of(arg)); // access(F_OK): follows links
              default ->
                  throw line.error(
                      "unknown @@if condition '" + words[i] + "'",
                      "@@if [not] defined NAME | hostname NAME | exists PATH");
            }
            != negate;
      }
      case "@@ifhost", "@@ifnhost" -> {
        if (words.length != 2) {
          throw line.error(words[0] + " needs one host name", words[0] + " NAME");
        }
        boolean is = isHost(line, substitute(line, words[1]));
        return words[0].equals("@@ifhost") ? is : !is;
      }
      default -> throw new IllegalStateException(words[0]);
    }
  }

  private boolean isHost(ConfigLine line, String name) {
    String h = hostname.get();
    if (h == null) {
      // AIDE: "hostname not available; ifhost and ifnhost always evaluate to 'false'"
      line.warn(warnings, "the host name is not available; the host condition is false");
      return false;
    }
    return h.equals(name);
  }

  /** Adds {@code text} to the expansion total; fails once the total passes the limit. */
  private String counted(ConfigLine line, String text) throws ConfigException {
    expanded += text.length();
    if (expanded > ConfigParser.MAX_CONFIG_BYTES) {
      throw line.error(
          "macro expansion makes the config larger than "
              + ConfigParser.MAX_CONFIG_BYTES
              + " bytes",
          "a config of at most "
              + (ConfigParser.MAX_CONFIG_BYTES >> 20)
              + " MiB after @@{VAR} substitution");
    }
    return text;
  }

  /** {@code s} with each {@code @@{NAME}} replaced by its value as it is. */
  private String substitute(ConfigLine line, String s) throws ConfigException {
    return substitute(line, s, false);
  }

  /**
   * {@code s} with each {@code @@{NAME}} replaced, the value {@link #escape}d when {@code escaped};
   * fails before building a line over the limit.
   */
  private String substitute(ConfigLine line, String s, boolean escaped) throws ConfigException {
    int at = s.indexOf("@@{");
    if (at < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    while (at >= 0) {
      int end = at + 3;
      while (end < s.length() && isNameChar(s.charAt(end))) {
        end++;
      }
      if (end == at + 3 || end == s.length() || s.charAt(end) != '}') {
        // not a variable reference ("@@{", "@@{a b}"): the text stays as it is
        at = s.indexOf("@@{", at + 3);
        continue;
      }
      String name = s.substring(at + 3, end);
      String value = variables.get(name);
      if (value == null && name.equals("HOSTNAME")) {
        value = hostname.get(); // AIDE's predefined @@{HOSTNAME}
      }
      if (value == null) {
        // As aide: the empty string, said at its config log level only (not a warning).
        line.note(
            warnings, "variable @@{" + name + "} is not defined; replaced by the empty string");
        value = "";
      }
      if (escaped) {
        value = escape(value);
      }
      long length = (long) out.length() + (at - from) + value.length();
      if (length > ConfigParser.MAX_LINE_BYTES) {
        throw line.error(
            "line is longer than "
                + ConfigParser.MAX_LINE_BYTES
                + " bytes after @@{VAR} substitution",
            "lines (and @@define values) of at most "
                + ConfigParser.MAX_LINE_BYTES
                + " bytes once expanded");
      }
      out.append(s, from, at).append(value);
      from = end + 1;
      at = s.indexOf("@@{", from);
    }
    if ((long) out.length() + (s.length() - from) > ConfigParser.MAX_LINE_BYTES) {
      throw line.error(
          "line is longer than "
              + ConfigParser.MAX_LINE_BYTES
              + " bytes after @@{VAR} substitution",
          "lines (and @@define values) of at most "
              + ConfigParser.MAX_LINE_BYTES
              + " bytes once expanded");
    }
    return out.append(s, from, s.length()).toString();
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }
}
