package dev.fim.baseline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The scan's shared work: chunks of listed names (taken first, so open directory fds are released
 * early) and directories to list (last in, first out: a depth-first order keeps the number of
 * pending directories small). Chunks are bounded ({@link #offerChunk} refuses when full and the
 * lister processes the chunk itself); directories are not, since a worker must always be able to
 * hand one off, and a pending directory is only a path.
 *
 * <p>The scan ends when no task is queued or running ({@code pending == 0}). Thread-safe; one lock,
 * taken once per task (a task is a whole directory listing or a chunk of names, never a single
 * file).
 */
final class WorkQueue {
  private final ArrayDeque<Task> chunks = new ArrayDeque<>();
  private final ArrayDeque<Task> dirs = new ArrayDeque<>();
  private final int chunkLimit;
  private int pending;
  private volatile boolean cancelled;

  WorkQueue(int chunkLimit) {
    this.chunkLimit = chunkLimit;
  }

  synchronized void pushRoot(Task.Root root) {
    dirs.addLast(root);
    pending++;
    notify();
  }

  synchronized void pushDir(Task.Dir dir) {
    dirs.addFirst(dir);
    pending++;
    notify();
  }

  /** Queues a chunk unless enough are waiting already; false means "process it yourself". */
  synchronized boolean offerChunk(Task.Chunk chunk) {
    if (cancelled || chunks.size() >= chunkLimit) {
      return false;
    }
    chunks.addLast(chunk);
    pending++;
    notify();
    return true;
  }

  /** The next task, or null when the scan is over (all done, or cancelled). */
  synchronized Task take() throws InterruptedException {
    while (true) {
      if (cancelled) {
        return null;
      }
      Task t = chunks.pollFirst();
      if (t == null) {
        t = dirs.pollFirst();
      }
      if (t != null) {
        return t;
      }
      if (pending == 0) {
        return null;
      }
      wait();
    }
  }

  /** The task taken with {@link #take} is finished (including everything it did inline). */
  synchronized void done() {
    if (--pending == 0) {
      notifyAll();
    }
  }

  synchronized void cancel() {
    cancelled = true;
    notifyAll();
  }

  boolean cancelled() {
    return cancelled;
  }

  /** After the workers stopped: what was left, so chunk references can be released. */
  synchronized List<Task> drain() {
    List<Task> left = new ArrayList<>(chunks);
    left.addAll(dirs);
    chunks.clear();
    dirs.clear();
    return left;
  }
}
