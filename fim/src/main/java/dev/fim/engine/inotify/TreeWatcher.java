package dev.fim.engine.inotify;

import static dev.fim.engine.inotify.InotifyLayout.*;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.engine.inotify.WatchTable.Watch;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import jnr.constants.platform.Errno;

/**
 * Puts watches on a directory and everything below it that {@code descend} allows, walking with
 * baseline's {@link DirCalls} (openat with O_NOFOLLOW, getdents64: names stay bytes). Each
 * directory is watched before it is listed, so an entry created during the walk is either listed or
 * seen by the watch (or both).
 *
 * <p>Not thread-safe: the reader thread owns it (and its {@link DirCalls} buffers).
 */
final class TreeWatcher {
  /**
   * Every event fim needs, on directories only. No IN_DONT_FOLLOW: watches are added through {@code
   * /proc/self/fd/N} of a directory opened with O_NOFOLLOW, a link that must be followed (see
   * {@link InotifyCalls#addWatch}).
   */
  static final int MASK =
      IN_CREATE
          | IN_DELETE
          | IN_MODIFY
          | IN_CLOSE_WRITE
          | IN_ATTRIB
          | IN_MOVED_FROM
          | IN_MOVED_TO
          | IN_DELETE_SELF
          | IN_MOVE_SELF
          | IN_EXCL_UNLINK
          | IN_ONLYDIR;

  /** What a walk found, besides the watches it put in the table. */
  interface Report {
    /** An entry inside the walked tree (not the top), found by listing. */
    void found(PathBytes path, boolean directory);

    /**
     * A directory below the top that could not be watched (EACCES…): changes below it are not seen.
     */
    void unwatched(PathBytes dir, NativeException why);
  }

  /** Reports nothing found; unwatched directories go to {@code unwatched}. */
  static Report unwatchedOnly(java.util.function.BiConsumer<PathBytes, NativeException> unwatched) {
    return new Report() {
      @Override
      public void found(PathBytes path, boolean directory) {}

      @Override
      public void unwatched(PathBytes dir, NativeException why) {
        unwatched.accept(dir, why);
      }
    };
  }

  private final int inotifyFd;
  private final WatchTable table;
  private final Predicate<PathBytes> descend;
  private final DirCalls dirs = new DirCalls();

  TreeWatcher(int inotifyFd, WatchTable table, Predicate<PathBytes> descend) {
    this.inotifyFd = inotifyFd;
    this.table = table;
    this.descend = descend;
  }

  /**
   * Watches {@code top} (a directory, whatever {@code descend} says of it) and, recursively, every
   * subdirectory that {@code descend} allows. A subdirectory that vanished or turned into something
   * else meanwhile is skipped (its events tell); one that cannot be watched otherwise goes to
   * {@link Report#unwatched}.
   *
   * @throws NativeException {@code top} could not be opened or watched (ENOENT, ENOTDIR, ELOOP: it
   *     is gone or not a directory), or the watch limit was reached anywhere (ENOSPC: the walk
   *     stops there)
   */
  Watch watchTree(PathBytes top, Report report) throws NativeException {
    Watch topWatch = null;
    Deque<PathBytes> pending = new ArrayDeque<>();
    pending.push(top);
    List<PathBytes> subdirs = new ArrayList<>();
    while (!pending.isEmpty()) {
      PathBytes dir = pending.pop();
      Watch w;
      try {
        w = watchAndList(dir, report, subdirs);
      } catch (NativeException e) {
        if (dir == top || e.is(Errno.ENOSPC)) {
          throw e;
        }
        if (!isGone(e)) {
          report.unwatched(dir, e);
        }
        continue;
      }
      if (w == null) {
        if (dir == top) {
          throw new NativeException(
              "fstat", top, Errno.ENOENT.intValue(), "removed while its watch was being added");
        }
        continue;
      }
      w.whole = true;
      if (dir == top) {
        topWatch = w;
      }
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        pending.push(subdirs.get(i));
      }
      subdirs.clear();
    }
    return topWatch;
  }

  /**
   * Watches the one directory {@code dir} (the parent of a root that is a file) without listing it.
   *
   * @throws NativeException it could not be opened or watched
   */
  Watch watchDirectory(PathBytes dir) throws NativeException {
    int fd = open(dir);
    try {
      return table.put(InotifyCalls.addWatch(inotifyFd, fd, dir, MASK, table.size()), dir);
    } finally {
      dirs.close(fd);
    }
  }

  /**
   * The type of the entry {@code path} as lstat(2) tells (the type of a root), never following a
   * symlink.
   */
  boolean isDirectory(PathBytes path) throws NativeException {
    return dirs.lstatAt(DirCalls.AT_FDCWD, path.toBytes(), path).isDirectory();
  }

  /**
   * Opens {@code dir}, watches it, lists it: entries go to {@code report}, subdirectories that
   * {@code descend} allows to {@code subdirs}. Returns null if the directory was removed after it
   * was opened (its watch is taken back).
   */
  private Watch watchAndList(PathBytes dir, Report report, List<PathBytes> subdirs)
      throws NativeException {
    int fd = open(dir);
    try {
      int wd = InotifyCalls.addWatch(inotifyFd, fd, dir, MASK, table.size());
      if (dirs.fstat(fd, dir).nlink() == 0) {
        // rmdir came between the open and the watch: the watch would never see IN_DELETE_SELF and
        // would leak.
        if (table.get(wd) == null) {
          InotifyCalls.rmWatch(inotifyFd, wd, dir);
        }
        return null;
      }
      Watch w = table.put(wd, dir);
      while (dirs.readEntries(
              fd,
              dir,
              (name, type) -> {
                PathBytes p = dir.resolve(name);
                boolean isDir =
                    type == FileType.DIRECTORY || (type == null && lstatIsDirectory(fd, name, p));
                report.found(p, isDir);
                if (isDir && descend.test(p)) {
                  subdirs.add(p);
                }
              })
          > 0) {
        // the consumer did the work
      }
      return w;
    } finally {
      dirs.close(fd);
    }
  }

  /**
   * Opens directory {@code dir} (its last component never followed) at any depth: a path longer
   * than PATH_MAX has its parents opened piece by piece ({@link DirCalls#locate}); the watch is
   * then added through {@code /proc/self/fd/N}.
   */
  private int open(PathBytes dir) throws NativeException {
    DirCalls.Located at = dirs.locate(dir.toBytes(), dir);
    try {
      return dirs.openDirectory(at.dirFd(), at.name(), dir);
    } finally {
      dirs.close(at);
    }
  }

  /** For DT_UNKNOWN (some filesystems never fill d_type): false if the entry is already gone. */
  private boolean lstatIsDirectory(int dirFd, byte[] name, PathBytes path) {
    try {
      StatInfo st = dirs.lstatAt(dirFd, name, path);
      return st.isDirectory();
    } catch (NativeException e) {
      return false;
    }
  }

  /**
   * The errnos of a directory that was removed, renamed or replaced by a non-directory since it was
   * listed.
   */
  static boolean isGone(NativeException e) {
    return e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR) || e.is(Errno.ELOOP);
  }
}
