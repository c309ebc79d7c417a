package dev.fim.engine.compare;

import dev.fim.engine.attribute.Attributable;
import dev.fim.engine.attribute.Sighting;
import dev.fim.store.Action;
import dev.fim.store.AttributeChange;
import dev.fim.store.FileRecord;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.util.List;

/**
 * What the comparator decided about one path: the change event's facts before anyone asked who made
 * it. Handed to the next stage (the correlator), which adds the attribution and records it.
 * Immutable.
 *
 * @param timeNs when the change was seen (wall clock, ns since the epoch)
 * @param oldPath the old path of a {@code moved}; for a {@code created} or {@code updated} made by
 *     renaming a temporary onto the path, the temporary's name; else null
 * @param after the state after the change; null for {@code deleted} (and a temporary)
 * @param before the state before; null for {@code created} (and a temporary)
 * @param message a sentence for people ({@code overflow}, temporaries), else null
 * @param sighting what the notification said about its writer as it arrived; null for changes found
 *     by a scan
 */
public record Change(
    long timeNs,
    Action action,
    PathBytes path,
    PathBytes oldPath,
    FileRecord after,
    FileRecord before,
    List<AttributeChange> changes,
    Origin origin,
    String message,
    Sighting sighting) {
  public Change {
    changes = List.copyOf(changes);
  }

  /** A path created and removed within the quiet window: neither state exists. */
  public boolean temporary() {
    return after == null && before == null;
  }

  /** The facts the attribution sources match on. */
  public Attributable attributable() {
    FileRecord object = after != null ? after : before;
    return new Attributable(
        path, object == null ? 0 : object.ino(), timeNs, origin, action, temporary(), sighting);
  }
}
