package dev.fim.store;

/**
 * The database cannot be used: locked by another fim, unreadable, read-only, full, corrupt, of a
 * newer format, or missing. The message names the database directory and the reason, and says what
 * to do next.
 */
public class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so the CLI can pick an exit code and a user can read the cause. */
  public enum Reason {
    /** Another fim process holds the database's lock. */
    LOCKED,
    /** The database does not exist (no {@code fim init} yet). */
    MISSING,
    /** The database was written by a newer fim. */
    NEWER_FORMAT,
    /** RocksDB reports corruption, or a record cannot be decoded. */
    CORRUPT,
    /** Reading or writing failed: permissions, read-only file system, disk full… */
    IO
  }

  private final Reason reason;

  public StoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public StoreException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
