package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code fim audit search}'s command line read without picocli, for the command lines people type.
 * picocli builds its model by reflection over the annotated classes and runs its parser
 * interpreted: ~0.2 s of a cold JVM, a quarter of a search through a 500 MB audit.log
 * (bench/audit-search.sh). This reads exactly the options of {@link AuditSearchOptions}, each as
 * {@code NAME VALUE} or {@code --long=VALUE} ({@code -w}/{@code --word} alone), into the same
 * fields picocli would set.
 *
 * <p>Anything else returns null and picocli parses the whole line, so that every error, help and
 * corner of its syntax stays picocli's: help and version options, an unknown, repeated or valueless
 * option, a positional argument, {@code --}, an {@code @file} argument, a value that starts with
 * {@code -} (except a relative time such as {@code -24h} for {@code -ts}/{@code -te}), a format
 * other than {@code text}/{@code json}. {@code AuditSearchArgsTest} checks that the names here are
 * the annotations' and that picocli fills the same fields for every line this accepts.
 */
final class AuditSearchArgs {
  private AuditSearchArgs() {}

  static final Set<String> INPUT = Set.of("--input", "-if");
  static final Set<String> KEY = Set.of("-k", "--key");
  static final Set<String> FILE = Set.of("-f", "--file");
  static final Set<String> USER = Set.of("-ua", "--uid-all");
  static final Set<String> START = Set.of("-ts", "--start");
  static final Set<String> END = Set.of("-te", "--end");
  static final Set<String> WORD = Set.of("-w", "--word");
  static final Set<String> FORMAT = Set.of("--format");

  /** The options of {@code args} ({@code audit search …}), or null to let picocli parse them. */
  static AuditSearchOptions parse(String[] args) {
    if (args.length < 2 || !args[0].equals("audit") || !args[1].equals("search")) {
      return null;
    }
    AuditSearchOptions c = new AuditSearchOptions();
    boolean formatSet = false;
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      if (WORD.contains(a)) {
        if (c.exact) return null; // repeated
        c.exact = true;
        continue;
      }
      String name = a;
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null; // no value (or not an option at all)
      }
      boolean relativeTime = START.contains(name) || END.contains(name);
      if (value.isEmpty()
          || value.startsWith("@")
          || (value.startsWith("-") && !(relativeTime && isRelative(value)))) {
        return null;
      }
      if (INPUT.contains(name)) {
        try {
          c.inputs.add(Path.of(value));
        } catch (java.nio.file.InvalidPathException e) {
          return null; // e.g. bytes the locale cannot decode: picocli says which option and why
        }
      } else if (KEY.contains(name) && c.key == null) {
        c.key = value;
      } else if (FILE.contains(name) && c.file == null) {
        c.file = value;
      } else if (USER.contains(name) && c.auid == null) {
        c.auid = value;
      } else if (START.contains(name) && c.start == null) {
        c.start = value;
      } else if (END.contains(name) && c.end == null) {
        c.end = value;
      } else if (FORMAT.contains(name) && !formatSet && TextOrJson.of(value) != null) {
        c.format = TextOrJson.of(value);
        formatSet = true;
      } else {
        return null; // unknown, repeated, or a format picocli should refuse
      }
    }
    if (!formatSet) {
      c.format = ReportFormat.TEXT; // the annotation's default
    }
    return c;
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
