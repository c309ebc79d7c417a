package dev.fim.engine.fanotify;

import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * fim's own directories (its database) outside the watched trees, whose files' content writes the
 * fanotify group is asked not to queue: every write of the database's log would otherwise be an
 * event that wakes the reader only to be dropped (the filesystem mark sees the whole filesystem). A
 * paced change cost the writing thread ~12 µs in the kernel queueing that event and waking the
 * reader (perf, issue 18 session 14), and the reader a wake-up, a read and a decode.
 *
 * <p>What this hides is only what fim drops anyway: a content event of a file directly in such a
 * directory is named by a path outside every watched tree, which the source drops by path, and
 * nothing of the database's integrity rests on the watch's events (the evidence chain seals it). So
 * a directory is quietened only when it is neither inside a watched tree nor holds one. The
 * directory's entries (a file created, deleted or renamed there), attribute changes and its
 * subdirectories still come as before.
 *
 * <p>The kernel's mark follows the directory's inode, not its path: if the directory were moved
 * into a watched tree, writes of the files in it would be hidden there. So on every directory move
 * the source sees, {@link #afterDirectoryMove} asks the kernel where each quietened directory is
 * now ({@code readlink} of a held fd) and removes the mark of one that moved, before the move's
 * notice is passed on: the rescan that a directory moved into a tree gets then runs with the mark
 * gone, so a write made before it is in the rescan's content and one made after is an event.
 *
 * <p>One reader thread uses it after {@link #quieten}; not thread-safe.
 */
final class OwnDirectories implements AutoCloseable {
  private final FanotifyReader reader;
  private final List<Held> held;
  private final byte[] linkBuf = new byte[FanotifyCalls.PATH_MAX + 1];

  /** A quietened directory: its path when marked and an fd that follows it. */
  private record Held(PathBytes path, int fd) {}

  private OwnDirectories(FanotifyReader reader, List<Held> held) {
    this.reader = reader;
    this.held = held;
  }

  /** None: nothing quietened (inotify, tests, a kernel without FAN_MARK_IGNORE). */
  static OwnDirectories none(FanotifyReader reader) {
    return new OwnDirectories(reader, new ArrayList<>());
  }

  /**
   * Quietens each of {@code dirs} that is outside every one of {@code roots} and holds none of
   * them; a directory that does not exist, is not a directory, or that the kernel cannot mark so
   * (older than Linux 6.0) is left as it is: its events are then dropped by pid and path, as
   * before.
   */
  static OwnDirectories quieten(
      FanotifyReader reader, List<PathBytes> dirs, List<PathBytes> roots) {
    List<Held> held = new ArrayList<>();
    for (PathBytes dir : dirs) {
      if (overlaps(dir, roots)) {
        continue;
      }
      int fd;
      try {
        fd = FanotifyCalls.openDirectory(dir);
      } catch (NativeException e) {
        continue;
      }
      // The directory opened, by the kernel's name for it: the path was checked above and opened
      // again here, and whoever can rename entries above it could have put a link to a watched
      // directory in its place between the two (open follows links). Only the directory that is
      // where it was checked is marked.
      PathBytes opened;
      try {
        opened = PathBytes.of(FanotifyCalls.fdPath(fd, new byte[FanotifyCalls.PATH_MAX + 1]));
      } catch (NativeException e) {
        opened = null;
      }
      if (!dir.equals(opened)) {
        FanotifyCalls.close(fd);
        continue;
      }
      boolean marked;
      try {
        marked = reader.ignoreFileContentIn(procFd(fd));
      } catch (NativeException e) {
        marked = false;
      }
      if (marked) {
        held.add(new Held(dir, fd));
      } else {
        FanotifyCalls.close(fd);
      }
    }
    return new OwnDirectories(reader, held);
  }

  /** True when {@code dir} is a watched root, inside one, or holds one. */
  static boolean overlaps(PathBytes dir, List<PathBytes> roots) {
    for (PathBytes root : roots) {
      if (dir.isUnder(root) || root.isUnder(dir)) {
        return true;
      }
    }
    return false;
  }

  /** The directories quietened now. */
  List<PathBytes> quietened() {
    return held.stream().map(Held::path).toList();
  }

  /**
   * After a directory was renamed or moved anywhere on a marked filesystem: a quietened directory
   * that is no longer where it was marked (moved, or one of its parents was) loses its mark.
   */
  void afterDirectoryMove() {
    for (int i = held.size() - 1; i >= 0; i--) {
      Held h = held.get(i);
      PathBytes now;
      try {
        now = PathBytes.of(FanotifyCalls.fdPath(h.fd(), linkBuf));
      } catch (NativeException e) {
        now = null; // deeper than PATH_MAX now: it moved
      }
      if (!h.path().equals(now)) {
        release(h);
        held.remove(i);
      }
    }
  }

  private void release(Held h) {
    try {
      reader.stopIgnoring(procFd(h.fd()));
    } catch (NativeException e) {
      // ENOENT: the mark went with a removed inode; nothing is ignored any more either way.
    } finally {
      FanotifyCalls.close(h.fd());
    }
  }

  private static PathBytes procFd(int fd) {
    return PathBytes.of(("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII));
  }

  /** Closes the held fds (the group's close removes the marks). Idempotent. */
  @Override
  public void close() {
    for (Held h : held) {
      FanotifyCalls.close(h.fd());
    }
    held.clear();
  }
}
