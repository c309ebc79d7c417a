package dev.fim.engine.fanotify;

import static dev.fim.engine.fanotify.FanotifyEvent.*;

import dev.fim.engine.source.ChangeListener;
import dev.fim.engine.source.ChangeSource;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fanotify backend as a {@link ChangeSource}: a {@link FanotifyReader} with filesystem marks on
 * the filesystems of the roots, whose events are resolved to paths ({@link HandleResolver}) and
 * kept only when they fall inside a root. This is where a fanotify event becomes a path notice; the
 * coalescer takes it from there.
 *
 * <p>The mask leaves out FAN_MOVED_FROM/FAN_MOVED_TO (FAN_RENAME reports both ends in one event)
 * and the _SELF events (with filesystem marks, the parent's FAN_DELETE or FAN_RENAME already names
 * every object that goes, roots included). An event whose directory no longer resolves (it was
 * deleted before the event was read) is dropped: that directory's own deletion follows from its
 * parent and removes everything below it.
 */
public final class FanotifySource implements ChangeSource {
  /** What the source asks of the kernel (see the class comment). */
  public static final long MASK =
      FAN_CREATE | FAN_DELETE | FAN_MODIFY | FAN_CLOSE_WRITE | FAN_ATTRIB | FAN_RENAME | FAN_ONDIR;

  private static final byte[] DOT = {'.'};

  /**
   * fim's own writes (its database, its output file) are on a marked filesystem too: the kernel
   * reports them with our pid (the thread group id), and they are dropped before any handle is
   * resolved. fim never writes inside the trees it watches.
   */
  private static final int OWN_PID = (int) ProcessHandle.current().pid();

  private final FanotifyReader reader;
  private final HandleResolver resolver;
  private final List<PathBytes> roots;
  private final int filesystems;
  private final OwnDirectories own;

  private FanotifySource(
      FanotifyReader reader,
      HandleResolver resolver,
      List<PathBytes> roots,
      int filesystems,
      OwnDirectories own) {
    this.reader = reader;
    this.resolver = resolver;
    this.roots = roots;
    this.filesystems = filesystems;
    this.own = own;
  }

  /**
   * Opens the group and marks the filesystem of every root.
   *
   * @throws NativeException with the reason to fall back to inotify (EPERM: no CAP_SYS_ADMIN;
   *     EINVAL: kernel older than 5.17; ENODEV/EXDEV: a filesystem without file handles), or ENOENT
   *     for a missing root
   */
  public static FanotifySource open(List<PathBytes> roots) throws NativeException {
    return open(roots, List.of());
  }

  /**
   * As {@link #open(List)}, and the content writes of the files directly in each of {@code ownDirs}
   * (fim's database), when it lies outside every root, are not queued at all ({@link
   * OwnDirectories}): fim's own writes would only wake the reader to be dropped.
   */
  public static FanotifySource open(List<PathBytes> roots, List<PathBytes> ownDirs)
      throws NativeException {
    FanotifyReader reader = FanotifyReader.open(MASK, FanotifyReader.DEFAULT_BUFFER_BYTES);
    HandleResolver resolver = new HandleResolver();
    try {
      List<Long> fsids = new ArrayList<>();
      for (PathBytes root : roots) {
        long fsid = resolver.addFilesystem(root);
        if (!fsids.contains(fsid)) {
          fsids.add(fsid);
          reader.mark(root);
        }
      }
      OwnDirectories own = OwnDirectories.quieten(reader, ownDirs, roots);
      return new FanotifySource(reader, resolver, List.copyOf(roots), fsids.size(), own);
    } catch (NativeException | RuntimeException e) {
      resolver.close();
      reader.close();
      throw e;
    }
  }

  /**
   * Tries for real what {@link #open} does (an FID group with FAN_RENAME in its mask, a filesystem
   * mark on {@code dir}'s filesystem, its handle resolver) and closes it again: null when fim watch
   * can use fanotify there, else the kernel's reason ({@code fim doctor}).
   */
  public static String probe(PathBytes dir) {
    try {
      open(List.of(dir)).close();
      return null;
    } catch (NativeException e) {
      return e.getMessage();
    }
  }

  @Override
  public String name() {
    return "fanotify";
  }

