package dev.fim.engine;

import dev.fim.store.Column;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the store holds when a watch starts, and so what its first scan does: compare the trees with
 * the recorded state ({@code current}, seeded from the baseline when empty), or record them as they
 * are when the store holds neither (there is nothing to compare with).
 *
 * @param seedOnly the store held no state: the first scan records the trees without events
 * @param unknownAdded the trees a reload added that the store holds no state of: recorded first,
 *     without events
 */
record StoreStart(boolean seedOnly, List<PathBytes> unknownAdded) {
  StoreStart {
    unknownAdded = List.copyOf(unknownAdded);
  }

  /**
   * Reads (and where needed prepares) the store: seeds {@code current} from the baseline when it is
   * empty, saying so on {@code status}.
   */
  static StoreStart prepare(Store store, List<PathBytes> added, Consumer<String> status)
      throws StoreException {
    List<PathBytes> unknown = new ArrayList<>();
    if (store.hasAny(Column.CURRENT)) {
      for (PathBytes root : added) {
        try (RecordCursor c = store.cursor(Column.CURRENT, root)) {
          if (!c.next()) {
            unknown.add(root);
          }
        }
      }
      return new StoreStart(false, unknown);
    }
    if (store.hasAny(Column.BASELINE)) {
      store.replaceAll(Column.BASELINE, Column.CURRENT);
      store.flush();
      status.accept("no earlier watch state: comparing with the baseline");
      return new StoreStart(false, unknown);
    }
    status.accept(
        "no baseline and no earlier watch state: recording the trees as they are now "
            + "(changes are reported from now on)");
    return new StoreStart(true, unknown);
  }
}
