package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statement stage: classifies each line the {@link Preprocessor} lets through as a rule, a
 * group definition or an option, and builds the {@link Config}. Not thread-safe: one per parse.
 */
final class StatementParser {
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z0-9_]+)[ \t]*=[ \t]*(.*)");

  /** aide.conf(5) options: accepted so that AIDE configs load, but they mean nothing to fim. */
  /**
   * Options aide 0.18.3 warns about (deprecated: database, grouped, summarize_changes) or rejects
   * (removed, or of other AIDE versions): a warning in fim too, where the others are notes.
   */
  private static final Set<String> REMOVED_AIDE_OPTIONS =
      Set.of(
          "database",
          "verbose",
          "grouped",
          "summarize_changes",
          "ignore_list",
          "recstop",
          "syslog_format",
          "report_attributes");

  private static final Set<String> AIDE_OPTIONS =
      Set.of(
          "database",
          "database_in",
          "database_out",
          "database_new",
          "database_attrs",
          "database_add_metadata",
          "log_level",
          "verbose",
          "gzip_dbout",
          "root_prefix",
          "acl_no_symlink_follow",
          "warn_dead_symlinks",
          "config_version",
          "config_check_warn_unrestricted_rules",
          "num_workers",
          "report_url",
          "report_level",
          "report_format",
          "report_base16",
          "report_detailed_init",
          "report_quiet",
          "report_append",
          "report_grouped",
          "grouped",
          "report_summarize_changes",
          "summarize_changes",
          "report_ignore_added_attrs",
          "report_ignore_removed_attrs",
          "report_ignore_changed_attrs",
          "ignore_list",
          "report_force_attrs",
          "report_attributes",
          "report_ignore_e2fsattrs",
          "recstop",
          "syslog_format",
          "report_syslog_format");

  private static final String ACCEPTED_LINE =
      "a rule (/regex [types] ATTRS, =/regex [types] ATTRS, "
          + "!/regex [types], -/regex [types]), a group (NAME = ATTRS), an option (name=value), "
          + "a @@ macro or a # comment";
  private static final String ACCEPTED_TYPES =
      "0 (none) or a comma-separated list of f d l c b p s (D and P are accepted and never match on Linux), "
          + "optionally followed by =FSTYPE (ignored)";

  private static final String ACCEPTED_REGEX =
      "a regular expression starting with /, implicitly anchored with ^, "
          + "in PCRE syntax without backreferences, lookaround, atomic groups, possessive quantifiers, recursion or "
          + "conditionals (fim matches with RE2: linear time), at most "
          + Re2Regex.MAX_CHARS
          + " bytes";

  private final String source;
  private final Consumer<ConfigWarning> warnings;
  private final Groups groups = new Groups();
  private final List<RegexRule> rules = new ArrayList<>();
  private final Map<String, Integer> optionLines = new HashMap<>();
  private int hashThreads;
  private PathBytes sealKey;

  StatementParser(String source, Consumer<ConfigWarning> warnings) {
    this.source = source;
    this.warnings = warnings;
  }

  /** The RULE_PREFIX of the {@code @@include DIR REGEX PREFIX} being read ("" outside one). */
  private String rulePrefix = "";

  String rulePrefix(String prefix) {
    String old = rulePrefix;
    rulePrefix = prefix;
    return old;
  }

  void accept(ConfigLine line, String text) throws ConfigException {
    String t = ConfigLine.trim(text);
    if (t.isEmpty() || t.charAt(0) == '#') {
      return;
    }
    for (RegexRule.Kind kind :
        new RegexRule.Kind[] {
          RegexRule.Kind.EQUALS,
          RegexRule.Kind.NEGATIVE,
          RegexRule.Kind.PRUNE,
          RegexRule.Kind.SELECT
        }) {
      if (t.startsWith(kind.prefix)) {
        rule(line, kind, t.substring(kind.prefix.length() - 1));
        return;
      }
    }
    if (t.charAt(0) == '!' || t.charAt(0) == '=' || t.charAt(0) == '-') {
      throw line.error("a rule's regex must start with \"/\"", ACCEPTED_LINE);
    }
    if (t.startsWith("@@")) {
      line.warn(warnings, "macro in an unexpected place ignored");
      return;
    }
    Matcher m = ASSIGNMENT.matcher(t);
    if (!m.matches()) {
      throw line.error("unrecognised line", ACCEPTED_LINE);
    }
    String name = m.group(1);
    String value = stripComment(m.group(2));
    if (name.equals("hash_threads") || name.equals("seal_key")) {
      option(line, name, value);
    } else if (REMOVED_AIDE_OPTIONS.contains(name)) {
      // aide 0.18 rejects these ("option is no longer supported"): a warning, not a note.
      line.warn(warnings, "AIDE option " + name + " is deprecated or removed in AIDE; ignored");
    } else if (AIDE_OPTIONS.contains(name)) {
      line.note(
          warnings,
          "AIDE option "
              + name
              + " has no effect in fim (the store and the report are set on fim's command line)"
              + (name.equals("num_workers") ? " (fim's option is hash_threads)" : ""));
    } else if (name.indexOf('_') >= 0 && name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
      // aide 0.18.3 reads a lower-case name with '_' as an option (unknown: an error there), and
      // one with an upper-case letter as a group: RHEL's CONTENT_EX = sha256+ftype+… is a group.
      line.warn(
          warnings, "unknown option " + name + " ignored (fim's options: hash_threads, seal_key)");
    } else {
      groups.define(line, name, value, warnings);
    }
  }

  Config build() {
    List<String> canonical = new ArrayList<>();
    StringBuilder form = new StringBuilder("fim-selection-v1\n");
    for (RegexRule r : rules) {
      canonical.add(r.canonical());
      form.append(r.canonical()).append('\n');
    }
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest(form.toString().getBytes(StandardCharsets.ISO_8859_1));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    return new Config(
        source,
        new RuleSelector(rules),
        canonical,
        groups.snapshot(),
        hashThreads,
        sealKey,
        digest);
  }

  private void option(ConfigLine line, String name, String value) throws ConfigException {
    Integer first = optionLines.putIfAbsent(name, line.number());
    if (first != null) {
      line.warn(
          warnings,
          name + " is already set at line " + first + "; the first one is used, as AIDE does");
      return;
    }
    if (name.equals("hash_threads")) {
      try {
        hashThreads = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        hashThreads = -1;
      }
      if (hashThreads < 0 || hashThreads > 4096) {
        throw line.error(
            "hash_threads must be a number from 0 to 4096, not '" + value + "'",
            "hash_threads=N (0 = one thread per core)");
      }
    } else {
      if (!value.startsWith("/") || value.indexOf('\0') >= 0) {
        throw line.error(
            "seal_key must be an absolute path without NUL bytes, not '" + value + "'",
            "seal_key=/etc/fim/seal.key");
      }
      sealKey = PathBytes.of(value.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private boolean warnedPercent;

  private void rule(ConfigLine line, RegexRule.Kind kind, String body) throws ConfigException {
    int end = 0;
    StringBuilder regex = new StringBuilder();
    while (end < body.length() && !ConfigLine.isBlank(body.charAt(end))) {
      char c = body.charAt(end);
      if (c == '\\' && end + 1 < body.length() && " @\\".indexOf(body.charAt(end + 1)) >= 0) {
        regex.append(
            body.charAt(end + 1)); // AIDE's lexer: '\' escapes ' ', '@' and '\' (not a tab)
        end += 2;
      } else {
        if (c == '%'
            && end + 2 < body.length()
            && isHex(body.charAt(end + 1))
            && isHex(body.charAt(end + 2))
            && !warnedPercent) {
          // aide.conf(5) says "%20" is a space, but no AIDE release decodes it in a rule (0.18.3's
          // lexer keeps it; issue 14's differential test): fim keeps the three characters too.
          warnedPercent = true;
          line.note(
              warnings,
              "'"
                  + body.substring(end, end + 3)
                  + "' in a rule is not URL-decoded (as in AIDE): it matches "
                  + "those three characters; write '\\ ' for a space, or \\xHH in the regex for a byte");
        }
        regex.append(c);
        end++;
      }
    }
    if (regex.indexOf("\0") >= 0) {
      // No path holds a NUL; PathBytes would reject the literal prefix with an
      // IllegalArgumentException.
      throw line.error(
          "a rule's regex contains a NUL byte (written as is or as %00); no path can hold one",
          "a regex of path bytes other than NUL");
    }
    List<String> words = new ArrayList<>();
    for (String w : stripComment(body.substring(end)).split("[ \t\r]+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    String expected =
        kind.positive() ? kind.prefix + "regex [types] ATTRS" : kind.prefix + "regex [types]";
    int restrictionAt;
    String expression = null;
    if (kind.positive()) {
      if (words.isEmpty()) {
        throw line.error("missing attribute expression after the regex", expected);
      }
      if (words.size() > 2) {
        throw line.error(
            "too many words after the regex (spaces inside an attribute expression are not allowed)",
            expected);
      }
      restrictionAt = words.size() == 2 ? 0 : -1;
      expression = words.get(words.size() - 1);
    } else {
      if (words.size() > 1) {
        throw line.error("a negative rule takes no attributes", expected);
      }
      restrictionAt = words.isEmpty() ? -1 : 0;
    }
    int typeMask = restrictionAt < 0 ? 0 : restriction(line, words.get(restrictionAt));
    AttributeSet attributes =
        expression == null ? null : groups.evaluate(line, expression, warnings);
    try {
      rules.add(new RegexRule(kind, rulePrefix + regex, typeMask, attributes, line.number(), line));
    } catch (Re2Regex.Rejected e) {
      throw line.error(e.getMessage(), ACCEPTED_REGEX);
    }
  }

  private int restriction(ConfigLine line, String word) throws ConfigException {
    if (word.equals("0")) {
      return 0;
    }
    int eq = word.indexOf('=');
    String types = eq < 0 ? word : word.substring(0, eq);
    if (eq >= 0) {
      line.warn(
          warnings, "file system type restriction '" + word.substring(eq) + "' is ignored by fim");
    }
    int mask = 0;
    boolean never = false;
    for (String t : types.isEmpty() ? new String[0] : types.split(",", -1)) {
      FileType ft =
          switch (t) {
            case "f" -> FileType.FILE;
            case "d" -> FileType.DIRECTORY;
            case "l" -> FileType.SYMLINK;
            case "c" -> FileType.CHAR_DEVICE;
            case "b" -> FileType.BLOCK_DEVICE;
            case "p" -> FileType.FIFO;
            case "s" -> FileType.SOCKET;
            case "D", "P" -> null; // Solaris doors and event ports: valid, never on Linux
            default ->
                throw line.error(
                    "unknown file type '" + t + "' in restriction '" + word + "'", ACCEPTED_TYPES);
          };
      if (ft == null) {
        never = true;
      } else {
        mask |= 1 << ft.ordinal();
      }
    }
    if (mask == 0 && never) {
      mask = 1 << FileType.UNKNOWN.ordinal() << 16; // restricted to types Linux never reports
    }
    return mask;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Drops a trailing comment: a '#' at the start or after a blank. */
  private static String stripComment(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '#' && (i == 0 || ConfigLine.isBlank(s.charAt(i - 1)))) {
        return ConfigLine.trim(s.substring(0, i));
      }
    }
    return ConfigLine.trim(s);
  }
}
