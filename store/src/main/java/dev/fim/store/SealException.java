package dev.fim.store;

/**
 * The baseline's seal does not verify: its records were altered, added or removed outside fim, the
 * config digest or format changed under it, or the key is not the one that sealed it. A check must
 * not trust such a baseline.
 */
public final class SealException extends Exception {
  private static final long serialVersionUID = 1L;

  public SealException(String message) {
    super(message);
  }

  public SealException(String message, Throwable cause) {
    super(message, cause);
  }
}
