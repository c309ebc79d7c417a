package dev.fim.engine.sink;

import dev.fim.store.Store;
import dev.fim.store.StoreException;

/**
 * How an output's thread reads the change history and keeps its cursor: through the watch's guard,
 * which refuses while the database is lent to a {@code fim check} (it is closed then), or directly
 * (a command that holds the database for its whole run).
 */
@FunctionalInterface
public interface StoreAccess {
  /** Work on the open store. */
  @FunctionalInterface
  interface Work {
    void run(Store store) throws StoreException;
  }

  /** Runs {@code work} unless the store is not open here now; returns whether it ran. */
  boolean run(Work work) throws StoreException;

  /** Access to a store held for the caller's whole run. */
  static StoreAccess direct(Store store) {
    return w -> {
      w.run(store);
      return true;
    };
  }
}
