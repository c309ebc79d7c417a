package dev.fim.engine.attribute;

/**
 * The part of an {@link AttributionSource} that must look while a notification is fresh: called on
 * the source's thread as each event arrives (outside the coalescer's lock), its answer travels with
 * the notice.
 */
@FunctionalInterface
public interface ArrivalLookup {
  /** What can be learnt about {@code pid} now ({@code pid} is never 0). */
  Sighting sight(int pid);
}
