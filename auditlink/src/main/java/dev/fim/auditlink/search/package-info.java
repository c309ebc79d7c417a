/**
 * The engine of {@code fim audit search}: an {@code ausearch -i} equivalent over audit.log files
 * and their rotations. {@link dev.fim.auditlink.search.AuditSearch} streams the files, groups
 * records into events, keeps those that match a {@link dev.fim.auditlink.search.SearchSettings} and
 * hands them to an {@link dev.fim.auditlink.search.EventConsumer}; {@link
 * dev.fim.auditlink.search.SearchText} and {@link dev.fim.auditlink.search.SearchJson} render them,
 * the latter through an actor/action/object/how {@link dev.fim.auditlink.search.EventSummary}
 * modelled on go-libaudit's aucoalesce. {@link dev.fim.auditlink.search.PathEventSearch} reuses the
 * same reader and grouping to find, in one pass, the events of a time window that name one of a set
 * of paths ({@code fim check --audit-log}).
 *
 * <p>Owns: reading log files fast (large reused byte buffer, byte scan for line ends, a raw-byte
 * pre-filter so that only candidate events are fully parsed), the match semantics of ausearch's
 * {@code -k}, {@code -f}, {@code -ua}, {@code -ts}/{@code -te}, rotation order, and the syscall →
 * action normalisation. Uses {@code .parse} for records and {@code .interpret} for names. Must not
 * know: the command line (that is {@code dev.fim.cli}), netlink, or file hashes.
 */
package dev.fim.auditlink.search;
