package dev.fim.baseline.select;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The macro stage of aide.conf(5) "MACRO LINES": {@code @@define}, {@code @@undef},
 * {@code @@{VAR}} substitution and the conditionals {@code @@ifdef}, {@code @@ifndef},
 * {@code @@if [not] defined VAR}, {@code @@else}, {@code @@endif}. Hands the lines that survive,
 * with variables substituted, to the next stage. Conditions fim cannot evaluate without reading
 * the host ({@code hostname}, {@code exists}, {@code version_ge}) are false, with a warning.
 *
 * <p>Expansion is bounded: a substituted line (or {@code @@define} value) longer than {@link
 * ConfigParser#MAX_LINE_BYTES}, or more than {@link ConfigParser#MAX_CONFIG_BYTES} of expanded
 * text in all, is an error at that line, found before the text is built. Not thread-safe: one
 * instance per parse.
 */
final class Preprocessor {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

  /** One open {@code @@if}: whether its enclosing block is active, its condition, which branch we are in. */
  private record Branch(ConfigLine opener, boolean parentActive, boolean condition, boolean inElse) {
    boolean active() {
      return parentActive && (inElse != condition);
    }
  }

  private final Consumer<ConfigWarning> warnings;
  private final Map<String, String> variables = new HashMap<>();
  private final Deque<Branch> branches = new ArrayDeque<>();
  /** Bytes of expanded text so far (lines passed on and @@define values). */
  private long expanded;

  Preprocessor(Consumer<ConfigWarning> warnings) {
    this.warnings = warnings;
  }

  /** The line to parse with variables substituted, or null when the line is a macro or inside a false branch. */
  String process(ConfigLine line) throws ConfigException {
    String t = ConfigLine.trim(line.latin1());
    if (t.startsWith("@@") && !t.startsWith("@@{")) {
      directive(line, t);
      return null;
    }
    if (!active()) {
      return null;
    }
    return counted(line, substitute(line, line.latin1()));
  }

  /** Fails when an {@code @@if} is still open at the end of the file. */
  void finish() throws ConfigException {
    if (!branches.isEmpty()) {
      throw branches.peek().opener().error("@@if without @@endif", "an @@endif line closing it");
    }
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
        Branch b = branches.poll();
        if (b == null || b.inElse()) {
          throw line.error(b == null ? "@@else without @@if" : "second @@else for one @@if", "@@if … @@else … @@endif");
        }
        branches.push(new Branch(b.opener(), b.parentActive(), b.condition(), true));
        return;
      }
      case "@@endif" -> {
        if (branches.poll() == null) {
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
          throw line.error("@@define needs a variable name", "@@define NAME value (NAME of A-Z a-z 0-9 _)");
        }
        String afterName = ConfigLine.trim(t.substring(name.length()));
        String rest = ConfigLine.trim(afterName.substring(words[1].length()));
        variables.put(words[1], counted(line, substitute(line, rest)));
      }
      case "@@undef" -> {
        if (words.length != 2) {
          throw line.error("@@undef needs one variable name", "@@undef NAME");
        }
        variables.remove(words[1]);
      }
      case "@@include", "@@x_include", "@@x_include_setenv" ->
          line.warn(warnings, name + " is not supported by fim; the included rules are NOT read (copy them into this file)");
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
        if (i < words.length && words[i].equals("not")) {
          negate = true;
          i++;
        }
        if (words.length == i + 2 && words[i].equals("defined")) {
          return variables.containsKey(words[i + 1]) != negate;
        }
        if (words.length <= i) {
          throw line.error("@@if needs a condition", "@@if [not] defined NAME");
        }
        line.warn(warnings, "condition cannot be evaluated by fim (it reads no host state while parsing); treated as false");
        return false;
      }
      default -> {
        line.warn(warnings, words[0] + " cannot be evaluated by fim (it reads no host state while parsing); treated as false");
        return false;
      }
    }
  }

  /** Adds {@code text} to the expansion total; fails once the total passes the limit. */
  private String counted(ConfigLine line, String text) throws ConfigException {
    expanded += text.length();
    if (expanded > ConfigParser.MAX_CONFIG_BYTES) {
      throw line.error("macro expansion makes the config larger than " + ConfigParser.MAX_CONFIG_BYTES + " bytes",
          "a config of at most " + (ConfigParser.MAX_CONFIG_BYTES >> 20) + " MiB after @@{VAR} substitution");
    }
    return text;
  }

  /** {@code s} with each {@code @@{NAME}} replaced; fails before building a line over the limit. */
  private String substitute(ConfigLine line, String s) throws ConfigException {
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
      if (value == null) {
        line.warn(warnings, "variable @@{" + name + "} is not defined; replaced by the empty string");
        value = "";
      }
      long length = (long) out.length() + (at - from) + value.length();
      if (length > ConfigParser.MAX_LINE_BYTES) {
        throw line.error("line is longer than " + ConfigParser.MAX_LINE_BYTES + " bytes after @@{VAR} substitution",
            "lines (and @@define values) of at most " + ConfigParser.MAX_LINE_BYTES + " bytes once expanded");
      }
      out.append(s, from, at).append(value);
      from = end + 1;
      at = s.indexOf("@@{", from);
    }
    if ((long) out.length() + (s.length() - from) > ConfigParser.MAX_LINE_BYTES) {
      throw line.error("line is longer than " + ConfigParser.MAX_LINE_BYTES + " bytes after @@{VAR} substitution",
          "lines (and @@define values) of at most " + ConfigParser.MAX_LINE_BYTES + " bytes once expanded");
    }
    return out.append(s, from, s.length()).toString();
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }
}
