package dev.fim.store;

/**
 * How the writer of a change was found: {@code fim.attribution} in the event JSON, stored by its
 * label (the text older databases hold, so the encoding is unchanged). DESIGN.md "Event JSON".
 */
public enum Attribution {
  /**
   * From the kernel's audit record of the syscall, correlated as the change was seen ({@code fim
   * watch}).
   */
  AUDIT("audit"),
  /**
   * From {@code /proc} of the process the notification named, read as it arrived (racy: a marked
   * fallback).
   */
  PROC("proc"),
  /** From the audit.log files after the fact ({@code fim check --audit-log}). */
  AUDIT_LOG("audit-log"),
  /** Nobody: {@code fim.attribution_reason} says why. */
  NONE("none"),
  /**
   * A label this fim does not know (a newer fim wrote it, or a damaged value): read as this, never
   * a failure, so an old or foreign history stays readable. Never written by this fim.
   */
  UNKNOWN("unknown");

  private final String label;

  Attribution(String label) {
    this.label = label;
  }

  /** The JSON and stored name. */
  public String label() {
    return label;
  }

  /**
   * The attribution of a stored or JSON label; null stays null (read as {@code none}), other text
   * is UNKNOWN.
   */
  public static Attribution ofLabel(String label) {
    if (label == null) {
      return null;
    }
    // A switch, not a loop over values() (a copy per call): every event a report decodes comes
    // through here.
    return switch (label) {
      case "audit" -> AUDIT;
      case "proc" -> PROC;
      case "audit-log" -> AUDIT_LOG;
      case "none" -> NONE;
      default -> UNKNOWN;
    };
  }
}
