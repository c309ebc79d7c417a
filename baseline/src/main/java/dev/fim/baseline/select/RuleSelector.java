package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.Selector;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import com.google.re2j.Matcher;

/**
 * The compiled selection lines, deciding as AIDE's seltree does (aide.conf(5): "a deepest-match
 * algorithm to find the tree node to search, but a first-match algorithm inside the node"):
 *
 * <ol>
 *   <li>Equals rules whose directory node is the path's parent directory, in config order: the
 *       first that matches selects the path.
 *   <li>Otherwise selective rules, those of the deepest directory node first, config order within
 *       a node: the first that matches selects the path.
 *   <li>A selected path is dropped when a negative rule matches it (type restriction honoured), or
 *       an unrestricted negative rule (or a {@code -/} rule that allows directories) matches one of
 *       its ancestor directories below that rule's node: negative rules are the strongest,
 *       whatever their order.
 * </ol>
 *
 * A rule whose type restriction does not allow the path's type is skipped (the next one is
 * tried). Immutable and thread-safe; each thread reuses its own {@link Matcher}s.
 *
 * <p>Hot path: {@link #select} runs for every file of a scan. Most rules are rejected by a byte
 * compare of their literal prefix; a regex runs only when the prefix matches, and rules without
 * metacharacters never run one.
 */
final class RuleSelector implements Selector {
  private final RegexRule[] rules;
  private final int[] equalsRules;
  private final int[] selectRules;
  private final int[] negativeRules;
  private final int[] subtreeRules;
  private final int[] positiveRules;
  private final List<PathBytes> roots;
  private final ThreadLocal<Matcher[]> matchers;

  RuleSelector(List<RegexRule> inConfigOrder) {
    this.rules = inConfigOrder.toArray(new RegexRule[0]);
    this.equalsRules = indices(r -> r.kind == RegexRule.Kind.EQUALS);
    this.negativeRules = indices(r -> !r.kind.positive());
    this.subtreeRules = indices(r -> (r.kind == RegexRule.Kind.NEGATIVE && r.typeMask == 0)
        || (r.kind == RegexRule.Kind.PRUNE && r.allows(FileType.DIRECTORY)));
    this.positiveRules = indices(r -> r.kind.positive());
    // Deepest node first; the sort is stable, so config order stays within one node.
    this.selectRules = Arrays.stream(indices(r -> r.kind == RegexRule.Kind.SELECT)).boxed()
        .sorted(Comparator.comparingInt((Integer i) -> -rules[i].node.length))
        .mapToInt(Integer::intValue).toArray();
    List<PathBytes> nodes = new ArrayList<>();
    for (int i : positiveRules) {
      nodes.add(PathBytes.of(rules[i].node));
    }
    this.roots = outermost(nodes);
    this.matchers = ThreadLocal.withInitial(() -> new Matcher[rules.length]);
  }

  @Override
  public AttributeSet select(PathBytes path, FileType type) {
    byte[] p = path.toBytes();
    if (p.length == 0 || p[0] != '/') {
      return null;
    }
    Matcher[] ms = matchers.get();
    ByteChars text = new ByteChars(p);
    int dirLen = parentLength(p, p.length);
    AttributeSet attributes = null;
    for (int i : equalsRules) {
      RegexRule r = rules[i];
      if (r.node.length == dirLen && Arrays.equals(r.node, 0, dirLen, p, 0, dirLen) && r.allows(type)
          && r.matches(text, matcher(ms, i))) {
        attributes = r.attributes;
        break;
      }
    }
    if (attributes == null) {
      for (int i : selectRules) {
        RegexRule r = rules[i];
        if (r.allows(type) && r.matches(text, matcher(ms, i))) {
          attributes = r.attributes;
          break;
        }
      }
      if (attributes == null) {
        return null;
      }
    }
    for (int i : negativeRules) {
      RegexRule r = rules[i];
      if (r.allows(type) && r.matches(text, matcher(ms, i))) {
        return null;
      }
    }
    return excludedAsSubtree(p, false, text, ms) ? null : attributes;
  }

  @Override
  public boolean descend(PathBytes dir) {
    byte[] p = withoutTrailingSlash(dir.toBytes());
    if (p.length == 0 || p[0] != '/') {
      return true;
    }
    Matcher[] ms = matchers.get();
    if (excludedAsSubtree(p, true, new ByteChars(p), ms)) {
      return false;
    }
    return mayMatchBelow(p);
  }

