package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.Selector;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The selection when paths are given on the command line (DESIGN.md: they "override the config's
 * selection"). Only paths at or below a command-line path are selected. Below each one:
 *
 * <ul>
 *   <li>where the config selects something at or below it, the config decides, rules and exclusions
 *       alike ({@code fim check /etc} checks what {@code fim check} checks in /etc);
 *   <li>elsewhere (the config has no rule for that area, or excludes it as a whole, like {@code
 *       !/var/tmp} for {@code fim init /var/tmp/tree}) every path gets fim's default group, minus
 *       the negative rules that match only inside it: naming a path overrides an exclusion of the
 *       area that contains it, not the exclusions within it.
 * </ul>
 *
 * Immutable and thread-safe.
 */
final class RestrictedSelector implements Selector {
  private final List<PathBytes> roots;
  private final Selector[] delegates;

  private RestrictedSelector(List<PathBytes> roots, Selector[] delegates) {
    this.roots = roots;
    this.delegates = delegates;
  }

  /**
   * @param config the config's selector
   * @param paths absolute command-line paths (trailing and doubled slashes are dropped)
   * @param fallback the attributes for paths only the command line selects
   * @throws IllegalArgumentException for a relative path
   */
  static RestrictedSelector of(RuleSelector config, List<PathBytes> paths, AttributeSet fallback) {
    List<PathBytes> normalised = new ArrayList<>();
    for (PathBytes p : paths) {
      normalised.add(normalise(p));
    }
    List<PathBytes> roots = RuleSelector.outermost(normalised);
    Selector[] delegates = new Selector[roots.size()];
    for (int i = 0; i < delegates.length; i++) {
      byte[] root = roots.get(i).toBytes();
      if (config.covers(root)) {
        delegates[i] = config;
      } else {
        List<RegexRule> rules = new ArrayList<>();
        rules.add(RegexRule.literal(RegexRule.Kind.SELECT, root, fallback));
        rules.addAll(config.negativesInside(root));
        delegates[i] = new RuleSelector(rules);
      }
    }
    return new RestrictedSelector(roots, delegates);
  }

  @Override
  public AttributeSet select(PathBytes path, FileType type) {
    for (int i = 0; i < delegates.length; i++) {
      if (path.isUnder(roots.get(i))) {
        return delegates[i].select(path, type);
      }
    }
    return null;
  }

  @Override
  public boolean descend(PathBytes dir) {
    for (int i = 0; i < delegates.length; i++) {
      PathBytes root = roots.get(i);
      if (dir.isUnder(root)) {
        return delegates[i].descend(dir);
      }
      if (root.isUnder(dir)) {
        return true; // an ancestor of a command-line path: only a walk from above would ask
      }
    }
    return false;
  }

  @Override
  public List<PathBytes> roots() {
    return roots;
  }

  private static PathBytes normalise(PathBytes p) {
    byte[] b = p.toBytes();
    if (b.length == 0 || b[0] != '/') {
      throw new IllegalArgumentException("command-line path must be absolute: " + p.display());
    }
    byte[] out = new byte[b.length];
    int n = 0;
    for (byte c : b) {
      if (c == '/' && n > 0 && out[n - 1] == '/') {
        continue;
      }
      out[n++] = c;
    }
    while (n > 1 && out[n - 1] == '/') {
      n--;
    }
    return PathBytes.of(out, 0, n);
  }
}
