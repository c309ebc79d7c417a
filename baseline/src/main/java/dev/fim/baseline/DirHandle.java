package dev.fim.baseline;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.PathBytes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open directory fd shared by the worker listing it, the workers processing its chunks and the
 * subdirectories opened relative to it: closed by whoever drops the last reference, so an fd is
 * never closed while another thread still uses it for {@code fstatat}/{@code openat} (nor reused by
 * a new open under its feet). Thread-safe.
 *
 * <h2>Anchors: no PATH_MAX anywhere in the walk</h2>
 *
 * A subdirectory is opened by a relative path beneath an <b>anchor</b> directory's fd with {@code
 * openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)}: the root for most of a tree. The kernel refuses a
 * path of {@code PATH_MAX} (4096) bytes or more with ENAMETOOLONG, so once the relative path would
 * pass {@link #MAX_RELATIVE} bytes the directory itself becomes the anchor of its children, and the
 * path starts again from one name. A tree 20 levels deep in 250-byte names is walked like any
 * other, and a tree of any depth holds about {@code depth bytes / MAX_RELATIVE} anchor fds open (a
 * 1 MB path: ~500), not one fd per level. A handle holds a reference on its own anchor until it is
 * released, so an anchor outlives everything opened beneath it.
 */
final class DirHandle {
  /** The longest relative path handed to openat2 (well below PATH_MAX, which counts the NUL). */
  static final int MAX_RELATIVE = 2048;

  final int fd;
  final PathBytes path;

  /** The directory {@link #relPath} is relative to (holding a reference on it); null for a root. */
  final DirHandle anchor;

  /** Path relative to {@link #anchor}'s fd; empty for a root. */
  final byte[] relPath;

  private final AtomicInteger refs = new AtomicInteger(1);

  /**
   * Takes over the fd (closed with the last reference) and the caller's reference on {@code anchor}
   * (released with the last reference).
   */
  DirHandle(int fd, PathBytes path, DirHandle anchor, byte[] relPath) {
    this.fd = fd;
    this.path = path;
    this.anchor = anchor;
    this.relPath = relPath;
  }

  DirHandle acquire() {
    refs.incrementAndGet();
    return this;
  }

  /**
   * Drops one reference; the last one closes the fd ({@code calls} is the caller's own) and
   * releases the anchor.
   */
  void release(DirCalls calls) {
    int left = refs.decrementAndGet();
    if (left == 0) {
      calls.close(fd);
      if (anchor != null) {
        anchor.release(calls);
      }
    } else if (left < 0) {
      throw new IllegalStateException("DirHandle of " + path + " released once too often");
    }
  }

  /**
   * The task of opening subdirectory {@code name}: beneath this handle's anchor while the relative
   * path stays short, else beneath this directory itself. Acquires a reference on the anchor it
   * names, which the task's opener takes over (or releases when the open fails).
   */
  Task.Dir child(byte[] name, PathBytes childPath) {
    if (anchor == null || relPath.length + 1 + name.length > MAX_RELATIVE) {
      return new Task.Dir(acquire(), name, childPath);
    }
    byte[] rel = java.util.Arrays.copyOf(relPath, relPath.length + 1 + name.length);
    rel[relPath.length] = '/';
    System.arraycopy(name, 0, rel, relPath.length + 1, name.length);
    return new Task.Dir(anchor.acquire(), rel, childPath);
  }
}
