/**
 * Compliance reports ({@code fim report}) over the store's change history: a summary (period,
 * hosts, trees, watch coverage, loss, totals by action, user, path prefix and origin) and every
 * change with its approval, as text, JSON, CSV or one self-contained HTML file, each stating the
 * SHA-256 digest of the report's data ({@link dev.fim.cli.report.ComplianceReport}), and the check
 * of a copy against the database ({@link dev.fim.cli.report.ReportVerifier}).
 *
 * <p>Streams: events are read twice from the store (once to total and digest, once to render),
 * never held in memory. Reads the store only; must not know about scanning, fanotify or audit.
 */
package dev.fim.cli.report;