  @Override
  public String description() {
    return "fanotify, filesystem marks on "
        + filesystems
        + (filesystems == 1 ? " filesystem" : " filesystems");
  }

  @Override
  public void run(ChangeListener listener) throws NativeException {
    reader.run(new Translator(listener));
  }

  @Override
  public void stop() {
    reader.stop();
  }

  @Override
  public void close() {
    reader.close();
    resolver.close();
    own.close();
  }

  /** fim's own directories whose files' content writes are not queued now (tests, debug). */
  public List<PathBytes> quietened() {
    return own.quietened();
  }

  /** Directory-cache statistics, for the debug log and benchmarks: {hits, misses, cached}. */
  public long[] resolverStats() {
    return new long[] {resolver.hits(), resolver.misses(), resolver.cachedCount()};
  }

  /** Turns decoded events into path notices on the reader's thread. */
  private final class Translator implements FanotifyStream {
    private final ChangeListener listener;

    Translator(ChangeListener listener) {
      this.listener = listener;
    }

    @Override
    public void event(FanotifyEvent e) {
      if (e.isDirectory() && e.has(FAN_RENAME | FAN_MOVED_FROM | FAN_MOVED_TO)) {
        own.afterDirectoryMove(); // before the move's notice: see OwnDirectories
      }
      if (e.pid() == OWN_PID && !e.isDirectory()) {
        return; // a directory event still goes through: the resolver's cache must hear of directory
        // moves
      }
      try {
        translate(e);
      } catch (NativeException ex) {
        // open_by_handle_at failed for a reason other than ESTALE (EPERM, EMFILE): the event is
        // lost.
        listener.lost("fanotify event not resolved to a path: " + ex.getMessage(), roots);
      } finally {
        resolver.invalidate(
            e); // after resolving: the event's own names still refer to the old state
      }
    }

    private void translate(FanotifyEvent e) throws NativeException {
      boolean dir = e.isDirectory();
      if (e.has(FAN_RENAME)) {
        PathBytes from = child(e.oldDirHandle(), e.oldName());
        PathBytes to = child(e.newDirHandle(), e.newName());
        boolean fromInside = inside(from);
        boolean toInside = inside(to);
        if (fromInside && toInside) {
          listener.renamed(from, to, dir, e.pid());
        } else if (fromInside) {
          listener.changed(from, ChangeListener.MOVED_FROM, dir, e.pid());
        } else if (toInside) {
          listener.changed(to, ChangeListener.MOVED_TO, dir, e.pid());
        }
      }
      int what = what(e.mask());
      if (what == 0 || e.dirHandle() == null) {
        return;
      }
      PathBytes path = child(e.dirHandle(), e.nameIs(DOT) ? null : e.name());
      if (inside(path)) {
        listener.changed(path, what, dir, e.pid());
      }
    }

    /**
     * The path of {@code name} in the directory {@code dir}, or null when the directory is gone.
     */
    private PathBytes child(FileHandleKey dir, byte[] name) throws NativeException {
      if (dir == null) {
        return null;
      }
      PathBytes d = resolver.resolve(dir);
      return d == null || name == null ? d : d.resolve(name);
    }

    private boolean inside(PathBytes p) {
      if (p == null) {
        return false;
      }
      for (PathBytes root : roots) {
        if (p.isUnder(root)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void overflow() {
      resolver.forgetAll();
      own.afterDirectoryMove(); // a directory move may be among the events dropped
      listener.lost("fanotify queue overflow (the kernel dropped events)", roots);
    }

    @Override
    public void malformed(int count) {
      own.afterDirectoryMove(); // as for an overflow: a skipped event may have been a move
      listener.lost(count + " undecodable fanotify event(s) skipped", roots);
    }
  }

  private static int what(long mask) {
    int w = 0;
    if ((mask & FAN_MODIFY) != 0) {
      w |= ChangeListener.MODIFIED;
    }
    if ((mask & FAN_CLOSE_WRITE) != 0) {
      w |= ChangeListener.CLOSED_WRITE;
    }
    if ((mask & FAN_ATTRIB) != 0) {
      w |= ChangeListener.ATTRIB;
    }
    if ((mask & FAN_CREATE) != 0) {
      w |= ChangeListener.CREATED;
    }
    if ((mask & FAN_DELETE) != 0) {
      w |= ChangeListener.DELETED;
    }
    return w;
  }
}
