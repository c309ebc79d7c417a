package dev.fim.engine.correlate;

import dev.fim.store.PathBytes;

/**
 * What is known about a change that needs an author: its path and/or inode (and device), the pid
 * that the change notification named, and when it was seen. Immutable.
 *
 * <p>An audit event matches when one of its PATH items (not a {@code PARENT} item: that is the
 * directory, not the object) has this inode (when {@code inode} is non-zero) or this exact absolute
 * path (when {@code path} is given), its syscall succeeded, and its time lies within {@code
 * windowNs} of {@code timeNs}. Among matches the best is: the given pid first, then inode and path
 * both matching, then the same device, then the nearest in time.
 *
 * @param path the absolute path as fim sees it, or null
 * @param dev {@code st_dev} of the file (as {@link PathItem#dev()} encodes it), or {@link
 *     PathItem#NO_DEV}: a preference, not a filter, because btrfs subvolumes report a {@code
 *     st_dev} that audit does not
 * @param inode the inode now (after the change), or 0 when unknown (a deleted file)
 * @param pid the pid that the notification named, or 0 when unknown
 * @param timeNs when the change happened or was seen, ns since the epoch
 * @param windowNs how far from {@code timeNs} an audit event may be; include the audit clock's
 *     coarseness (a few ms) and how late the notification was
 */
public record ChangeQuery(
    PathBytes path, long dev, long inode, int pid, long timeNs, long windowNs) {
  public ChangeQuery {
    if (path == null && inode == 0) {
      throw new IllegalArgumentException("a change query needs a path or an inode");
    }
    if (windowNs < 0) {
      throw new IllegalArgumentException("windowNs " + windowNs + " is negative");
    }
  }

  /** Without the device. */
  public static ChangeQuery of(PathBytes path, long inode, int pid, long timeNs, long windowNs) {
    return new ChangeQuery(path, PathItem.NO_DEV, inode, pid, timeNs, windowNs);
  }
}
