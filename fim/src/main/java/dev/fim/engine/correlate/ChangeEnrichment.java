package dev.fim.engine.correlate;

import dev.fim.store.ChangeEvent;

/**
 * A step after attribution that adds what else is known about a change before it is recorded (which
 * package the file belongs to, whether its content is the package's). Runs on the comparator's
 * thread, once per change; returns the event itself when it has nothing to add.
 */
@FunctionalInterface
public interface ChangeEnrichment {
  ChangeEvent enrich(ChangeEvent attributed);

  /** Adds nothing. */
  ChangeEnrichment NONE = e -> e;
}
