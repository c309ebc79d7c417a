package dev.fim.baseline;

import dev.fim.baseline.capture.XattrReader;
import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import jnr.constants.platform.Errno;

/**
 * One scan thread: takes tasks from the {@link WorkQueue} until the scan is over. Owns its native
 * buffers (walk, xattr, hash) and its {@link EntryCapture}. Not shared between threads.
 *
 * <p>Listing a directory: its names are collected in chunks of {@value #CHUNK} entries; each full
 * chunk is offered to the queue for other workers (holding a reference on the directory's fd), or
 * processed right here when enough chunks are waiting already. The last, partial chunk is always
 * processed here, so a small directory never leaves its lister. A huge file in a chunk delays only
 * the rest of that chunk: the other chunks and directories keep the other workers busy meanwhile.
 */
final class ScanWorker implements Runnable {
  static final int CHUNK = 128;

  private final WorkQueue queue;
  private final Scanner.Run run;
  private final ScanOutput out;
  private final Selector selector;
  private final DirCalls calls = new DirCalls();
  private final XattrReader xattrs = new XattrReader();
  private final ContentHasher hasher;
  private final EntryCapture capture;

  ScanWorker(
      WorkQueue queue, Scanner.Run run, ScanOutput out, Selector selector, int hashBufferBytes) {
    this.queue = queue;
    this.run = run;
    this.out = out;
    this.selector = selector;
    this.hasher = new ContentHasher(hashBufferBytes);
    this.capture = new EntryCapture(selector, out, calls, xattrs, hasher);
  }

  @Override
  public void run() {
    try {
      Task t;
      while ((t = queue.take()) != null) {
        try {
          if (t instanceof Task.Chunk c) {
            chunk(c);
          } else if (t instanceof Task.Dir d) {
            dir(d);
          } else if (t instanceof Task.Root r) {
            root(r);
          }
        } finally {
          queue.done();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      run.fail(e);
    } finally {
      hasher.close();
    }
  }

  private void root(Task.Root r) {
    PathBytes path = r.path();
    byte[] bytes = path.toBytes();
    out.entriesDiscovered.increment();
    DirCalls.Located at = null;
    int fd;
    try {
      try {
        at = calls.locate(bytes, path); // a root longer than PATH_MAX: its parent's fd and its name
        calls.lstatAt(at.dirFd(), at.name(), path);
      } catch (NativeException e) {
        out.entriesDone.increment();
        boolean absent =
            e.errnoValue() == Errno.ENOENT.intValue() || e.errnoValue() == Errno.ENOTDIR.intValue();
        if (absent && selector.optionalRoot(path)) {
          return; // a config rule's directory that does not exist: never matches, as in aide
        }
        out.problem(
            path,
            ScanProblem.Kind.MISSING_ROOT,
            e.explain("of a scan root", "nothing scanned below it").getMessage());
        return;
      }
      // A root given as a symlink is recorded as a symlink and not descended (O_NOFOLLOW below).
      StatInfo st = capture.capture(at.dirFd(), at.name(), null, path, at.ownsFd() ? null : bytes);
      if (st == null) {
        return;
      }
      try {
        fd = calls.openDirectory(at.dirFd(), at.name(), path);
      } catch (NativeException e) {
        unreadableDirectory(path, e);
        return;
      }
    } finally {
      calls.close(at);
    }
    list(new DirHandle(fd, path, null, new byte[0]));
  }

  private void dir(Task.Dir d) {
    int fd;
    try {
      fd = calls.openDirectoryBeneath(d.anchor().fd, d.relPath(), d.path());
    } catch (NativeException e) {
      d.anchor().release(calls);
      if (e.is(Errno.ENOENT)) {
        out.problem(
            d.path(),
            ScanProblem.Kind.VANISHED,
            e.explain(null, "vanished since it was listed").getMessage());
      } else if (e.is(Errno.ELOOP) || e.is(Errno.ENOTDIR)) {
        out.problem(
            d.path(),
            ScanProblem.Kind.VANISHED,
            e.explain(null, "no longer a directory (replaced since it was listed); not followed")
                .getMessage());
      } else {
        unreadableDirectory(d.path(), e);
      }
      return;
    }
    list(new DirHandle(fd, d.path(), d.anchor(), d.relPath()));
  }

  private void unreadableDirectory(PathBytes path, NativeException e) {
    out.problem(
        path,
        ScanProblem.Kind.UNREADABLE_DIRECTORY,
        e.explain(null, "contents not scanned").getMessage());
  }

  /**
   * Lists {@code dir} and captures its entries (here or, chunk by chunk, on other workers);
   * releases {@code dir}.
   */
  private void list(DirHandle dir) {
    Listing listing = new Listing(dir);
    try {
      while (!queue.cancelled() && calls.readEntries(dir.fd, dir.path, listing) > 0) {
        // each batch is dispatched by the listing as chunks fill up
      }
    } catch (NativeException e) {
      out.problem(
          dir.path,
          ScanProblem.Kind.UNREADABLE_DIRECTORY,
          e.explain(null, "contents not scanned or only partly").getMessage());
    } finally {
      try {
        listing.finish();
      } finally {
        dir.release(calls);
      }
    }
  }

  private final class Listing implements DirCalls.EntryConsumer {
    private final DirHandle dir;
    private byte[][] names = new byte[CHUNK][];
    private FileType[] types = new FileType[CHUNK];
    private int count;

    Listing(DirHandle dir) {
      this.dir = dir;
    }

    @Override
    public void accept(byte[] name, FileType type) {
      out.entriesDiscovered.increment();
      names[count] = name;
      types[count] = type;
      if (++count == CHUNK) {
        Task.Chunk c = new Task.Chunk(dir.acquire(), names, types, count);
        names = new byte[CHUNK][];
        types = new FileType[CHUNK];
        count = 0;
        if (!queue.offerChunk(c)) {
          chunk(c);
        }
      }
    }

    void finish() {
      if (count > 0) {
        Task.Chunk c = new Task.Chunk(dir.acquire(), names, types, count);
        count = 0;
        chunk(c);
      }
    }
  }

  /** Captures a chunk's entries, queues its subdirectories, releases its directory reference. */
  private void chunk(Task.Chunk c) {
    DirHandle dir = c.dir();
    try {
      for (int i = 0; i < c.count() && !queue.cancelled(); i++) {
        byte[] name = c.names()[i];
        PathBytes path = dir.path.resolve(name);
        StatInfo sub = capture.capture(dir.fd, name, c.types()[i], path, null);
        if (sub != null) {
          queue.pushDir(dir.child(name, path));
        }
      }
    } finally {
      dir.release(calls);
    }
  }
}
