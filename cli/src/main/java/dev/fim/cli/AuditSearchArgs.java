package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code fim audit search}'s command line read without picocli's parser, for the command lines
 * people type. picocli builds its model by reflection over every command class and runs its parser
 * interpreted: a search of a small log took 0.48 s of CPU through picocli and 0.31 s this way
 * (user+sys, 15 runs each, re-measured after the project's other start-up work; a quarter of a
 * search through a 500 MB audit.log, bench/audit-search.sh).
 *
 * <p>The option names are listed here ({@link #NAMES}) rather than read from the {@link
 * picocli.CommandLine.Option} annotations of {@link AuditSearchOptions} at run time: reading an
 * annotation makes the JDK generate a proxy class for it (with its class writer, interpreted at
 * that point) on the main thread before the first byte of the log is read (issue 18, session 10).
 * {@code AuditSearchArgsTest} holds the list to the annotations: every annotated name, and no
 * other, is read here, into the field picocli fills, and an option added there without being added
 * here is simply unknown to this reader, which then leaves the line to picocli.
 *
 * <p>Anything unusual returns null and picocli parses the whole line, so that every error, help and
 * corner of its syntax stays picocli's: help and version options, an unknown, repeated or valueless
 * option, a positional argument, {@code --}, an {@code @file} argument, a value that starts with
 * {@code -} (except a relative time such as {@code -24h} for the time options), a format other than
 * {@code text}/{@code json}. {@code AuditSearchArgsTest} checks that picocli fills the same fields
 * for every line this accepts.
 */
final class AuditSearchArgs {
  private AuditSearchArgs() {}

  /**
   * Every option name of {@link AuditSearchOptions} and the name of the field it sets (as their
   * annotations give them: {@code AuditSearchArgsTest} compares).
   */
  static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("--input", "inputs"),
          Map.entry("-if", "inputs"),
          Map.entry("-k", "key"),
          Map.entry("--key", "key"),
          Map.entry("-f", "file"),
          Map.entry("--file", "file"),
          Map.entry("-ua", "auid"),
          Map.entry("--uid-all", "auid"),
          Map.entry("-ts", "start"),
          Map.entry("--start", "start"),
          Map.entry("-te", "end"),
          Map.entry("--end", "end"),
          Map.entry("-w", "exact"),
          Map.entry("--word", "exact"),
          Map.entry("--format", "format"));

  /** The options of {@code args} ({@code audit search …}), or null to let picocli parse them. */
  static AuditSearchOptions parse(String[] args) {
    if (args.length < 2 || !args[0].equals("audit") || !args[1].equals("search")) {
      return null;
    }
    AuditSearchOptions c = new AuditSearchOptions();
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      String f = NAMES.get(a);
      if ("exact".equals(f)) {
        if (c.exact) return null; // repeated
        c.exact = true;
        continue;
      }
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2) {
        f = NAMES.get(a.substring(0, eq));
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null; // no value (or not an option at all)
      }
      if (f == null || f.equals("exact")) {
        return null; // unknown, or a flag given a value
      }
      boolean relativeTime = f.equals("start") || f.equals("end");
      if (value.isEmpty()
          || value.startsWith("@")
          || (value.startsWith("-") && !(relativeTime && isRelative(value)))) {
        return null;
      }
      if (!set(c, f, value)) {
        return null;
      }
    }
    if (c.format == null) {
      c.format = ReportFormat.TEXT; // the option's defaultValue (the test compares)
    }
    return c;
  }

  /**
   * Sets one option's value as picocli would; false when picocli must decide (a repeated option, a
   * value it would refuse or convert differently).
   */
  private static boolean set(AuditSearchOptions c, String field, String value) {
    switch (field) {
      case "inputs":
        try {
          c.inputs.add(Path.of(value));
          return true;
        } catch (java.nio.file.InvalidPathException e) {
          return false; // e.g. bytes the locale cannot decode: picocli says which option and why
        }
      case "key":
        if (c.key != null) return false; // repeated
        c.key = value;
        return true;
      case "file":
        if (c.file != null) return false;
        c.file = value;
        return true;
      case "auid":
        if (c.auid != null) return false;
        c.auid = value;
        return true;
      case "start":
        if (c.start != null) return false;
        c.start = value;
        return true;
      case "end":
        if (c.end != null) return false;
        c.end = value;
        return true;
      case "format":
        if (c.format != null || TextOrJson.of(value) == null) return false;
        c.format = TextOrJson.of(value);
        return true;
      default:
        return false;
    }
  }

  /** {@code -24h}: a dash, digits and one unit letter (TimeSpec's relative form). */
  private static boolean isRelative(String v) {
    int n = v.length();
    if (n < 3 || v.charAt(0) != '-' || "smhdw".indexOf(v.charAt(n - 1)) < 0) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') return false;
    }
    return true;
  }
}
