package dev.fim.baseline;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.List;

/** Selector decorators. */
public final class Selectors {
  private Selectors() {}

  /**
   * {@code selector} minus the given paths and everything below them: fim's own database and seal
   * key are never part of the baseline they protect (their content changes on every run).
   */
  public static Selector excluding(Selector selector, List<PathBytes> excluded) {
    List<PathBytes> ex = List.copyOf(excluded);
    return new Selector() {
      @Override
      public AttributeSet select(PathBytes path, FileType type) {
        return isExcluded(path) ? null : selector.select(path, type);
      }

      @Override
      public boolean descend(PathBytes dir) {
        return !isExcluded(dir) && selector.descend(dir);
      }

      @Override
      public List<PathBytes> roots() {
        return selector.roots();
      }

      @Override
      public boolean optionalRoot(PathBytes root) {
        return selector.optionalRoot(root);
      }

      private boolean isExcluded(PathBytes p) {
        for (PathBytes e : ex) {
          if (p.isUnder(e)) {
            return true;
          }
        }
        return false;
      }
    };
  }

  /**
   * {@code selector} walked from {@code roots} instead of its own roots: the same rules, for a
   * rescan of part of the trees (a directory that appeared, a subtree whose events were lost). The
   * roots should lie within the selection.
   */
  public static Selector rootedAt(Selector selector, List<PathBytes> roots) {
    List<PathBytes> r = List.copyOf(roots);
    return new Selector() {
      @Override
      public AttributeSet select(PathBytes path, FileType type) {
        return selector.select(path, type);
      }

      @Override
      public boolean descend(PathBytes dir) {
        return selector.descend(dir);
      }

      @Override
      public List<PathBytes> roots() {
        return r;
      }
    };
  }
}
