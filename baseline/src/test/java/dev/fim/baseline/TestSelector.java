package dev.fim.baseline;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/** A Selector for tests: the same attributes for every path, with optional pruning and hooks. */
public final class TestSelector implements Selector {
  /** What fim selects by default: all lstat attributes plus XXH3. */
  public static final AttributeSet DEFAULT =
      AttributeSet.of(
          Attribute.FTYPE,
          Attribute.PERMISSIONS,
          Attribute.INODE,
          Attribute.LINKCOUNT,
          Attribute.UID,
          Attribute.GID,
          Attribute.SIZE,
          Attribute.BLOCKS,
          Attribute.MTIME,
          Attribute.CTIME,
          Attribute.LINKNAME,
          Attribute.XXH3);

  private final List<PathBytes> roots;
  private final BiFunction<PathBytes, FileType, AttributeSet> select;
  private final Predicate<PathBytes> descend;

  public TestSelector(
      List<PathBytes> roots,
      BiFunction<PathBytes, FileType, AttributeSet> select,
      Predicate<PathBytes> descend) {
    this.roots = roots;
    this.select = select;
    this.descend = descend;
  }

  public static TestSelector all(AttributeSet set, PathBytes... roots) {
    return new TestSelector(List.of(roots), (p, t) -> set, p -> true);
  }

  @Override
  public AttributeSet select(PathBytes path, FileType type) {
    return select.apply(path, type);
  }

  @Override
  public boolean descend(PathBytes dir) {
    return descend.test(dir);
  }

  @Override
  public List<PathBytes> roots() {
    return roots;
  }
}
