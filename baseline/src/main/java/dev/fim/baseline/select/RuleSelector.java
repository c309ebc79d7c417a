package dev.fim.baseline.select;

import com.google.re2j.Matcher;
import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.Selector;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled selection lines, deciding as AIDE 0.18's seltree does (seltree.c; aide.conf(5): "a
 * deepest-match algorithm to find the tree node to search, but a first-match algorithm inside the
 * node"). Each rule hangs on a node of a tree of directories: its {@link RegexRule#node} (AIDE's
 * {@code strrxtok}). For a path P of type T:
 *
 * <ol>
 *   <li>The search starts at the deepest node that is P's parent directory or one of its ancestors,
 *       and goes up to "/" through the nodes that have rules.
 *   <li>If the first node with rules is P's parent directory itself, its equals rules are tried
 *       first, in config order.
 *   <li>Then, as long as nothing matched, each node's selective rules, in config order: the first
 *       that matches (regex and type) selects P.
 *   <li>A selected P is dropped when a negative rule of a node on that way matches it (type
 *       restriction honoured), or an unrestricted one matches one of P's ancestor directories below
 *       its node.
 * </ol>
 *
 * Rules of nodes off P's way are never tried, even when their regex would match P (a node is a
 * literal directory: {@code /tmp/tmp.x3/tree/d02/.*} is never tried on {@code
 * /tmp/tmpAx3/tree/d02/f}). A rule whose node AIDE cannot reach (an escaped {@code (^$?*[} before
 * its last slash) is never tried. Immutable and thread-safe; each thread reuses its own {@link
 * Matcher}s.
 *
 * <p>Hot path: {@link #select} runs for every file of a scan: a walk down the node tree by path
 * components, then the rules of a few nodes, most rejected by a byte compare of their literal
 * prefix.
 */
final class RuleSelector implements Selector {
  /** A directory of AIDE's selection tree; rule indices in config order. */
  private static final class Node {
    final String path;
    final Node parent;
    final Map<String, Node> children = new HashMap<>();
    int[] equ = new int[0];
    int[] sel = new int[0];
    int[] neg = new int[0];

    /**
     * The children's names as bytes (ISO-8859-1 of their keys), sorted by {@link Arrays#compare},
     * and the children in the same order: {@link #child} finds one by a path component's bytes
     * without a String per component (5 per file of a scan under /var/tmp/…: their allocation, and
     * C2 compiling String's decoding constructor in the middle of a 20k-file init).
     */
    private byte[][] names = new byte[0][];

    private Node[] sorted = new Node[0];

    Node(String path, Node parent) {
      this.path = path;
      this.parent = parent;
    }

    /** Makes {@link #child} see {@link #children}, here and below (once the tree is complete). */
    void index() {
      names = new byte[children.size()][];
      sorted = new Node[children.size()];
      int n = 0;
      // An insertion sort (a node has few children; no comparator class to load at start-up).
      for (Map.Entry<String, Node> e : children.entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
        int i = n++;
        while (i > 0 && Arrays.compare(names[i - 1], name) > 0) {
          names[i] = names[i - 1];
          sorted[i] = sorted[i - 1];
          i--;
        }
        names[i] = name;
        sorted[i] = e.getValue();
        e.getValue().index();
      }
    }

    /** The child named by {@code p[from, to)}, or null (a binary search of {@link #names}). */
    Node child(byte[] p, int from, int to) {
      int lo = 0;
      int hi = names.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        byte[] name = names[mid];
        int c = Arrays.compare(name, 0, name.length, p, from, to);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return sorted[mid];
        }
      }
      return null;
    }

    boolean hasRules() {
      return equ.length + sel.length + neg.length > 0;
    }
  }

  /** What AIDE's check_seltree answers for a path. */
  private enum Match {
    NONE,
    SELECTIVE,
    EQUAL
  }

  private final RegexRule[] rules;
  private final int[] negativeRules;
  private final int[] positiveRules;
  private final Node root = new Node("/", null);
  private final List<PathBytes> roots;

  /** Nodes of config lines (not command-line roots): walk roots whose absence is no problem. */
  private final java.util.Set<PathBytes> configNodes = new java.util.HashSet<>();

  private final ThreadLocal<Matcher[]> matchers;
  private final ThreadLocal<RegexRule[]> matched = ThreadLocal.withInitial(() -> new RegexRule[1]);

  /** The rules in config order (for {@link DefaultConfigForm}'s test to compare them). */
  List<RegexRule> rulesInConfigOrder() {
    return List.of(rules);
  }

  RuleSelector(List<RegexRule> inConfigOrder) {
    this.rules = inConfigOrder.toArray(new RegexRule[0]);
    this.negativeRules = indices(r -> !r.kind.positive());
    this.positiveRules = indices(r -> r.kind.positive());
    List<PathBytes> nodes = new ArrayList<>();
    for (int i = 0; i < rules.length; i++) {
      RegexRule r = rules[i];
      String path = new String(r.node, StandardCharsets.ISO_8859_1);
      // A config line (line > 0) gets AIDE's node; a command-line root ({@link RegexRule#literal})
      // its parent directory.
      Node n = node(path, r.line != 0);
      if (n == null) {
        continue; // AIDE files it under a node no lookup reaches: never tried
      }
      switch (r.kind) {
        case EQUALS -> n.equ = append(n.equ, i);
        case SELECT -> n.sel = append(n.sel, i);
        default -> n.neg = append(n.neg, i);
      }
      if (r.kind.positive()) {
        nodes.add(PathBytes.of(r.node));
        if (r.line != 0) {
          configNodes.add(PathBytes.of(r.node));
        }
      }
    }
    root.index();
    this.roots = outermost(nodes);
    this.matchers = ThreadLocal.withInitial(() -> new Matcher[rules.length]);
  }

  /**
   * The node for {@code path}, created with its ancestors if new; null when AIDE would attach it
   * where no lookup finds it: a node's parent is {@code strrxtok(path)}, reached by a walk one
   * component at a time, so it must be the path minus its last component.
   */
  private Node node(String path, boolean aideParent) {
    if (path.equals("/")) {
      return root;
    }
    int slash = path.lastIndexOf('/');
    String dirname = slash == 0 ? "/" : path.substring(0, slash);
    if (aideParent && !RegexRule.aideNode(path).equals(dirname)) {
      return null;
    }
    Node parent = node(dirname, aideParent);
    if (parent == null) {
      return null;
    }
    String name = path.substring(slash + 1);
    return parent.children.computeIfAbsent(name, k -> new Node(path, parent));
  }

  @Override
  public AttributeSet select(PathBytes path, FileType type) {
    byte[] p = path.toBytes();
    if (p.length == 0 || p[0] != '/') {
      return null;
    }
    RegexRule[] rule = matched.get();
    return check(p, type, rule) == Match.NONE ? null : rule[0].attributes;
  }

  /** The config line of the rule that selects {@code path} (for explanations and tests), or -1. */
  int governingLine(PathBytes path, FileType type) {
    byte[] p = path.toBytes();
    RegexRule[] rule = new RegexRule[1];
    return p.length > 0 && p[0] == '/' && check(p, type, rule) != Match.NONE ? rule[0].line : -1;
  }

  /**
   * Why {@code path} of {@code type} is selected or not: {@link #check}'s decision, keeping which
   * rule matched, which negative rule dropped it and where, and whether the walk from {@link
   * #roots} reaches it ({@link #descend} of each directory between the root and the path).
   */
  Explanation explain(PathBytes path, FileType type) {
    byte[] p = withoutTrailingSlash(path.toBytes());
    if (p.length == 0 || p[0] != '/') {
      throw new IllegalArgumentException("path must be absolute: " + path.display());
    }
    PathBytes at = PathBytes.of(p);
    Matcher[] ms = matchers.get();
    ByteChars text = new ByteChars(p);
    int dirLen = parentLength(p, p.length);
    Node start = deepestNode(p, dirLen);
    RegexRule found = selecting(p, type, text, ms, start, dirLen);
    boolean equal = found != null && found.kind == RegexRule.Kind.EQUALS;
    RegexRule excluder = null;
    PathBytes excludedAt = null;
    if (found != null) {
      Exclusion ex = exclusion(p, type, text, ms, start);
      if (ex != null) {
        excluder = ex.rule();
        excludedAt = ex.length() == p.length ? at : PathBytes.of(p, 0, ex.length());
      }
    }
    PathBytes root = null;
    for (PathBytes r : roots) {
      if (at.isUnder(r)) {
        root = r;
      }
    }
    PathBytes notEntered = null;
    if (root != null) {
      // The walk enters root, then each directory below it that descend() allows, down to the
      // path's parent.
      for (int k = root.length(); k < p.length; k = next(p, k)) {
        PathBytes dir = PathBytes.of(p, 0, k);
        if (!descend(dir)) {
          notEntered = dir;
          break;
        }
      }
    }
    // The other positive lines whose regex matches the path, and why each did not decide.
    java.util.Set<Integer> onTheWay = new java.util.HashSet<>();
    java.util.Set<Integer> equalsTried = new java.util.HashSet<>();
    for (Node n = start; n != null; n = n.parent) {
      for (int i : n.sel) {
        onTheWay.add(i);
      }
    }
    if (start.path.length() == dirLen && start.hasRules()) {
      for (int i : start.equ) {
        equalsTried.add(
            i); // as in check(): only the parent directory's equals lines, and only when it has
        // rules
      }
    }
    List<Explanation.PassedOver> passed = new ArrayList<>();
    for (int i : positiveRules) {
      RegexRule r = rules[i];
      if (r == found || r.origin == null || !matches(i, text.limit(p.length), ms)) {
        continue;
      }
      String why;
      if (r.kind == RegexRule.Kind.EQUALS && !equalsTried.contains(i)) {
        why = "never tried: an equals line only selects entries directly in its node";
      } else if (r.kind == RegexRule.Kind.SELECT && !onTheWay.contains(i)) {
        why = "never tried: its node is not a directory on the path's way up to /";
      } else if (!r.allows(type)) {
        why = "its type restriction does not allow a " + type.label();
      } else {
        why = "tried after the selecting line: a deeper node's, or earlier in the same node";
      }
      passed.add(new Explanation.PassedOver(Explanation.Rule.of(r), why));
    }
    return new Explanation(
        at,
        type,
        found == null ? null : Explanation.Rule.of(found),
        equal,
        excluder == null ? null : Explanation.Rule.of(excluder),
        excludedAt,
        root,
        notEntered,
        List.copyOf(passed));
  }

  /** The end of the path component after {@code p[0, k)} (the next slash, or the end). */
  private static int next(byte[] p, int k) {
    int i = k == 1 ? 1 : k + 1;
    while (i < p.length && p[i] != '/') {
      i++;
    }
    return i;
  }

  /** AIDE's check_seltree: the match and, in {@code rule[0]}, the rule that selected. */
  private Match check(byte[] p, FileType type, RegexRule[] rule) {
    Matcher[] ms = matchers.get();
    ByteChars text = new ByteChars(p);
    int dirLen = parentLength(p, p.length);
    Node start = deepestNode(p, dirLen);
    RegexRule found = selecting(p, type, text, ms, start, dirLen);
    if (found == null || exclusion(p, type, text, ms, start) != null) {
      return Match.NONE;
    }
    rule[0] = found;
    return found.kind == RegexRule.Kind.EQUALS ? Match.EQUAL : Match.SELECTIVE;
  }

  /**
   * check_seltree's positive pass: from the deepest rule node above {@code p} up to the root, the
   * first positive rule that matches; an equals rule counts only on the node of the path's own
   * directory (the first node with rules, when the walk did not recurse to reach it). The result's
   * kind is {@link RegexRule.Kind#EQUALS} for an equals match; null when none matches.
   */
  private RegexRule selecting(
      byte[] p, FileType type, ByteChars text, Matcher[] ms, Node start, int dirLen) {
    boolean recursed = start.path.length() != dirLen;
    for (Node n = start; n != null; n = n.parent) {
      if (!n.hasRules()) {
        recursed = true;
        continue;
      }
      if (!recursed) {
        recursed = true;
        RegexRule equals = first(n.equ, text, type, ms);
        if (equals != null) {
          return equals;
        }
      }
      RegexRule selective = first(n.sel, text, type, ms);
      if (selective != null) {
        return selective;
      }
    }
    return null;
  }

  /** A negative rule that drops a path, and the length of the prefix it matched. */
  private record Exclusion(RegexRule rule, int length) {}

  /**
   * check_seltree's negative pass: the first negative rule, from the deepest node up, that matches
   * {@code p} itself, or — for the unrestricted ones (and fim's {@code -/} ones that allow
   * directories) — a directory above {@code p} strictly below the rule's node, which excludes
   * everything in it. Null when none does.
   */
  private Exclusion exclusion(byte[] p, FileType type, ByteChars text, Matcher[] ms, Node start) {
    for (Node n = start; n != null; n = n.parent) {
      for (int i : n.neg) {
        RegexRule r = rules[i];
        if (r.allows(type) && matches(i, text.limit(p.length), ms)) {
          return new Exclusion(r, p.length);
        }
        boolean subtree =
            r.kind == RegexRule.Kind.NEGATIVE ? r.typeMask == 0 : r.allows(FileType.DIRECTORY);
        if (subtree) {
          for (int k = parentLength(p, p.length); k > n.path.length(); k = parentLength(p, k)) {
            if (matches(i, text.limit(k), ms)) {
              return new Exclusion(r, k);
            }
          }
        }
      }
    }
    return null;
  }

  private RegexRule first(int[] list, ByteChars text, FileType type, Matcher[] ms) {
    for (int i : list) {
      RegexRule r = rules[i];
      if (r.allows(type) && matches(i, text, ms)) {
        return r;
      }
    }
    return null;
  }

  /** The deepest node at or above the directory {@code p[0, dirLen)} (a walk by components). */
  private Node deepestNode(byte[] p, int dirLen) {
    Node n = root;
    int i = 1;
    while (i < dirLen) {
      int j = i;
      while (j < dirLen && p[j] != '/') {
        j++;
      }
      Node child = n.child(p, i, j);
      if (child == null) {
        break;
      }
      n = child;
      i = j + 1;
    }
    return n;
  }

  /**
   * AIDE enters a directory that a rule selects (equals rules included: 0.18.3 did not, a bug fixed
   * upstream in 9c3119c and by Debian's 0.18.3-1+deb12u2), or that a rule may match something below
   * (a partial match), or that is a node of its tree. fim enters only where a rule can still select
   * something (a partial match), and skips a directory whose every entry a negative rule excludes
   * (AIDE enters it and adds nothing).
   */
  @Override
  public boolean descend(PathBytes dir) {
    byte[] p = withoutTrailingSlash(dir.toBytes());
    if (p.length == 0 || p[0] != '/') {
      return true;
    }
    if (excludedAsSubtree(p, true, new ByteChars(p), matchers.get())) {
      return false;
    }
    return mayMatchBelow(p);
  }

  @Override
  public List<PathBytes> roots() {
    return roots;
  }

  @Override
  public boolean optionalRoot(PathBytes root) {
    return configNodes.contains(root);
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
      boolean equalsHere =
          r.kind != RegexRule.Kind.EQUALS
              || (r.node.length == dirLen && Arrays.equals(r.node, 0, dirLen, root, 0, dirLen));
      if (equalsHere && matches(i, text.limit(root.length), ms)) {
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
        if ((k == root.length || root[k] == '/') && matches(i, text.limit(k), ms)) {
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
   * True when a subtree-excluding negative rule of a node on the way of {@code p}'s entries matches
   * {@code p} (when {@code includeSelf}) or one of its ancestor directories, strictly below the
   * rule's node: then no entry below {@code p} is selected.
   */
  private boolean excludedAsSubtree(byte[] p, boolean includeSelf, ByteChars text, Matcher[] ms) {
    if (negativeRules.length == 0) {
      return false;
    }
    for (Node n = deepestNode(p, p.length); n != null; n = n.parent) {
      int nodeLen = n.path.length();
      for (int i : n.neg) {
        RegexRule r = rules[i];
        boolean subtree =
            r.kind == RegexRule.Kind.NEGATIVE ? r.typeMask == 0 : r.allows(FileType.DIRECTORY);
        if (!subtree) {
          continue;
        }
        for (int k = includeSelf ? p.length : parentLength(p, p.length);
            k > nodeLen;
            k = parentLength(p, k)) {
          if (matches(i, text.limit(k), ms)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * {@code rules[i].matches(text)}, the rule's matcher made (and, for a rule built without it, its
   * regex compiled) only for a text its literal prefix leaves to the regex.
   */
  private boolean matches(int i, ByteChars text, Matcher[] ms) {
    RegexRule r = rules[i];
    return text.startsWith(r.literal) && (r.pureLiteral || r.regexMatches(text, matcher(ms, i)));
  }

  private Matcher matcher(Matcher[] ms, int i) {
    Matcher m = ms[i];
    if (m == null) {
      m = rules[i].newMatcher();
      ms[i] = m;
    }
    return m;
  }

  private static int[] append(int[] a, int i) {
    int[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = i;
    return out;
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
    // Shorter first, then by bytes. A lambda of fim's own, not Comparator.comparingInt(..)
    // .thenComparing(..): those spin two JDK lambda classes at run time on the main thread of every
    // scan command, which fim's class-data archive cannot hold (issue 18, LauncherIT).
    sorted.sort(
        (a, b) -> {
          int byLength = Integer.compare(a.length(), b.length());
          return byLength != 0 ? byLength : a.compareTo(b);
        });
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
