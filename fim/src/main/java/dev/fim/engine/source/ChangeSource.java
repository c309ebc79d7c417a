package dev.fim.engine.source;

import dev.fim.store.sys.NativeException;

/**
 * A kernel notification backend for the watched trees: fanotify with filesystem marks, or inotify
 * with one watch per directory. Opened on the roots (which is when watches are set up; "ready"
 * means every root is covered), then {@link #run} on one thread of the caller's until {@link
 * #stop()}, then {@link #close()}.
 */
public interface ChangeSource extends AutoCloseable {
  /** {@code fanotify} or {@code inotify}: the backend's name as printed at start and in events. */
  String name();

  /**
   * One line for the start-up message, e.g. {@code "fanotify, filesystem marks on 1 filesystem"}.
   */
  String description();

  /**
   * Reads kernel events and hands them to {@code listener} on this thread until {@link #stop()}.
   *
   * @throws NativeException a read failed in a way that makes the source unusable
   */
  void run(ChangeListener listener) throws NativeException;

  /** Makes {@link #run} return soon; thread-safe, idempotent, also before {@code run} started. */
  void stop();

  /** Releases the kernel objects (group fd, watches). After {@code run} returned. Idempotent. */
  @Override
  void close();
}
