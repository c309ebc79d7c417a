/**
 * Baseline scanning: tree walk ({@code .walk}), selection rules from the AIDE-style config ({@code
 * .select}), attribute capture ({@code .capture}), content hashing ({@code .hash}), the comparison
 * of two states ({@code .diff}) and approving recorded changes ({@code .accept}). Entry points:
 * {@link dev.fim.baseline.BaselineJob} ({@code init}, {@code check}, {@code update}) over a {@link
 * dev.fim.baseline.Scanner}. Produces {@link dev.fim.store.FileRecord}s; must not write alerts or
 * know about fanotify or audit.
 */
package dev.fim.baseline;
