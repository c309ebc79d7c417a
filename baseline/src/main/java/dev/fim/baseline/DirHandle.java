package dev.fim.baseline;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.PathBytes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open directory fd shared by the worker listing it and the workers processing its chunks:
 * closed by whoever drops the last reference, so an fd is never closed while another thread
 * still uses it for {@code fstatat}/{@code openat} (nor reused by a new open under its feet).
 * Thread-safe.
 */
final class DirHandle {
  final int fd;
  final PathBytes path;
  /** Path relative to the root fd ("" for the root itself), for openat2 of subdirectories. */
  final byte[] relPath;
  final RootContext root;
  private final boolean ownsFd;
  private final AtomicInteger refs = new AtomicInteger(1);

  DirHandle(int fd, boolean ownsFd, PathBytes path, byte[] relPath, RootContext root) {
    this.fd = fd;
    this.ownsFd = ownsFd;
    this.path = path;
    this.relPath = relPath;
    this.root = root;
  }

  DirHandle acquire() {
    refs.incrementAndGet();
    return this;
  }

  /** Drops one reference; the last one closes the fd ({@code calls} is the caller's own). */
  void release(DirCalls calls) {
    int left = refs.decrementAndGet();
    if (left == 0 && ownsFd) {
      calls.close(fd);
    } else if (left < 0) {
      throw new IllegalStateException("DirHandle of " + path + " released once too often");
    }
  }

  /** The path of child {@code name} relative to the root fd. */
  byte[] childRelPath(byte[] name) {
    if (relPath.length == 0) {
      return name;
    }
    byte[] out = java.util.Arrays.copyOf(relPath, relPath.length + 1 + name.length);
    out[relPath.length] = '/';
    System.arraycopy(name, 0, out, relPath.length + 1, name.length);
    return out;
  }
}
