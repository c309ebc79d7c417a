package dev.fim.engine.attribute;

import dev.fim.store.Action;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;

/**
 * One decided change, as the attribution sources see it: what the comparator found, without the
 * file states.
 *
 * @param path the path (the new one of a move)
 * @param inode the object's inode after the change, or before it for a deletion; 0 when there is no
 *     object (a temporary that came and went)
 * @param seenNs when the change was first seen (wall clock, ns since the epoch)
 * @param origin which job found it: only {@link Origin#WATCH} changes were seen as they happened
 * @param action what the comparator decided
 * @param temporary a path created and removed within the quiet window (reported only on request)
 * @param sighting what the notification said about its writer as it arrived; null for changes found
 *     by a scan
 */
public record Attributable(
    PathBytes path,
    long inode,
    long seenNs,
    Origin origin,
    Action action,
    boolean temporary,
    Sighting sighting) {}
