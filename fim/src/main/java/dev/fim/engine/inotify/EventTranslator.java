package dev.fim.engine.inotify;

import static dev.fim.engine.inotify.InotifyLayout.*;

import dev.fim.engine.QueueReader;
import dev.fim.engine.inotify.WatchTable.Watch;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Turns one read's worth of {@code struct inotify_event}s into {@link ChangeListener} calls naming
 * paths, and keeps the watches in step with the trees: a new or moved-in directory is watched (and
 * what is already inside it reported as created), a renamed one moves its descendants' paths, one
 * that left the trees loses its watches.
 *
 * <p>Renames: the kernel queues IN_MOVED_FROM and IN_MOVED_TO with one cookie back to back
 * (inotify(7)). A first pass over the batch indexes its IN_MOVED_TOs by cookie; an IN_MOVED_FROM
 * whose partner is in the same batch is a rename inside the trees, handled at the IN_MOVED_FROM (so
 * later events of the moved directory already get the new path). One without a partner counts as
 * moved out of the trees, so the stale paths of its watches never name an event. A pair split
 * across two reads (the read came between the halves: the renaming process was preempted, or the
 * buffer ended there) would be reported as moved out and moved in; so a batch whose end holds such
 * an IN_MOVED_FROM keeps that tail back until the next read, which {@link QueueReader} makes as
 * soon as more events come, within {@link QueueReader#HOLD_WAIT_MS} (inotify(7), "dealing with
 * rename() events"). Only if none came, or they hold no partner either, did the name leave the
 * trees. (A pair still split, as when interleaved renames fill the hold, is reported as halves:
 * still right, the directory is unwatched and watched again, its entries reported as created.)
 *
 * <p>Parses in place; per event it allocates only the reported {@link PathBytes}. Not thread-safe:
 * the reader thread owns it.
 */
final class EventTranslator {
  private final int inotifyFd;
  private final WatchTable table;
  private final TreeWatcher watcher;
  private final Predicate<PathBytes> descend;
  private final Consumer<ChangeListener> rewatchRoots;
  private final List<PathBytes> roots;

  /**
   * Overflows and unmounts of this batch, told once the roots have been walked again at its end: a
   * listener that rescans on {@code lost} then rescans what the new watches already cover, leaving
   * no gap between the two.
   */
  private final List<String> rewatchReasons = new ArrayList<>();

  private final List<List<PathBytes>> rewatchScopes = new ArrayList<>();

  /** The batch's IN_MOVED_TO events: cookie, offset, and whether an IN_MOVED_FROM claimed it. */
  private int[] toCookie = new int[64];

  private int[] toOffset = new int[64];
  private boolean[] toClaimed = new boolean[64];
  private int toCount;

  /** Index of the next IN_MOVED_TO of the second pass. */
  private int toNext;

  /** One event's name, copied out of the buffer. */
  private final byte[] name = new byte[NAME_MAX + 1];

  /** The path being built: directory bytes, '/', name. */
  private byte[] pathScratch = new byte[4096 + NAME_MAX + 2];

  EventTranslator(
      int inotifyFd,
      WatchTable table,
      TreeWatcher watcher,
      Predicate<PathBytes> descend,
      List<PathBytes> roots,
      Consumer<ChangeListener> rewatchRoots) {
    this.inotifyFd = inotifyFd;
    this.table = table;
    this.watcher = watcher;
    this.descend = descend;
    this.roots = roots;
    this.rewatchRoots = rewatchRoots;
  }

  /** Handles the {@code len} bytes of whole events at position 0 of {@code buf}, all of them. */
  void translate(ByteBuffer buf, int len, ChangeListener out) throws NativeException {
    translate(buf, len, len, out);
  }

  /**
   * Handles the {@code len} bytes of whole events at position 0 of {@code buf}, except a tail that
   * starts with an IN_MOVED_FROM whose IN_MOVED_TO is not in the batch (yet): the kernel queues the
   * two one after the other, and the read may have come between them. Returns the bytes handled;
   * the caller hands the rest again with the events that follow ({@link QueueReader.HoldingBatch}).
   * The first {@code held} bytes are such a tail handed again: a partner not found now is not
   * waited for twice, the name left the trees.
   */
  int translate(ByteBuffer buf, int len, int held, ChangeListener out) throws NativeException {
    buf.order(ByteOrder.nativeOrder());
    int end =
        holdFrom(buf, len, indexMovedTo(buf, len, Math.max(held, len - QueueReader.MAX_HELD)));
    toNext = 0;
    for (int off = 0, next; off < end && (next = eventEnd(buf, off, len)) > 0; off = next) {
      event(buf, off, out);
    }
    if (!rewatchReasons.isEmpty()) {
      rewatchRoots.accept(out);
      for (int i = 0; i < rewatchReasons.size(); i++) {
        out.lost(rewatchReasons.get(i), rewatchScopes.get(i));
      }
      rewatchReasons.clear();
      rewatchScopes.clear();
    }
    return end;
  }

  /**
   * Where the tail to hold back starts, or {@code len} to hold nothing: the first IN_MOVED_FROM
   * from offset {@code window} on (past the held bytes, in the last {@link QueueReader#MAX_HELD}
   * bytes), whose cookie no IN_MOVED_TO of the batch carries. Nothing is held if an IN_MOVED_TO in
   * that tail pairs with an IN_MOVED_FROM before it (concurrent renames interleave their halves):
   * that pair is joined in this call, and its claim would not survive the hold.
   */
  private int holdFrom(ByteBuffer buf, int len, int window) {
    int from = -1;
    for (int off = window, end; (end = eventEnd(buf, off, len)) > 0; off = end) {
      if (from < 0) {
        if ((buf.getInt(off + MASK) & IN_MOVED_FROM) != 0
            && !hasMovedTo(buf.getInt(off + COOKIE), off)) {
          from = off;
        }
      } else if ((buf.getInt(off + MASK) & IN_MOVED_TO) != 0
          && movedFromBefore(buf, buf.getInt(off + COOKIE), from)) {
        return len;
      }
    }
    return from < 0 ? len : from;
  }

  /** Whether an IN_MOVED_TO after offset {@code off} carries {@code cookie}. */
  private boolean hasMovedTo(int cookie, int off) {
    for (int i = 0; i < toCount; i++) {
      if (toOffset[i] > off && toCookie[i] == cookie) {
        return true;
      }
    }
    return false;
  }

  /** Whether an IN_MOVED_FROM before offset {@code before} carries {@code cookie}. */
  private static boolean movedFromBefore(ByteBuffer buf, int cookie, int before) {
    for (int off = 0, end; off < before && (end = eventEnd(buf, off, before)) > 0; off = end) {
      if ((buf.getInt(off + MASK) & IN_MOVED_FROM) != 0 && buf.getInt(off + COOKIE) == cookie) {
        return true;
      }
    }
    return false;
  }

  /**
   * Indexes the batch's IN_MOVED_TOs; returns the offset of its first event at or after {@code
   * after} ({@code len} if none): where a tail to hold may start.
   */
  private int indexMovedTo(ByteBuffer buf, int len, int after) {
    toCount = 0;
    int window = len;
    for (int off = 0, end; (end = eventEnd(buf, off, len)) > 0; off = end) {
      if (window == len && off >= after) {
        window = off;
      }
      if ((buf.getInt(off + MASK) & IN_MOVED_TO) != 0) {
        if (toCount == toCookie.length) {
          toCookie = Arrays.copyOf(toCookie, 2 * toCount);
          toOffset = Arrays.copyOf(toOffset, 2 * toCount);
          toClaimed = Arrays.copyOf(toClaimed, 2 * toCount);
        }
        toCookie[toCount] = buf.getInt(off + COOKIE);
        toOffset[toCount] = off;
        toClaimed[toCount] = false;
        toCount++;
      }
    }
    return window;
  }

  private void event(ByteBuffer buf, int off, ChangeListener out) throws NativeException {
    int mask = buf.getInt(off + MASK);
    if ((mask & IN_MOVED_TO) != 0 && toClaimed[toNext++]) {
      return; // the second half of a rename, reported at its IN_MOVED_FROM
    }
    if ((mask & IN_Q_OVERFLOW) != 0) {
      // Directories made meanwhile are unwatched, renames unseen: walk the roots again (existing
      // watches stay).
      rewatchThenLose(
          "inotify queue overflow (" + InotifyCalls.sysctl(InotifyCalls.MAX_QUEUED_EVENTS) + ")",
          roots);
      return;
    }
    Watch w = table.get(buf.getInt(off + WD));
    if (w == null) {
      return; // a watch already dropped: its directory left the trees, or IN_IGNORED of one we
      // removed
    }
    int nameLen = name(buf, off);
    if (nameLen == 0) {
      self(w, mask, out);
      return;
    }
    if (!w.accepts(name, 0, nameLen)) {
      return;
    }
    boolean dir = (mask & IN_ISDIR) != 0;
    PathBytes path = path(w, nameLen);
    if ((mask & IN_MOVED_FROM) != 0) {
      movedFrom(path, dir, buf.getInt(off + COOKIE), buf, out);
      return;
    }
    if ((mask & IN_MOVED_TO) != 0) {
      out.changed(path, ChangeListener.MOVED_TO, dir, 0);
      if (dir && w.whole && descend.test(path)) {
        watchNew(path, out);
      }
      return;
    }
    int what = what(mask);
    if (what != 0) {
      out.changed(path, what, dir, 0);
    }
    if ((mask & IN_CREATE) != 0 && dir && w.whole && descend.test(path)) {
      watchNew(path, out);
    }
  }

  /** An event about the watched directory itself (no name). */
  private void self(Watch w, int mask, ChangeListener out) throws NativeException {
    if ((mask & IN_IGNORED) != 0) {
      table.remove(w.wd);
      return;
    }
    if ((mask & IN_UNMOUNT) != 0) {
      unmounted(w);
      return;
    }
    if ((mask & IN_DELETE_SELF) != 0) {
      table.remove(w.wd); // the kernel drops the watch itself (IN_IGNORED follows)
      selfGone(w, out);
    } else if ((mask & IN_MOVE_SELF) != 0) {
      if (isRoot(w) || !w.whole) {
        unwatch(w.path, out); // a root moved away: nothing of it is at the paths we know any more
      } else if (w.root != null) {
        selfGone(
            w,
            out); // a root moved to elsewhere inside another root: watched there, no longer a root
        w.root = null;
      }
      // A directory inside the trees that moved was handled at its parent's IN_MOVED_FROM.
    } else if (isRoot(w) && what(mask) != 0) {
      // Changes of a directory inside the trees come from its parent's watch, with its name; a root
      // has none.
      out.changed(w.path, what(mask), true, 0);
    }
  }

  /** {@code w} stands for its root still (not renamed since). */
  private static boolean isRoot(Watch w) {
    return w.root != null && w.root.equals(w.path);
  }

  /** SELF_GONE for the roots {@code w} stands for: itself, and the files watched through it. */
  private static void selfGone(Watch w, ChangeListener out) {
    if (w.root != null) {
      out.changed(w.root, ChangeListener.SELF_GONE, true, 0);
    }
    for (byte[] n : w.fileRoots) {
      out.changed(w.path.resolve(n), ChangeListener.SELF_GONE, false, 0);
    }
  }

  /**
   * IN_MOVED_FROM: a rename inside the trees if the batch holds the other half, else the name left
   * the trees.
   */
  private void movedFrom(
      PathBytes from, boolean dir, int cookie, ByteBuffer buf, ChangeListener out)
      throws NativeException {
    for (int i = toNext; i < toCount; i++) {
      if (toCookie[i] != cookie || toClaimed[i]) {
        continue;
      }
      int off = toOffset[i];
      Watch tw = table.get(buf.getInt(off + WD));
      int nameLen = name(buf, off);
      if (tw == null || nameLen == 0 || !tw.accepts(name, 0, nameLen)) {
        break; // moved to where nothing is watched: the IN_MOVED_TO event is dropped for the same
        // reason
      }
      toClaimed[i] = true;
      PathBytes to = path(tw, nameLen);
      if (dir) {
        boolean watchable = tw.whole && descend.test(to);
        if (table.at(from) != null && watchable) {
          table.move(from, to);
        } else {
          unwatch(from, out);
          if (watchable) {
            // Not watched before (pruned, or renamed before its watch was in place): what is in it
            // is new to us.
            out.renamed(from, to, true, 0);
            watchNew(to, out);
            return;
          }
        }
      }
      out.renamed(from, to, dir, 0);
      return;
    }
    out.changed(from, ChangeListener.MOVED_FROM, dir, 0);
    if (dir) {
      unwatch(from, out);
    }
  }

  /**
   * A directory appeared (created, moved in): watch it and everything below, and report everything
   * already inside as created: it may have been made before the watch was in place ({@code mkdir -p
   * a/b/c && touch a/b/c/f}). Failures are losses, not errors: the rest of the trees stays watched.
   */
  private void watchNew(PathBytes dir, ChangeListener out) {
    TreeWatcher.Report report =
        new TreeWatcher.Report() {
          @Override
          public void found(PathBytes path, boolean directory) {
            out.changed(path, ChangeListener.CREATED, directory, 0);
          }

          @Override
          public void unwatched(PathBytes d, NativeException why) {
            out.lost(why.getMessage(), List.of(d));
          }
        };
    try {
      watcher.watchTree(dir, report);
    } catch (NativeException e) {
      if (!TreeWatcher.isGone(e)) {
        out.lost(e.getMessage(), List.of(dir));
      }
    }
  }

  /**
   * IN_UNMOUNT: a filesystem the watch was on went away, and with it every watch on it (IN_IGNORED
   * follows each). What the paths show now (the directory mounted over) is unwatched until the
   * roots are walked again.
   */
  private void unmounted(Watch w) {
    for (Watch gone : table.subtree(w.path)) {
      table.remove(gone.wd);
    }
    rewatchThenLose(
        "a filesystem was unmounted at or above " + w.path.display() + " inside the watched trees",
        List.of(w.path));
  }

  private void rewatchThenLose(String reason, List<PathBytes> scope) {
    rewatchReasons.add(reason);
    rewatchScopes.add(scope);
  }

  /**
   * Removes the watches at and below {@code dir} (inotify_rm_watch), so its old paths never name an
   * event; roots among them are gone.
   */
  private void unwatch(PathBytes dir, ChangeListener out) throws NativeException {
    for (Watch w : table.subtree(dir)) {
      table.remove(w.wd);
      InotifyCalls.rmWatch(inotifyFd, w.wd, w.path);
      if (isRoot(w) || !w.fileRoots.isEmpty()) {
        selfGone(w, out);
      }
    }
  }

  /**
   * The offset after the event at {@code off}, or -1 when no whole event starts there: the buffer
   * ends, or the event's {@code len} is negative or runs past {@code len} bytes. The kernel only
   * returns whole events (inotify(7)); trusting a {@code len} that does not fit would read past the
   * buffer, or loop for ever on a negative one.
   */
  private static int eventEnd(ByteBuffer buf, int off, int len) {
    if (len - off < HEADER_SIZE) {
      return -1;
    }
    int nameLen = buf.getInt(off + LEN);
    if (nameLen < 0 || nameLen > len - off - HEADER_SIZE) {
      return -1;
    }
    return off + HEADER_SIZE + nameLen;
  }

  /** Copies the event's name into {@link #name}; returns its length without the NUL padding. */
  private int name(ByteBuffer buf, int off) {
    int len = buf.getInt(off + LEN);
    int n = 0;
    while (n < len && n < name.length && buf.get(off + HEADER_SIZE + n) != 0) {
      name[n] = buf.get(off + HEADER_SIZE + n);
      n++;
    }
    return n;
  }

  /** The watched directory's path + '/' + the name in {@link #name}. */
  private PathBytes path(Watch w, int nameLen) {
    byte[] dir = w.bytes;
    boolean slash = dir.length > 0 && dir[dir.length - 1] == '/';
    int len = dir.length + (slash ? 0 : 1) + nameLen;
    if (pathScratch.length < len) {
      pathScratch = new byte[len];
    }
    System.arraycopy(dir, 0, pathScratch, 0, dir.length);
    int at = dir.length;
    if (!slash) {
      pathScratch[at++] = '/';
    }
    System.arraycopy(name, 0, pathScratch, at, nameLen);
    return PathBytes.of(pathScratch, 0, len);
  }

  /** The content and entry events of {@code mask}, as {@link ChangeListener} bits. */
  static int what(int mask) {
    int what = 0;
    if ((mask & IN_MODIFY) != 0) {
      what |= ChangeListener.MODIFIED;
    }
    if ((mask & IN_CLOSE_WRITE) != 0) {
      what |= ChangeListener.CLOSED_WRITE;
    }
    if ((mask & IN_ATTRIB) != 0) {
      what |= ChangeListener.ATTRIB;
    }
    if ((mask & IN_CREATE) != 0) {
      what |= ChangeListener.CREATED;
    }
    if ((mask & IN_DELETE) != 0) {
      what |= ChangeListener.DELETED;
    }
    return what;
  }
}
