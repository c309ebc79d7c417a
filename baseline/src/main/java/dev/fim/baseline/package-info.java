/**
 * Baseline scanning: tree walk ({@code .walk}), selection rules from the AIDE-style config
 * ({@code .select}), attribute capture ({@code .capture}), content hashing ({@code .hash}) and the
 * comparison of two states ({@code .diff}). Produces {@link dev.fim.store.FileRecord}s; must not
 * write alerts or know about fanotify or audit.
 */
package dev.fim.baseline;
