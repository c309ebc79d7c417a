package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code fim audit search}'s command line read without picocli's parser, for the command lines
 * people type. picocli builds its model by reflection over every command class and runs its parser
 * interpreted: a search of a small log took 0.48 s of CPU through picocli and 0.31 s this way
 * (user+sys, 15 runs each, re-measured after the project's other start-up work; a quarter of a
 * search through a 500 MB audit.log, bench/audit-search.sh).
 *
 * <p>The options are not written twice: their names, which of them are flags and the format's
 * default are read from the {@link Option} annotations of {@link AuditSearchOptions} (reading an
 * annotation does not build picocli's model), so an option added there is either read here with the
 * same meaning or, if its field has a type this does not know, makes the quick way step aside.
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

  /** Fields whose value may look like an option: a relative time ({@code -ts -24h}). */
  private static final Set<String> TIME_FIELDS = Set.of("start", "end");

  /** Every option name of {@link AuditSearchOptions} and the field it sets. */
  static Map<String, Field> optionFields() {
    Map<String, Field> byName = new HashMap<>();
    for (Field f : AuditSearchOptions.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o != null) {
        for (String name : o.names()) {
          byName.put(name, f);
        }
      }
    }
    return byName;
  }

  /** The options of {@code args} ({@code audit search …}), or null to let picocli parse them. */
  static AuditSearchOptions parse(String[] args) {
    if (args.length < 2 || !args[0].equals("audit") || !args[1].equals("search")) {
      return null;
    }
    Map<String, Field> fields = optionFields();
    AuditSearchOptions c = new AuditSearchOptions();
    try {
      for (int i = 2; i < args.length; i++) {
        String a = args[i];
        Field f = fields.get(a);
        if (f != null && f.getType() == boolean.class) {
          if (f.getBoolean(c)) return null; // repeated
          f.setBoolean(c, true);
          continue;
        }
        String name = a;
        String value;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 2) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
          f = fields.get(name);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          return null; // no value (or not an option at all)
        }
        if (f == null || f.getType() == boolean.class) {
          return null; // unknown, or a flag given a value
        }
        boolean relativeTime = TIME_FIELDS.contains(f.getName());
        if (value.isEmpty()
            || value.startsWith("@")
            || (value.startsWith("-") && !(relativeTime && isRelative(value)))) {
          return null;
        }
        if (!set(c, f, value)) {
          return null;
        }
      }
      Field format = AuditSearchOptions.class.getDeclaredField("format");
      if (format.get(c) == null) {
        format.set(c, TextOrJson.of(format.getAnnotation(Option.class).defaultValue()));
      }
    } catch (ReflectiveOperationException e) {
      return null; // the options changed shape: picocli reads them
    }
    return c;
  }

  /**
   * Sets one option's value as picocli would; false when picocli must decide (a repeated option, a
   * value it would refuse or convert differently, a field type this does not read).
   */
  private static boolean set(AuditSearchOptions c, Field f, String value)
      throws IllegalAccessException {
    Class<?> type = f.getType();
    if (type == List.class) {
      try {
        @SuppressWarnings("unchecked")
        List<Path> list = (List<Path>) f.get(c);
        list.add(Path.of(value));
        return true;
      } catch (java.nio.file.InvalidPathException e) {
        return false; // e.g. bytes the locale cannot decode: picocli says which option and why
      }
    }
    if (f.get(c) != null) {
      return false; // repeated
    }
    if (type == String.class) {
      f.set(c, value);
      return true;
    }
    if (type == ReportFormat.class && TextOrJson.of(value) != null) {
      f.set(c, TextOrJson.of(value));
      return true;
    }
    return false;
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
