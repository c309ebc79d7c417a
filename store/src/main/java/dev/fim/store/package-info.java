/**
 * The store: one RocksDB database holding the approved baseline, the last observed state, the
 * change history and metadata, plus the baseline's integrity seal.
 *
 * <p>Owns the on-disk encoding of {@link dev.fim.store.FileRecord} and the column families listed
 * in DESIGN.md. Must not know about fanotify, audit, tree walking or hashing: it stores what it is
 * given, keyed by raw path bytes ({@link dev.fim.store.PathBytes}).
 */
package dev.fim.store;
