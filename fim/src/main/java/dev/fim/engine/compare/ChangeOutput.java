package dev.fim.engine.compare;

import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.StoreException;

/**
 * The stage after the comparator (the correlator): takes each decided {@link Change}, the new state
 * of each path, and the end of a batch. One thread (the comparator's).
 */
public interface ChangeOutput {
  /** A decided change, in the order it is to be recorded. */
  void change(Change c) throws StoreException;

  /** The new state of {@code path} in {@code current}; null removes it. */
  void state(PathBytes path, FileRecord record) throws StoreException;

  /** The end of a batch: everything handed on so far is to be written. */
  void commit() throws StoreException;
}
