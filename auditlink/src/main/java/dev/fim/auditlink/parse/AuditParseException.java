package dev.fim.auditlink.parse;

/**
 * A record that cannot be parsed far enough to be reassembled (no type, timestamp or serial).
 * Field-level problems never throw: they are cached on the record ({@link
 * AuditRecord#fieldError()}).
 */
public final class AuditParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a record was rejected; each constant has its own counter in {@link ParseCounters}. */
  public enum Reason {
    /**
     * The header is missing or broken: no {@code type=}, no {@code audit(SEC.MS:SERIAL):}, bad
     * digits.
     */
    MALFORMED,
    /** Longer than the parser's limit; skipped without being scanned. */
    TOO_LONG,
    /** {@code type=NAME} with a name that is neither in the table nor {@code UNKNOWN[n]}. */
    UNKNOWN_TYPE
  }

  private final Reason reason;

  AuditParseException(Reason reason, String message) {
    // No stack trace: rejects are expected input (garbage lines), counted, not debugged.
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
