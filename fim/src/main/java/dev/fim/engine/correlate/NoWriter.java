package dev.fim.engine.correlate;

import dev.fim.engine.attribute.Attributable;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.store.Action;
import dev.fim.store.Attribution;
import dev.fim.store.Origin;

/**
 * The {@code none} source: says why nobody can be named for a change no notification witnessed, one
 * a scan found (the start-up reconcile, a rescan after lost events) or the loss itself. Skips the
 * changes watch saw as they happened: those are the other sources'.
 */
public final class NoWriter implements AttributionSource {
  @Override
  public Attribution kind() {
    return Attribution.NONE;
  }

  @Override
  public Answer attribute(Attributable c) {
    if (c.action() == Action.OVERFLOW) {
      return Answer.missed("events were lost");
    }
    if (c.origin() == Origin.RESCAN) {
      return Answer.missed("found by a rescan after lost events: the writer is unknown");
    }
    if (c.origin() == Origin.RECONCILE) {
      return Answer.missed("found by a reconcile at start: the writer is unknown");
    }
    return null;
  }
}
