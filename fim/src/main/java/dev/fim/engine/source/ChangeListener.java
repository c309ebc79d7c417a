package dev.fim.engine.source;

import dev.fim.store.PathBytes;

/**
 * What a {@link ChangeSource} tells the next stage (the coalescer): which paths something happened
 * to, as path bytes, in the kernel's order. A source translates its kernel's vocabulary (fanotify
 * masks and file handles, inotify masks and watch descriptors) into these calls and nothing more:
 * it does not stat, hash, filter by selection or decide what a change means. Deciding is the
 * comparator's job, which compares the path's state on disk with the last recorded state, so a hint
 * that turns out to be wrong (or a duplicate) costs a comparison, never a false alert.
 *
 * <p>Called on the source's reader thread; implementations must be quick and must not block for
 * long (the kernel queue fills up meanwhile and overflows).
 */
public interface ChangeListener {
  /** Content was written (FAN_MODIFY, IN_MODIFY); more may follow before the close. */
  int MODIFIED = 1;

  /** A writer closed the file (FAN_CLOSE_WRITE, IN_CLOSE_WRITE): the content is settled for now. */
  int CLOSED_WRITE = 1 << 1;

  /** Metadata changed: permissions, owner, times, xattrs, link count (FAN_ATTRIB, IN_ATTRIB). */
  int ATTRIB = 1 << 2;

  /** The name appeared (FAN_CREATE, IN_CREATE). */
  int CREATED = 1 << 3;

  /** The name was removed (FAN_DELETE, IN_DELETE). */
  int DELETED = 1 << 4;

  /**
   * The name went away by a rename whose other end is unknown or outside the trees
   * (FAN/IN_MOVED_FROM).
   */
  int MOVED_FROM = 1 << 5;

  /**
   * The name appeared by a rename whose other end is unknown or outside the trees
   * (FAN/IN_MOVED_TO).
   */
  int MOVED_TO = 1 << 6;

  /** The watched object itself was deleted or moved (FAN/IN_DELETE_SELF, FAN/IN_MOVE_SELF). */
  int SELF_GONE = 1 << 7;

  /**
   * Something happened to {@code path}.
   *
   * @param what one or more of the constants above
   * @param directory the object is a directory (FAN_ONDIR, IN_ISDIR); a hint only
   * @param pid the process that caused it, or 0 when the backend does not know (inotify)
   */
  void changed(PathBytes path, int what, boolean directory, int pid);

  /**
   * One rename with both ends known: FAN_RENAME, or inotify's IN_MOVED_FROM/IN_MOVED_TO pair with
   * one cookie. Either end may be outside the watched trees (the coalescer filters by path).
   */
  void renamed(PathBytes from, PathBytes to, boolean directory, int pid);

  /**
   * Events were lost (FAN_Q_OVERFLOW, IN_Q_OVERFLOW, an undecodable event, a watch that could not
   * be added): anything below {@code scope} may have changed unseen, so it must be rescanned
   * against the store.
   *
   * @param reason what was lost and why, for the {@code overflow} event and the log
   * @param scope the trees affected (the source's roots when it cannot tell)
   */
  void lost(String reason, java.util.List<PathBytes> scope);
}
