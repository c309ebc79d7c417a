package dev.fim.engine.attribute;

import dev.fim.store.Actor;

/**
 * What was known about the writer of a notification as it arrived: the pid the backend named (0:
 * none, as with inotify) and the process as {@code /proc} showed it then (null: not looked up, or
 * already gone). It travels with the notice through the coalescer and comparator to the correlator,
 * because {@code /proc} must be read early: by the time a change is compared the process may have
 * exited. Immutable.
 */
public record Sighting(int pid, Actor actor) {
  /** A notification that named no process. */
  public static final Sighting NONE = new Sighting(0, null);
}
