/**
 * Comparison of two states: {@link dev.fim.baseline.diff.Differ} compares two records of one path
 * attribute by attribute; {@link dev.fim.baseline.diff.TreeDiff} merge-joins two column families in
 * key order to find added, removed and changed paths without holding either in memory. Must not
 * scan, store or report.
 */
package dev.fim.baseline.diff;
