package dev.fim.engine.fanotify;

import dev.fim.baseline.walk.NativeException;
import dev.fim.store.PathBytes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a directory's {@link FileHandleKey} into its current path: {@code open_by_handle_at(mount_fd, handle,
 * O_PATH)}, then {@code readlink("/proc/self/fd/N")}, as {@link PathBytes}. A directory handle always resolves to a
 * connected path (a directory has one parent), unlike a file's, so this is for the {@code dirHandle},
 * {@code oldDirHandle} and {@code newDirHandle} of events.
 *
 * <p>Results are kept in a bounded LRU cache keyed by (fsid, handle). A directory that was renamed keeps its handle
 * but not its path, so the cache must hear about directory moves: pass every event to {@link #invalidate}, which
 * drops the whole cache on a directory rename, move or delete (a move renames every path below it, and such events
 * are rare next to file events).
 *
 * <p>A handle that no longer resolves (ESTALE: the directory was deleted) gives {@code null}; the caller decides
 * (typically: the entry went with its directory, or rescan). The mount fds are opened by {@link #addFilesystem} on
 * the watched roots, one per fsid. Requires CAP_DAC_READ_SEARCH (open_by_handle_at(2)).
 *
 * <p>Not thread-safe: one decoder thread owns it. Must not know about the store, rules or output.
 */
public final class HandleResolver implements AutoCloseable {
  /** The default bound: 10,000 directories, about 2 MB of paths and handles. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private static final byte[] DELETED_SUFFIX = " (deleted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Map<Long, Integer> mountFds = new HashMap<>();
  private final LinkedHashMap<FileHandleKey, PathBytes> cache;
  private final byte[] linkBuf = new byte[FanotifyCalls.PATH_MAX + 1];
  private final byte[] statBuf = new byte[FanotifyCalls.STAT_SIZE];
  private long hits;
  private long misses;

  /** A resolver whose cache holds at most {@code capacity} directories. */
  public HandleResolver(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity " + capacity);
    }
    this.cache = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<FileHandleKey, PathBytes> eldest) {
        return size() > capacity;
      }
    };
  }

  public HandleResolver() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * Makes handles of the filesystem holding {@code root} resolvable: opens {@code root} as the mount fd and
   * records its fsid ({@code fstatfs}). A second root on an already known filesystem is ignored. Returns the fsid.
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
   * The directory's current path, or null if it no longer exists (ESTALE, or held open but already removed).
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
      byte[] p = FanotifyCalls.fdPath(fd, linkBuf);
      // The kernel appends " (deleted)" to an unlinked dentry's path; a real name may end so too, so ask st_nlink.
      if (p.length == 0 || p[0] != '/' || (endsWith(p, DELETED_SUFFIX) && FanotifyCalls.linkCount(fd, statBuf) == 0)) {
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
   * Keeps the cache true after {@code e}: a directory renamed, moved or deleted changes or ends the paths of every
   * handle below it, so the whole cache is dropped. File events change nothing.
   */
  public void invalidate(FanotifyEvent e) {
    if (e.isDirectory() && e.has(FanotifyEvent.FAN_RENAME | FanotifyEvent.FAN_MOVE | FanotifyEvent.FAN_MOVE_SELF
        | FanotifyEvent.FAN_DELETE | FanotifyEvent.FAN_DELETE_SELF)) {
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
