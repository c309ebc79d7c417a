package dev.fim.engine.fanotify;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.HashMap;
import java.util.Map;
import jnr.constants.platform.Errno;

/**
 * Turns a directory's {@link FileHandleKey} into its current path: {@code
 * open_by_handle_at(mount_fd, handle, O_PATH)}, then {@code readlink("/proc/self/fd/N")}, as {@link
 * PathBytes}; a directory deeper than PATH_MAX, which /proc cannot name (ENAMETOOLONG), by climbing
 * {@code ..} until the rest fits ({@link #longPath}). A directory handle always resolves to a
 * connected path (a directory has one parent), unlike a file's, so this is for the {@code
 * dirHandle}, {@code oldDirHandle} and {@code newDirHandle} of events.
 *
 * <p>Results are kept in a bounded LRU cache keyed by (fsid, handle), bounded by count and bytes
 * ({@link DirectoryPaths}). A directory that was renamed keeps its handle but not its path, so the
 * cache must hear about directory moves: pass every event to {@link #invalidate}, which drops the
 * whole cache on a directory rename, move or delete (a move renames every path below it, and such
 * events are rare next to file events).
 *
 * <p>A handle that no longer resolves (ESTALE: the directory was deleted) gives {@code null}; the
 * caller decides (typically: the entry went with its directory, or rescan). The mount fds are
 * opened by {@link #addFilesystem} on the watched roots, one per fsid. Requires CAP_DAC_READ_SEARCH
 * (open_by_handle_at(2)).
 *
 * <p>Not thread-safe: one decoder thread owns it. Must not know about the store, rules or output.
 */
public final class HandleResolver implements AutoCloseable {
  /**
   * The default count bound: 10,000 directories; their bytes are bounded too ({@link
   * DirectoryPaths#BUDGET_BYTES}).
   */
  public static final int DEFAULT_CAPACITY = 10_000;

  private static final byte[] DOTDOT = {'.', '.'};
  private static final byte[] DELETED_SUFFIX =
      " (deleted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Map<Long, Integer> mountFds = new HashMap<>();
  private final DirectoryPaths cache;
  private final byte[] linkBuf = new byte[FanotifyCalls.PATH_MAX + 1];
  private final byte[] statBuf = new byte[FanotifyCalls.STAT_SIZE];

  /** For {@link #longPath}: its own native buffers (one decoder thread). */
  private final DirCalls dirCalls = new DirCalls();

  private long hits;
  private long misses;

