/**
 * The second stage of the real-time pipeline: merges the sources' notices per path into one {@link
 * dev.fim.engine.coalesce.Notice} and decides when each path is ripe for comparison (at once after
 * a close or an attribute change, after the quiet window when a name moved, both ends of a rename
 * together). Bounded, with back-pressure; a loss becomes a {@link dev.fim.engine.coalesce.Rescan}
 * of the trees, never a log line. Entry type: {@link dev.fim.engine.coalesce.Coalescer} (a {@code
 * source.ChangeListener}; the comparator thread calls {@code take}). Must not know: stat, hashes,
 * the store.
 */
package dev.fim.engine.coalesce;
