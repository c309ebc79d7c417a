package dev.fim.baseline;

/**
 * A snapshot of a running scan's counters, for a progress line. Immutable. The "discovered" counts
 * grow while the walk finds more, so done/discovered is a lower bound of the progress.
 *
 * @param entriesDiscovered names listed so far (plus roots)
 * @param bytesDiscovered sizes of the regular files to hash, as their {@code lstat} said
 * @param entriesDone entries finished (recorded, skipped by selection, or a problem)
 * @param bytesHashed content bytes hashed so far
 * @param problems problems reported so far
 */
public record ScanProgress(
    long entriesDiscovered,
    long bytesDiscovered,
    long entriesDone,
    long bytesHashed,
    long problems) {}
