package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;

/**
 * Why the config selects a path or not ({@code fim config check PATH}): the rule that governs it,
 * the node of AIDE's selection tree that rule hangs on, the negative rule that drops it, and
 * whether the walk from the config's roots reaches it at all. Made by {@link Config#explain}.
 * Immutable.
 *
 * @param path the path asked about
 * @param type the type it was judged as (rules with a type restriction depend on it)
 * @param selectedBy the selective or equals rule whose regex and type matched first, or null when
 *     none did
 * @param equalsMatch true when {@code selectedBy} is an equals rule of the path's parent directory
 * @param excludedBy the negative rule that drops the path, or null
 * @param excludedAt the path or ancestor directory {@code excludedBy} matched, or null
 * @param root the walk root the path lies at or below, or null when it lies under none
 * @param notEntered the directory between {@code root} and the path that the walk does not enter,
 *     or null
 * @param passedOver the other selective and equals lines whose regex matches the path, in config
 *     order, each with why it did not decide (never tried from this path, type restriction, or
 *     tried after the one that selected)
 */
public record Explanation(
    PathBytes path,
    FileType type,
    Rule selectedBy,
    boolean equalsMatch,
    Rule excludedBy,
    PathBytes excludedAt,
    PathBytes root,
    PathBytes notEntered,
    java.util.List<PassedOver> passedOver) {

  /** A line whose regex matches the path but which did not decide, and why. */
  public record PassedOver(Rule rule, String why) {}

  /**
   * True when the rules select the path (a selective or equals rule matched and no negative rule
   * dropped it).
   */
  public boolean selected() {
    return selectedBy != null && excludedBy == null;
  }

  /**
   * True when {@code fim init} with this config records the path (it is selected and the walk
   * reaches it).
   */
  public boolean recorded() {
    return selected() && root != null && notEntered == null;
  }

  /** The attributes recorded for the path (groups expanded), or null when it is not selected. */
  public AttributeSet attributes() {
    return selected() ? selectedBy.attributes() : null;
  }

  /**
   * One config line that is a rule.
   *
   * @param source the file it was read from (an included file's path, an {@code @@x_include}
   *     executable's)
   * @param line its 1-based line number in that file
   * @param text the line as written (UTF-8 where valid)
   * @param kind {@code selective}, {@code equals}, {@code negative} or {@code non-recursive
   *     negative}
   * @param regex the regex after macro expansion and unescaping
   * @param node the directory of AIDE's selection tree the rule hangs on
   * @param attributes the rule's attributes, groups expanded; null for a negative rule
   */
  public record Rule(
      String source,
      int line,
      String text,
      String kind,
      String regex,
      String node,
      AttributeSet attributes) {

    /** {@code file:line}, the form editors jump to. */
    public String location() {
      return source + ":" + line;
    }

    static Rule of(RegexRule r) {
      String kind =
          switch (r.kind) {
            case SELECT -> "selective";
            case EQUALS -> "equals";
            case NEGATIVE -> "negative";
            case PRUNE -> "non-recursive negative";
          };
      ConfigLine o = r.origin;
      return new Rule(
          o == null ? "<command line>" : o.source(),
          o == null ? 0 : r.line,
          o == null ? r.regex : o.display(),
          kind,
          display(r.regex.getBytes(StandardCharsets.ISO_8859_1)),
          display(r.node),
          r.attributes);
    }

    /**
     * Config bytes for people: UTF-8 where valid (messages only; the rule itself keeps the bytes).
     */
    private static String display(byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