  /** A resolver whose cache holds at most {@code capacity} directories. */
  public HandleResolver(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity " + capacity);
    }
    this.cache = new DirectoryPaths(capacity, DirectoryPaths.BUDGET_BYTES);
  }

  public HandleResolver() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * Makes handles of the filesystem holding {@code root} resolvable: opens {@code root} as the
   * mount fd and records its fsid ({@code fstatfs}). A second root on an already known filesystem
   * is ignored. Returns the fsid.
   */
  public long addFilesystem(PathBytes root) throws NativeException {
    int fd = FanotifyCalls.openDirectory(root);
    long fsid;
    try {
      fsid = FanotifyCalls.fsid(fd, root);
    } catch (NativeException e) {
      FanotifyCalls.close(fd);
      throw e;
    }
    if (mountFds.putIfAbsent(fsid, fd) != null) {
      FanotifyCalls.close(fd);
    }
    return fsid;
  }

  /**
   * The directory's current path, or null if it no longer exists (ESTALE, or held open but already
   * removed).
   *
   * @throws IllegalArgumentException the handle's filesystem was never added
   * @throws NativeException open_by_handle_at failed otherwise (EPERM without CAP_DAC_READ_SEARCH)
   */
  public PathBytes resolve(FileHandleKey dir) throws NativeException {
    PathBytes cached = cache.get(dir);
    if (cached != null) {
      hits++;
      return cached;
    }
    misses++;
    Integer mountFd = mountFds.get(dir.fsid());
    if (mountFd == null) {
      throw new IllegalArgumentException("no watched root on the filesystem of handle " + dir);
    }
    int fd = FanotifyCalls.openByHandle(mountFd, dir);
    if (fd < 0) {
      return null;
    }
    PathBytes path;
    try {
      byte[] p;
      try {
        p = FanotifyCalls.fdPath(fd, linkBuf);
      } catch (NativeException e) {
        if (!e.is(Errno.ENAMETOOLONG)) {
          throw e;
        }
        p = longPath(fd); // deeper than PATH_MAX: /proc cannot name it
        if (p == null) {
          return null;
        }
      }
      // The kernel appends " (deleted)" to an unlinked dentry's path; a real name may end so too,
      // so ask st_nlink.
      if (p.length == 0
          || p[0] != '/'
          || (endsWith(p, DELETED_SUFFIX) && FanotifyCalls.linkCount(fd, statBuf) == 0)) {
        return null;
      }
      path = PathBytes.of(p);
    } finally {
      FanotifyCalls.close(fd);
    }
    cache.put(dir, path);
    return path;
  }

  /**
   * The path of directory {@code fd} when it is longer than PATH_MAX, which readlink of {@code
   * /proc/self/fd/N} refuses (ENAMETOOLONG): climbs {@code ..} one directory at a time, finding
   * each directory's name in its parent by its dev/ino ({@code fstatat} of the parent's
   * subdirectories, no symlink followed), until the rest of the path is short enough for /proc to
   * name. Costs a listing per level above PATH_MAX, once per directory (the result is cached). Null
   * when the directory or a parent went away meanwhile.
   */
  private byte[] longPath(int fd) throws NativeException {
    java.util.ArrayDeque<byte[]> names = new java.util.ArrayDeque<>();
    int cur = fd;
    try {
      while (true) {
        StatInfo self = dirCalls.fstat(cur, null);
        int parent;
        try {
          parent = dirCalls.openDirectory(cur, DOTDOT, null);
        } catch (NativeException e) {
          if (e.is(Errno.ENOENT)) {
            return null;
          }
          throw e;
        }
        if (cur != fd) {
          dirCalls.close(cur);
        }
        cur = parent;
        StatInfo up = dirCalls.fstat(cur, null);
        if (up.sameInode(self)) {
          return null; // climbed to "/" and never fitted: cannot happen for a connected directory
        }
        byte[] name = nameOf(cur, self);
        if (name == null) {
          return null; // moved or removed while we climbed
        }
        names.addFirst(name);
        byte[] head;
        try {
          head = FanotifyCalls.fdPath(cur, linkBuf);
        } catch (NativeException e) {
          if (e.is(Errno.ENAMETOOLONG)) {
            continue;
          }
          throw e;
        }
        if (head.length == 0 || head[0] != '/') {
          return null;
        }
        PathBytes p = PathBytes.of(head);
        for (byte[] n : names) {
          p = p.resolve(n);
        }
        return p.toBytes();
      }
    } finally {
      if (cur != fd) {
        dirCalls.close(cur);
      }
    }
  }

  /** The name of the subdirectory of {@code dirFd} that is the inode {@code child}, or null. */
  private byte[] nameOf(int dirFd, StatInfo child) throws NativeException {
    byte[][] found = {null};
    NativeException[] failure = {null};
    while (found[0] == null
        && dirCalls.readEntries(
                dirFd,
                null,
                (name, type) -> {
                  if (found[0] != null
                      || failure[0] != null
                      || (type != null && type != FileType.DIRECTORY)) {
                    return;
                  }
                  try {
                    if (dirCalls.lstatAt(dirFd, name, null).sameInode(child)) {
                      found[0] = name;
                    }
                  } catch (NativeException e) {
                    if (!e.is(Errno.ENOENT)) {
                      failure[0] = e;
                    }
                  }
                })
            > 0) {
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    return found[0];
  }

  /**
   * Keeps the cache true after {@code e}: a directory renamed, moved or deleted changes or ends the
   * paths of every handle below it, so the whole cache is dropped. File events change nothing.
   */
  public void invalidate(FanotifyEvent e) {
    if (e.isDirectory()
        && e.has(
            FanotifyEvent.FAN_RENAME
                | FanotifyEvent.FAN_MOVE
                | FanotifyEvent.FAN_MOVE_SELF
                | FanotifyEvent.FAN_DELETE
                | FanotifyEvent.FAN_DELETE_SELF)) {
      cache.clear();
    }
  }

  /** Drops every cached path (after an overflow, when directory moves may have been lost). */
  public void forgetAll() {
    cache.clear();
  }

  /** Cached directories now. */
  public int cachedCount() {
    return cache.size();
  }

  /** Lookups answered from the cache. */
  public long hits() {
    return hits;
  }

  /** Lookups that called open_by_handle_at. */
  public long misses() {
    return misses;
  }

  /** Closes the mount fds. Idempotent. */
  @Override
  public void close() {
    for (int fd : mountFds.values()) {
      FanotifyCalls.close(fd);
    }
    mountFds.clear();
    cache.clear();
  }

  private static boolean endsWith(byte[] p, byte[] suffix) {
    if (p.length < suffix.length) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (p[p.length - suffix.length + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }
}
