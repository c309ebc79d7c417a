package dev.fim.baseline.select;

import dev.fim.baseline.Attribute;
import dev.fim.baseline.AttributeSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Attribute groups and the evaluation of attribute expressions ({@code R-md5+sha256}), as in
 * aide.conf(5) "GROUPS" and "TYPES / attribute expression". Starts with AIDE's predefined groups
 * mapped to fim's attributes. Not thread-safe: one instance per parse; {@link #snapshot()} is
 * immutable.
 */
final class Groups {
  /** fim's default group: what a path gets when only the command line selects it. */
  static final AttributeSet FIM_DEFAULT = expr("p+ftype+i+n+u+g+s+m+c+l+xattrs+xxh3");

  /** aide.conf(5): "Group names are limited to alphanumeric characters". */
  // AIDE 0.18 accepts '_' in a group name (RHEL's stock config has CONTENT_EX), with a deprecation
  // warning.
  static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_]+");

  /**
   * AIDE hashes fim does not compute (aide.conf(5) "Hashsums attributes"). Adding one adds sha256
   * instead, so content is still checked; removing one has no effect.
   */
  private static final Set<String> UNSUPPORTED_HASHES =
      Set.of(
          "md5",
          "sha1",
          "rmd160",
          "tiger",
          "crc32",
          "crc32b",
          "haval",
          "gost",
          "whirlpool",
          "stribog256",
          "stribog512",
          "sha512_256",
          "sha3_256",
          "sha3_512");

  /**
   * AIDE attributes without a fim counterpart: accepted and ignored, with a note (documented
   * differences, fim.conf.md "DIFFERENCES FROM AIDE").
   */
  private static final Map<String, String> UNSUPPORTED_ATTRIBUTES =
      Map.of(
          "e2fsattrs",
          "ext2 file attributes (chattr) are not captured",
          "fstype",
          "the file system type is not captured",
          "I",
          "a renamed file is reported as removed and added (aide pairs them by inode within a"
              + " directory)",
          "compressed",
          "a file replaced by its gzip is reported as removed and added (aide pairs them by the"
              + " uncompressed hash)",
          "bacl",
          "use acl");

  private final Map<String, AttributeSet> groups = new LinkedHashMap<>();
  private final Map<String, Integer> definedAt = new HashMap<>();

  Groups() {
    // AIDE's default groups (aide.conf(5) "Default groups"), with fim's hashes: X first, the others
    // use it.
    groups.put("X", expr("acl+selinux+xattrs+caps"));
    // AIDE 0.19's R hashes with sha3_256; fim uses its default hash, XXH3 (add +sha256 where an
    // attacker may collide).
    groups.put("R", expr("p+ftype+i+l+n+u+g+s+m+c+xxh3").union(groups.get("X")));
    groups.put("L", expr("p+ftype+i+l+n+u+g").union(groups.get("X")));
    // Growing file, as AIDE's: a larger size is fine, a smaller one is a change.
    groups.put(">", expr("p+ftype+l+u+g+i+n+s+growing").union(groups.get("X")));
    groups.put("H", expr("xxh3+sha256+sha512"));
    groups.put("E", AttributeSet.EMPTY);
    // Not AIDE defaults but the name most AIDE configs define for their main group: fim's default.
    groups.put("NORMAL", FIM_DEFAULT);
    groups.put("normal", FIM_DEFAULT);
  }

  /** Defines (or redefines) group {@code name} from an expression on {@code line}. */
  void define(ConfigLine line, String name, String expression, Consumer<ConfigWarning> warnings)
      throws ConfigException {
    if (!GROUP_NAME.matcher(name).matches()) {
      throw line.error("invalid group name '" + name + "'", "a group name of A-Z a-z 0-9 _");
    }
    if (Attribute.ofConfigName(name) != null
        || UNSUPPORTED_ATTRIBUTES.containsKey(name)
        || UNSUPPORTED_HASHES.contains(name)) {
      throw line.error(
          "'" + name + "' is an attribute name and cannot name a group", "another group name");
    }
    AttributeSet value = evaluate(line, expression, warnings);
    Integer previous = definedAt.put(name, line.number());
    if (previous != null) {
      line.warn(
          warnings, "group " + name + " redefined (previous definition at line " + previous + ")");
    }
    groups.put(name, value);
  }

  /**
   * Evaluates {@code a+b-c…} left to right, as AIDE does. Terms are attributes, groups, or AIDE
   * names fim maps (hashes it lacks) or ignores (with a warning).
   */
  AttributeSet evaluate(ConfigLine line, String expression, Consumer<ConfigWarning> warnings)
      throws ConfigException {
    String e = expression.replace(" ", "").replace("\t", "");
    if (e.isEmpty()) {
      throw line.error("missing attribute expression", acceptedExpression());
    }
    AttributeSet result = AttributeSet.EMPTY;
    int i = 0;
    char op = '+';
    while (i <= e.length()) {
      int j = i;
      while (j < e.length() && e.charAt(j) != '+' && e.charAt(j) != '-') {
        j++;
      }
      String term = e.substring(i, j);
      if (term.isEmpty()) {
        throw line.error("empty term in attribute expression '" + e + "'", acceptedExpression());
      }
      AttributeSet t = term(line, term, op == '+', warnings);
      result = op == '+' ? result.union(t) : result.minus(t);
      if (j == e.length()) {
        break;
      }
      op = e.charAt(j);
      i = j + 1;
    }
    return result;
  }

  /**
   * The groups as defined at the end of the parse: predefined first, then the config's, in order.
   */
  Map<String, AttributeSet> snapshot() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(groups));
  }

  private AttributeSet term(
      ConfigLine line, String term, boolean adding, Consumer<ConfigWarning> warnings)
      throws ConfigException {
    Attribute a = Attribute.ofConfigName(term);
    if (a != null) {
      return AttributeSet.of(a);
    }
    AttributeSet g = groups.get(term);
    if (g != null) {
      return g;
    }
    if (UNSUPPORTED_HASHES.contains(term)) {
      if (adding) {
        line.warn(warnings, "hash " + term + " is not supported by fim; sha256 is used instead");
        return AttributeSet.of(Attribute.SHA256);
      }
      line.warn(warnings, "hash " + term + " is not supported by fim; removing it has no effect");
      return AttributeSet.EMPTY;
    }
    String why = UNSUPPORTED_ATTRIBUTES.get(term);
    if (why != null) {
      // A documented difference (fim.conf.md), said once per line as a note.
      line.note(warnings, "attribute " + term + " is ignored: " + why);
      return AttributeSet.EMPTY;
    }
    throw line.error("undefined group or attribute '" + term + "'", acceptedExpression());
  }

  private String acceptedExpression() {
    StringBuilder sb =
        new StringBuilder("an attribute expression like p+u+g+sha256 or R-m; attributes:");
    for (Attribute a : Attribute.values()) {
      sb.append(' ').append(a.configName());
    }
    sb.append("; groups:");
    for (String g : groups.keySet()) {
      sb.append(' ').append(g);
    }
    return sb.toString();
  }

  private static AttributeSet expr(String plusSeparated) {
    AttributeSet s = AttributeSet.EMPTY;
    for (String name : plusSeparated.split("\\+")) {
      Attribute a = Attribute.ofConfigName(name);
      if (a == null) {
        throw new IllegalStateException("no attribute " + name);
      }
      s = s.with(a);
    }
    return s;
  }
}
