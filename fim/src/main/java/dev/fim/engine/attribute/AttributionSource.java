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
  record Answer(Actor actor, String reason) {
    public static Answer found(Actor actor, String note) {
      return new Answer(java.util.Objects.requireNonNull(actor, "actor"), note);
    }

    public static Answer missed(String reason) {
      return new Answer(null, java.util.Objects.requireNonNull(reason, "reason"));
    }

    public boolean found() {
      return actor != null;
    }
  }
}
