package dev.fim.engine.ship;

/** Shipping cannot go on; the message names what and why. */
public final class ShipException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** A document was refused for good (a mapping error): it is not skipped, shipping stops. */
    REJECTED,
    /** The cluster could not be reached or kept failing for longer than allowed. */
    UNREACHABLE,
    /** The destination, credentials or CA file cannot be used, or the template is missing. */
    SETUP
  }

  private final Reason reason;

  public ShipException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ShipException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
