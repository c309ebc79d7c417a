/**
 * The third stage of the real-time pipeline: decides what changed by capturing each ripe path afresh (lstat,
 * selection, xattrs, hash) and diffing it against the {@code current} column family, never by interpreting event
 * sequences; pairs moves by inode, scans appeared or vanished directories as subtrees, and runs rescans. Entry type:
 * {@link dev.fim.engine.compare.ChangeComparator} (one thread), which asks a {@link
 * dev.fim.engine.compare.Correlator} who made each change and hands events and states to {@code .record}.
 */
package dev.fim.engine.compare;
