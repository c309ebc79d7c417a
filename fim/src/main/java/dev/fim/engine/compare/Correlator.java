package dev.fim.engine.compare;

import dev.fim.store.Actor;
import dev.fim.store.PathBytes;

/**
 * Names who made a change from a source that saw the syscall itself (the kernel's audit records): the comparator
 * asks once per change it reports, after deciding what changed. Implementations may wait a bounded time for the
 * record to arrive.
 */
public interface Correlator {
  /**
   * The actor of the change of {@code path} (its inode after the change, or before it for a deletion; 0 when
   * unknown) seen at {@code seenNs}, by {@code pid} if the notification named one (0 otherwise); null when no
   * audit record matches.
   */
  Actor attribute(PathBytes path, long inode, int pid, long seenNs);

  /** What {@code fim.attribution_reason} says when nothing matched. */
  String noMatchReason();
}
