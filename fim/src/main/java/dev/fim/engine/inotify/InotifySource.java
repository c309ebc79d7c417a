package dev.fim.engine.inotify;

import dev.fim.engine.QueueReader;
import dev.fim.engine.inotify.WatchTable.Watch;
import dev.fim.engine.source.ChangeListener;
import dev.fim.engine.source.ChangeSource;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The inotify backend of {@code fim watch}, the fallback where fanotify is unavailable (no
 * CAP_SYS_ADMIN, an older kernel): one inotify instance with one watch per directory of the trees,
 * kept in step as directories come, go and move, its events told to a {@link ChangeListener} as
 * paths (bytes; the pid is always 0, inotify does not know it).
 *
 * <p>Roots: a directory root is watched with everything below it that {@code descend} allows
 * ({@code descend} is not asked about the roots themselves). A root that is not a directory (a
 * file, or a symlink, which is never followed) is watched through its parent directory, whose
 * events are filtered by the root's name: so a file replaced by a rename (an editor's save) stays
 * watched, which a watch on the file's inode would not. A root that goes (deleted, moved away) is
 * reported as {@link ChangeListener#SELF_GONE}; it is watched again only if it is back when the
 * roots are walked again (after an overflow).
 *
 * <p>Limits: each directory costs one watch of {@code fs.inotify.max_user_watches} (shared by the
 * user's inotify instances); reaching it fails {@link #open} with a {@link NativeException} that
 * says how to raise it, and later (a new directory) is a {@link ChangeListener#lost} call for that
 * directory. A queue overflow ({@code fs.inotify.max_queued_events}) is a {@code lost} call for the
 * roots, made once the roots have been walked again (so directories made meanwhile have their
 * watches before the listener rescans). A filesystem mounted inside the trees after {@link #open}
 * is not seen (inotify has no event for it); one unmounted is a {@code lost} call, also after the
 * roots were walked again.
 *
 * <p>Life cycle as {@link ChangeSource} says: {@link #open}, {@link #run} on one thread until
 * {@link #stop()}, then {@link #close()}. {@code stop} and {@link #watchCount()} are thread-safe;
 * the rest belongs to one thread at a time.
 */
public final class InotifySource implements ChangeSource {
  /** 64 KiB: at least 240 events of the longest kind (16-byte header, 255-byte name and NUL). */
  public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

  private final List<PathBytes> roots;
  private final WatchTable table;
  private final TreeWatcher watcher;
  private final QueueReader queue;
  private final EventTranslator translator;

  /**
   * Directories below the roots that {@link #open} could not watch; told as losses when {@link
   * #run} starts.
   */
  private final List<NativeException> unwatchedAtOpen = new ArrayList<>();

  private InotifySource(
      int inotifyFd, QueueReader queue, List<PathBytes> roots, Predicate<PathBytes> descend) {
    this.roots = roots;
    this.queue = queue;
    this.table = new WatchTable();
    this.watcher = new TreeWatcher(inotifyFd, table, descend);
    this.translator =
        new EventTranslator(inotifyFd, table, watcher, descend, this.roots, this::rewatchRoots);
  }

  /**
   * A new inotify instance watching {@code roots}: when this returns, every directory of the trees
   * has its watch (except those below a root that could not be watched, which {@link #run} reports
   * as losses first).
   *
   * @param roots absolute paths (a trailing slash is dropped: events name {@code /srv/x}, not
   *     {@code /srv//x})
   * @param descend whether a directory below a root is to be watched (and walked); pruned ones are
   *     still reported when they are created, deleted or renamed, as entries of their parent
   * @throws NativeException a root is missing or cannot be watched; the watch limit was reached
   *     (ENOSPC, with the sysctl to raise); no inotify instance is to be had (EMFILE)
   */
  public static InotifySource open(List<PathBytes> roots, Predicate<PathBytes> descend)
      throws NativeException {
    List<PathBytes> absolute = new ArrayList<>(roots.size());
    for (PathBytes root : roots) {
      absolute.add(withoutTrailingSlash(root));
    }
    int fd = InotifyCalls.init();
    InotifySource source =
        new InotifySource(
            fd, QueueReader.open(fd, DEFAULT_BUFFER_BYTES), List.copyOf(absolute), descend);
    try {
      for (PathBytes root : source.roots) {
        source.watchRoot(root, (dir, why) -> source.unwatchedAtOpen.add(why));
      }
      return source;
    } catch (NativeException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "inotify";
  }

  @Override
  public String description() {
    return "inotify, " + watchCount() + " directory watches";
  }

  /** How many directories are watched now; thread-safe. 0 after {@link #close()}. */
  public int watchCount() {
    return table.size();
  }

  @Override
  public void run(ChangeListener listener) throws NativeException {
    for (NativeException e : unwatchedAtOpen) {
      listener.lost(e.getMessage(), List.of(e.path()));
    }
    unwatchedAtOpen.clear();
    queue.run(
        (QueueReader.HoldingBatch)
            (buf, len, held) -> translator.translate(buf, len, held, listener));
  }

  @Override
  public void stop() {
    queue.stop();
  }

  /** Closes the instance, which removes all its watches, and the stop signal. Idempotent. */
  @Override
  public void close() {
    queue.close();
    table.clear();
  }

  /**
   * Watches one root: a directory with its tree, anything else through its parent directory, by
   * name.
   */
  private void watchRoot(
      PathBytes root, java.util.function.BiConsumer<PathBytes, NativeException> unwatched)
      throws NativeException {
    if (watcher.isDirectory(root)) {
      Watch w = watcher.watchTree(root, TreeWatcher.unwatchedOnly(unwatched));
      w.root = root;
      return;
    }
    Watch w = watcher.watchDirectory(root.parent());
    byte[] name = root.name();
    if (w.fileRoots.stream().noneMatch(n -> java.util.Arrays.equals(n, name))) {
      w.fileRoots.add(name);
    }
  }

  /** {@code root} without trailing slashes ("/" stays); refuses a relative path. */
  static PathBytes withoutTrailingSlash(PathBytes root) {
    if (root.length() == 0 || root.byteAt(0) != '/') {
      throw new IllegalArgumentException("root " + root.display() + " is not an absolute path");
    }
    int end = root.length();
    while (end > 1 && root.byteAt(end - 1) == '/') {
      end--;
    }
    return end == root.length() ? root : PathBytes.of(root.toBytes(), 0, end);
  }

  /**
   * After an overflow or an unmount: walk the roots again. Known watches stay (the kernel hands
   * back their wds, and a path that changed unseen is corrected); missing ones are added. Failures
   * are losses.
   */
  private void rewatchRoots(ChangeListener listener) {
    for (PathBytes root : roots) {
      try {
        watchRoot(root, (dir, why) -> listener.lost(why.getMessage(), List.of(dir)));
      } catch (NativeException e) {
        if (!TreeWatcher.isGone(e)) {
          listener.lost(e.getMessage(), List.of(root));
        }
      }
    }
  }
}
