package dev.fim.engine.inotify;

import dev.fim.store.PathBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which directory each watch descriptor stands for, both ways: wd → {@link Watch} and path → {@link
 * Watch}, the paths kept in byte order so that a directory's descendants are one contiguous range
 * (everything from {@code "P/"} up to {@code "P0"}, '0' being '/' + 1). A rename moves that range;
 * a directory leaving the trees drops it.
 *
 * <p>One inode has one watch (inotify merges watches per inode), so a directory reachable by two
 * paths (a bind mount inside the trees) is known by the path it was last watched at. Not
 * thread-safe: the reader thread owns it; {@link #size()} may be read from any thread.
 */
final class WatchTable {
  /** One watched directory. Mutable: its path changes when it or an ancestor is renamed. */
  static final class Watch {
    final int wd;
    PathBytes path;

    /** The path's bytes, for building event paths without copying {@link #path} per event. */
    byte[] bytes;

    /** Every entry counts (a directory in a watched tree), not only {@link #fileRoots}. */
    boolean whole;

    /** The root this directory was given as, or null: it reports its own changes and SELF_GONE. */
    PathBytes root;

    /**
     * Names of roots that are files (or symlinks) in this directory: watched through it, by name.
     */
    final List<byte[]> fileRoots = new ArrayList<>(1);

    Watch(int wd, PathBytes path) {
      this.wd = wd;
      setPath(path);
    }

    void setPath(PathBytes p) {
      path = p;
      bytes = p.toBytes();
    }

    /**
     * Whether events for the entry {@code name} (at {@code off}, {@code len} bytes of {@code
     * event}) count.
     */
    boolean accepts(byte[] event, int off, int len) {
      if (whole) {
        return true;
      }
      for (byte[] n : fileRoots) {
        if (Arrays.equals(n, 0, n.length, event, off, off + len)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return wd
          + " "
          + path.display()
          + (whole ? "" : " (file roots only)")
          + (root != null ? " (root)" : "");
    }
  }

  private final Map<Integer, Watch> byWd = new HashMap<>();
  private final TreeMap<PathBytes, Watch> byPath = new TreeMap<>();
  private volatile int size;

  /**
   * The watch {@code wd} stands for, or null once it was dropped (events of a dropped wd are
   * stale).
   */
  Watch get(int wd) {
    return byWd.get(wd);
  }

  /** The watch at exactly {@code path}, or null. */
  Watch at(PathBytes path) {
    return byPath.get(path);
  }

  /**
   * Records that {@code wd} watches {@code path}. The kernel returns a known wd when the inode is
   * watched already; if that watch was known by another path (a rename the queue overflow hid), it
   * moves to this one.
   */
  Watch put(int wd, PathBytes path) {
    Watch w = byWd.get(wd);
    if (w == null) {
      w = new Watch(wd, path);
      byWd.put(wd, w);
      size = byWd.size();
    } else if (!w.path.equals(path)) {
      byPath.remove(w.path, w);
      w.setPath(path);
    }
    byPath.put(path, w);
    return w;
  }

  /**
   * Forgets {@code wd} (IN_IGNORED, IN_DELETE_SELF, or after inotify_rm_watch); a later owner of
   * its path stays.
   */
  Watch remove(int wd) {
    Watch w = byWd.remove(wd);
    if (w != null) {
      byPath.remove(w.path, w);
      size = byWd.size();
    }
    return w;
  }

  /** The watch at {@code path} (if any) and every watch below it, in path order. */
  List<Watch> subtree(PathBytes path) {
    List<Watch> out = new ArrayList<>();
    Watch self = byPath.get(path);
    if (self != null) {
      out.add(self);
    }
    out.addAll(below(path).values());
    return out;
  }

  /**
   * {@code from} was renamed to {@code to}: the watches at and below it now live under {@code to}.
   */
  void move(PathBytes from, PathBytes to) {
    List<Watch> moved = subtree(from);
    for (Watch w : moved) {
      byPath.remove(w.path, w);
    }
    int cut = from.length();
    byte[] prefix = to.toBytes();
    for (Watch w : moved) {
      byte[] rest = Arrays.copyOfRange(w.bytes, cut, w.bytes.length);
      byte[] p = Arrays.copyOf(prefix, prefix.length + rest.length);
      System.arraycopy(rest, 0, p, prefix.length, rest.length);
      w.setPath(PathBytes.of(p));
      byPath.put(w.path, w);
    }
  }

  /** How many watches are known; safe from any thread. */
  int size() {
    return size;
  }

  List<Watch> all() {
    return new ArrayList<>(byWd.values());
  }

  void clear() {
    byWd.clear();
    byPath.clear();
    size = 0;
  }

  /**
   * The watches strictly below {@code path}: keys from "P/" (inclusive) to "P0" (exclusive); for
   * "/", all others.
   */
  private NavigableMap<PathBytes, Watch> below(PathBytes path) {
    byte[] p = path.toBytes();
    if (p.length == 1 && p[0] == '/') {
      return byPath.tailMap(path, false);
    }
    byte[] lo = Arrays.copyOf(p, p.length + 1);
    lo[p.length] = '/';
    byte[] hi = lo.clone();
    hi[p.length] = '/' + 1;
    return byPath.subMap(PathBytes.of(lo), true, PathBytes.of(hi), false);
  }
}
