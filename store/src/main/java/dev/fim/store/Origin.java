package dev.fim.store;

/**
 * Which fim job observed a change: {@code fim.origin} in the event JSON, stored by its label (the
 * text older databases hold, so the encoding is unchanged).
 */
public enum Origin {
  /** {@code fim check} compared the disk with the baseline. */
  CHECK("check"),
  /** {@code fim update}: a check whose findings became the baseline. */
  UPDATE("update"),
  /** {@code fim accept}: differences taken into the baseline and approved. */
  ACCEPT("accept"),
  /** {@code fim watch} saw the change as it happened. */
  WATCH("watch"),
  /** {@code fim watch}'s start-up comparison: changes made while it was not watching. */
  RECONCILE("reconcile"),
  /** {@code fim watch}'s rescan after lost events. */
  RESCAN("rescan"),
  /**
   * A label this fim does not know (a newer fim wrote it, or a damaged value): read as this, never
   * a failure, so an old or foreign history stays readable. Never written by this fim.
   */
  UNKNOWN("unknown");

  private final String label;

  Origin(String label) {
    this.label = label;
  }

  /** The JSON and stored name. */
  public String label() {
    return label;
  }

  /**
   * The origin of a stored or JSON label; null stays null (an event without one), any other text is
   * UNKNOWN.
   */
  public static Origin ofLabel(String label) {
    if (label == null) {
      return null;
    }
    // A switch, not a loop over values() (a copy per call): every event a report decodes comes
    // through here.
    return switch (label) {
      case "check" -> CHECK;
      case "update" -> UPDATE;
      case "accept" -> ACCEPT;
      case "watch" -> WATCH;
      case "reconcile" -> RECONCILE;
      case "rescan" -> RESCAN;
      default -> UNKNOWN;
    };
  }
}