  @Override
  public List<PathBytes> roots() {
    return roots;
  }

  /**
   * True when the config selects something at or below {@code root}, i.e. the config, not fim's
   * default group, should decide there (see {@link RestrictedSelector}).
   */
  boolean covers(byte[] root) {
    Matcher[] ms = matchers.get();
    ByteChars text = new ByteChars(root);
    if (excludedAsSubtree(root, true, text, ms)) {
      return false;
    }
    int dirLen = parentLength(root, root.length);
    for (int i : positiveRules) {
      RegexRule r = rules[i];
      boolean equalsHere = r.kind != RegexRule.Kind.EQUALS
          || (r.node.length == dirLen && Arrays.equals(r.node, 0, dirLen, root, 0, dirLen));
      if (equalsHere && r.matches(text.limit(root.length), matcher(ms, i))) {
        return true;
      }
    }
    return mayMatchBelow(root);
  }

  /**
   * The negative rules still in force for a command-line path {@code root}: those that match
   * neither the root nor one of its ancestors (naming a path overrides the exclusion of its area).
   */
  List<RegexRule> negativesInside(byte[] root) {
    Matcher[] ms = matchers.get();
    ByteChars text = new ByteChars(root);
    List<RegexRule> out = new ArrayList<>();
    outer:
    for (int i : negativeRules) {
      for (int k = root.length; k > 0; k--) {
        if ((k == root.length || root[k] == '/') && rules[i].matches(text.limit(k), matcher(ms, i))) {
          continue outer;
        }
      }
      out.add(rules[i]);
    }
    return out;
  }

  private boolean mayMatchBelow(byte[] dir) {
    byte[] probe = dir.length == 1 ? dir : Arrays.copyOf(dir, dir.length + 1);
    probe[probe.length - 1] = '/';
    ByteChars text = new ByteChars(probe);
    for (int i : positiveRules) {
      RegexRule r = rules[i];
      if (r.kind == RegexRule.Kind.EQUALS && !r.nodeIsAtOrBelow(dir, dir.length)) {
        continue; // an equals rule only selects the children of its node
      }
      if (r.mayMatchExtensionOf(text)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when a subtree-excluding rule matches one of the path's ancestor directories (and the
   * path itself when {@code includeSelf}), each strictly below the rule's node: AIDE checks a
   * node's negative rules against the parent directories deeper than the node.
   */
  private boolean excludedAsSubtree(byte[] p, boolean includeSelf, ByteChars text, Matcher[] ms) {
    if (subtreeRules.length == 0) {
      return false;
    }
    for (int k = p.length; k > 1; k--) {
      if (k == p.length ? !includeSelf : p[k] != '/') {
        continue;
      }
      text.limit(k);
      for (int i : subtreeRules) {
        RegexRule r = rules[i];
        if (k > r.node.length && r.matches(text, matcher(ms, i))) {
          return true;
        }
      }
    }
    return false;
  }

  private Matcher matcher(Matcher[] ms, int i) {
    Matcher m = ms[i];
    if (m == null) {
      m = rules[i].newMatcher();
      ms[i] = m;
    }
    return m;
  }

  private int[] indices(java.util.function.Predicate<RegexRule> p) {
    int[] out = new int[rules.length];
    int n = 0;
    for (int i = 0; i < rules.length; i++) {
      if (p.test(rules[i])) {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Length of the parent directory's path ("/" counts as its own parent, as in AIDE). */
  static int parentLength(byte[] p, int n) {
    int i = n - 1;
    while (i > 0 && p[i] != '/') {
      i--;
    }
    return i == 0 ? 1 : i;
  }

  static byte[] withoutTrailingSlash(byte[] p) {
    int n = p.length;
    while (n > 1 && p[n - 1] == '/') {
      n--;
    }
    return n == p.length ? p : Arrays.copyOf(p, n);
  }

  /** The paths not under another of them, sorted. */
  static List<PathBytes> outermost(List<PathBytes> paths) {
    List<PathBytes> sorted = new ArrayList<>(paths);
    sorted.sort(Comparator.comparingInt(PathBytes::length).thenComparing(Comparator.naturalOrder()));
    List<PathBytes> out = new ArrayList<>();
    for (PathBytes p : sorted) {
      if (out.stream().noneMatch(p::isUnder)) {
        out.add(p);
      }
    }
    out.sort(Comparator.naturalOrder());
    return List.copyOf(out);
  }
}
