package dev.fim.store;

/** What happened to a path: the ECS {@code event.action} of a change event. */
public enum Action {
  /** The path appeared (it is not in the baseline / last state). */
  CREATED("created"),
  /** Content, size, inode or type changed (possibly with attributes). */
  UPDATED("updated"),
  /** The path disappeared. */
  DELETED("deleted"),
  /** Renamed inside the watched trees: {@code path} is the new name, {@code oldPath} the old. */
  MOVED("moved"),
  /** Only metadata changed: permissions, owner, times, xattrs, link count. */
  ATTRIBUTES_MODIFIED("attributes_modified"),
  /** Events were lost (queue overflow, audit loss); what was rescanned is in the event. */
  OVERFLOW("overflow");

  private final String label;

  Action(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Action ofLabel(String label) {
    for (Action a : values()) {
      if (a.label.equals(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown event action \"" + label + "\"");
  }
}
