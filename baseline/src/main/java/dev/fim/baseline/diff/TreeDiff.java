package dev.fim.baseline.diff;

import dev.fim.baseline.Attribute;
import dev.fim.store.Action;
import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.List;

/**
 * Merge-joins two column families (e.g. {@code baseline} and {@code scan}) in path-byte order and
 * reports every path that was added, removed or changed. Streams: memory use does not grow with the
 * number of files. Not thread-safe (one diff per instance).
 *
 * <p>As AIDE 0.18 (gen_list.c compare_node), a new entry whose rule has {@code ANF} and a removed
 * entry whose old record has {@code ARF} are not findings; a {@code growing} file is compared with
 * its prefix read from the live file ({@link FilePrefixHasher}).
 */
public final class TreeDiff {
  /** One path that differs. {@code before} is null when added, {@code after} when removed. */
  public record Finding(
      Action action,
      PathBytes path,
      FileRecord before,
      FileRecord after,
      Differ.Difference difference) {}

  /** Receives findings in path order. */
  public interface FindingSink {
    void finding(Finding f) throws StoreException;
  }

  private final Store store;
  private final List<PathBytes> scope;
  private final List<PathBytes> unknown;
  private final PrefixHasher prefixes;

  /**
   * @param scope the trees to compare (null or empty: everything)
   * @param unknown subtrees whose current content is unknown (unreadable directories): their old
   *     entries are neither removed nor compared
   */
  public TreeDiff(Store store, List<PathBytes> scope, List<PathBytes> unknown) {
    this(store, scope, unknown, new FilePrefixHasher());
  }

  /** As above, with {@code prefixes} to check growing files (the new column's live files). */
  public TreeDiff(
      Store store, List<PathBytes> scope, List<PathBytes> unknown, PrefixHasher prefixes) {
    this.store = store;
    this.scope = scope == null ? List.of() : List.copyOf(scope);
    this.unknown = List.copyOf(unknown);
    this.prefixes = prefixes;
  }

  public void run(Column oldState, Column newState, FindingSink sink) throws StoreException {
    if (scope.isEmpty()) {
      join(store.cursor(oldState), store.cursor(newState), sink);
      return;
    }
    for (PathBytes root : scope) {
      join(store.cursor(oldState, root), store.cursor(newState, root), sink);
    }
  }

  private void join(RecordCursor oldC, RecordCursor newC, FindingSink sink) throws StoreException {
    try (oldC;
        newC) {
      boolean hasOld = oldC.next();
      boolean hasNew = newC.next();
      while (hasOld || hasNew) {
        int cmp = !hasOld ? 1 : !hasNew ? -1 : oldC.path().compareTo(newC.path());
        if (cmp < 0) {
          FileRecord gone = oldC.record();
          if (!isUnknown(oldC.path()) && !has(gone, Attribute.ALLOW_REMOVED)) {
            sink.finding(new Finding(Action.DELETED, oldC.path(), gone, null, null));
          }
          hasOld = oldC.next();
        } else if (cmp > 0) {
          FileRecord born = newC.record();
          if (!has(born, Attribute.ALLOW_NEW)) {
            sink.finding(new Finding(Action.CREATED, newC.path(), null, born, null));
          }
          hasNew = newC.next();
        } else {
          FileRecord before = oldC.record();
          FileRecord after = newC.record();
          Differ.Difference d = Differ.compare(newC.path(), before, after, prefixes);
          if (d != null) {
            sink.finding(new Finding(d.action(), newC.path(), before, after, d));
          }
          hasOld = oldC.next();
          hasNew = newC.next();
        }
      }
    }
  }

  private static boolean has(FileRecord r, Attribute a) {
    return (r.selected() & (1L << a.bit())) != 0;
  }

  private boolean isUnknown(PathBytes p) {
    for (PathBytes u : unknown) {
      if (p.isUnder(u) && !p.equals(u)) {
        return true;
      }
    }
    return false;
  }
}
