package dev.fim.baseline;

import dev.fim.baseline.capture.XattrReader;
import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.PathBytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Walks the selection's roots and captures every selected path as a {@link
 * dev.fim.store.FileRecord}, in parallel on all cores. The entry point of the baseline module's
 * scanning; owns the threads of one scan, no state between scans but the last counters.
 *
 * <h2>How the work is shared</h2>
 *
 * N workers ({@link ScanSettings#effectiveThreads()}) take tasks from one {@link WorkQueue}:
 *
 * <ul>
 *   <li>a <b>directory</b> task opens the directory beneath an anchor's fd (its root's, or for deep
 *       trees a directory's nearer to it, see {@link DirHandle}) with {@code
 *       openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)} (so a directory swapped for a symlink
 *       mid-scan is never followed out of the tree) and lists it with {@code getdents64}; no path
 *       the walk hands to the kernel is longer than a few KB, so a tree deeper than {@code
 *       PATH_MAX} is walked whole;
 *   <li>the listed names form <b>chunks</b> of 128, which the lister offers to the queue (bounded
 *       at 2 per worker; when it is full the lister processes the chunk itself); a chunk holds a
 *       reference on the directory's fd, and the last user closes it. Each entry is {@code
 *       fstatat}ed relative to that fd, selected, recorded and, for regular files, opened relative
 *       to it and hashed by the worker that holds the chunk.
 * </ul>
 *
 * So one flat directory of 50,000 files keeps every core busy (its chunks are spread), a tree of
 * small directories spreads by directory, and one huge file occupies one worker while the others go
 * on. The queue is locked once per chunk or directory, never per file. Chunks are taken before
 * directories and directories are taken last-in-first-out, so open fds stay around {@code 3 ×
 * threads} and pending work stays small.
 *
 * <p>Roots are deduplicated (a root below another root is walked once, as part of it); a root that
 * is a symlink is recorded as such and not descended; a missing root is a {@link
 * ScanProblem.Kind#MISSING_ROOT} problem and the scan goes on. Mount points below a root are
 * descended (the {@link Selector} prunes {@code /proc} and the like).
 *
 * <p>Thread-safety: {@link #scan} runs one scan at a time per instance; {@link #progress()} may be
 * called from any thread while it runs.
 */
public final class Scanner {
  private final ScanSettings settings;
  private volatile ScanOutput current;

  public Scanner(ScanSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Scans everything {@code selector} selects below its roots, delivering records and problems to
   * {@code sink} from the worker threads. Returns when all is done.
   *
   * @throws InterruptedException if the calling thread is interrupted: the workers stop after their
   *     current file, every fd is closed, and nothing more reaches the sink
   * @throws RuntimeException whatever the sink threw (the scan stops at the first one)
   */
  public synchronized ScanSummary scan(Selector selector, ScanSink sink)
      throws InterruptedException {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(sink, "sink");
    long start = System.nanoTime();
    int threads = settings.effectiveThreads();
    ScanOutput out = new ScanOutput(sink);
    current = out;
    WorkQueue queue = new WorkQueue(2 * threads);
    Run run = new Run(queue);
    for (PathBytes root : distinctRoots(selector.roots())) {
      queue.pushRoot(new Task.Root(root));
    }
    List<Thread> workers = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              new ScanWorker(queue, run, out, selector, settings.hashBufferBytes()),
              "fim-scan-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    InterruptedException interrupted = null;
    try {
      for (Thread t : workers) {
        t.join();
      }
    } catch (InterruptedException e) {
      interrupted = e;
      queue.cancel();
      joinUninterruptibly(workers);
    } finally {
      run.closeAll(queue);
    }
    if (interrupted != null) {
      throw interrupted;
    }
    run.rethrowFailure();
    return out.summary(Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Initialises now what the first scan would initialise on its way in: the libc functions (jffi's
   * stub library and the symbol lookups) and the hash functions. Lets a command do it on another
   * thread while it still parses options and config. Idempotent and thread-safe (class
   * initialisation); throws what the first scan would have thrown.
   */
  public static void loadNativeBindings() {
    initialise(DirCalls.class);
    initialise(ContentHasher.class);
    initialise(XattrReader.class);
  }

  private static void initialise(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e); // the class literal above proves it exists
    }
  }

  /** The counters of the running (or last) scan; zeros before the first. Thread-safe. */
  public ScanProgress progress() {
    ScanOutput out = current;
    return out == null ? new ScanProgress(0, 0, 0, 0, 0) : out.progress();
  }

  /** Sorted roots without those below another root (they would be walked twice). */
  static List<PathBytes> distinctRoots(List<PathBytes> roots) {
    List<PathBytes> kept = new ArrayList<>();
    for (PathBytes r : new TreeSet<>(roots)) {
      if (kept.isEmpty() || !r.isUnder(kept.get(kept.size() - 1))) {
        kept.add(r);
      }
    }
    return kept;
  }

  private static void joinUninterruptibly(List<Thread> workers) {
    boolean again = false;
    for (Thread t : workers) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          again = true;
        }
      }
    }
    if (again) {
      Thread.currentThread().interrupt();
    }
  }

  /** The state of one scan shared by its workers: the first failure. Thread-safe. */
  static final class Run {
    private final WorkQueue queue;
    private Throwable failure;

    Run(WorkQueue queue) {
      this.queue = queue;
    }

    /** A worker died (most likely the sink threw): stop everyone, rethrow from {@link #scan}. */
    void fail(Throwable t) {
      synchronized (this) {
        if (failure == null) {
          failure = t;
        } else {
          failure.addSuppressed(t);
        }
      }
      queue.cancel();
    }

    /**
     * After all workers ended: release the directory references the queue still holds (chunks'
     * directories, pending subdirectories' anchors), which closes the last fds.
     */
    synchronized void closeAll(WorkQueue q) {
      DirCalls calls = new DirCalls();
      for (Task t : q.drain()) {
        if (t instanceof Task.Chunk c) {
          c.dir().release(calls);
        } else if (t instanceof Task.Dir d) {
          d.anchor().release(calls);
        }
      }
    }

    synchronized void rethrowFailure() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IllegalStateException("scan worker failed", failure);
      }
    }
  }
}
