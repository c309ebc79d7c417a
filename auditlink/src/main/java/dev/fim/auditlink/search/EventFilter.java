package dev.fim.auditlink.search;

/**
 * The exact, per-event half of a search: runs on the parsed records of an event that the {@link
 * LineFilter} let through.
 */
interface EventFilter {
  boolean matches(AuditEvent e);
}
