package dev.fim.engine.attribute;

import dev.fim.store.Actor;
import dev.fim.store.Attribution;

/**
 * One way of naming who made a change ({@code fim.attribution}): the kernel's audit records, {@code
 * /proc} of the notifying process, or none with the reason. The correlator stage asks its sources
 * in order, once per change, and the first that names an actor wins; the misses before it say why
 * the better sources did not answer. A new source (every writer of a change, package verification)
 * is one more implementation.
 */
public interface AttributionSource {
  /** The {@code fim.attribution} of an actor this source names. */
  Attribution kind();

  /**
   * Who made the change, or why this source cannot say; null when the source has nothing to say
   * about such a change (it is skipped without a reason). Called on the correlator's thread; may
   * wait a bounded time.
   */
  Answer attribute(Attributable change);

  /**
   * A source's answer: the actor (with an optional note, e.g. what was missing when it was read),
   * or none with the reason.
   */
  record Answer(Actor actor, String reason, java.util.List<dev.fim.store.Writer> writers) {
    public Answer {
      writers = writers == null ? java.util.List.of() : java.util.List.copyOf(writers);
    }

    public static Answer found(Actor actor, String note) {
      return found(actor, note, null);
    }

    /**
     * With every writer of the change ({@code fim.writers}, oldest first; the actor is the last),
     * when there were two or more.
     */
    public static Answer found(Actor actor, String note, java.util.List<dev.fim.store.Writer> all) {
      return new Answer(java.util.Objects.requireNonNull(actor, "actor"), note, all);
    }

    public static Answer missed(String reason) {
      return new Answer(null, java.util.Objects.requireNonNull(reason, "reason"), null);
    }

    public boolean found() {
      return actor != null;
    }
  }
}
