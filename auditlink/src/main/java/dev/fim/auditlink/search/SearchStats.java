package dev.fim.auditlink.search;

/**
 * What one {@link AuditSearch#run} read and found.
 *
 * @param files input files read
 * @param bytes bytes read
 * @param lines lines seen (the last line need not end with a newline)
 * @param records lines that were audit records (header parsed)
 * @param garbage lines that were not: no {@code type=}/{@code msg=audit(…)} header, an unknown
 *     type, or longer than a record can be; skipped, never fatal
 * @param eventsScanned events grouped (complete or not), matching or not
 * @param eventsMatched events handed to the consumer
 */
public record SearchStats(
    long files,
    long bytes,
    long lines,
    long records,
    long garbage,
    long eventsScanned,
    long eventsMatched) {}
