package dev.fim.engine.attribute;

import dev.fim.store.Actor;

/**
 * What was known about the writer of a notification as it arrived: the pid the backend named (0:
 * none, as with inotify) and the process as {@code /proc} showed it then (null: not looked up, or
 * already gone), and whether other processes' notifications were merged into the same change before
 * it ({@link #withOthers}). It travels with the notice through the coalescer and comparator to the
 * correlator, because {@code /proc} must be read early: by the time a change is compared the
 * process may have exited. Immutable.
 */
public record Sighting(int pid, Actor actor, boolean othersToo) {
  /** A notification that named no process. */
  public static final Sighting NONE = new Sighting(0, null);

  /** The writer of one notification, alone so far. */
  public Sighting(int pid, Actor actor) {
    this(pid, actor, false);
  }

  /**
   * This sighting, marked as the last of several processes' notifications merged into one change.
   * The correlator must then not end its wait at this pid's own audit record: that record may be
   * the {@code open} of a descriptor held from before the others wrote (a shell's {@code exec
   * 3>>log}), and the other writers' records, earlier in the kernel's queue than this process's
   * last write, may not have been read yet. It waits for the audit stream to pass the change
   * instead.
   */
  public Sighting withOthers() {
    return othersToo ? this : new Sighting(pid, actor, true);
  }
}
