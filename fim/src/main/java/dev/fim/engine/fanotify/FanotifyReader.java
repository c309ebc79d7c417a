package dev.fim.engine.fanotify;

import static dev.fim.engine.fanotify.FanotifyEvent.*;

import dev.fim.engine.QueueReader;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import jnr.constants.platform.Errno;

/**
 * The first stage of the real-time pipeline: one fanotify group in FID mode, marked on whole
 * filesystems, read in a blocking loop and decoded into {@link FanotifyEvent}s for a {@link
 * FanotifyStream}.
 *
 * <p>The group is {@code FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME |
 * FAN_REPORT_FID | FAN_REPORT_TARGET_FID} (Linux 5.17+): every event names its parent directory and
 * entry, and directory-entry events also name the child. Marks are {@code FAN_MARK_ADD |
 * FAN_MARK_FILESYSTEM} (CAP_SYS_ADMIN): one per filesystem, which sees every change on it; events
 * outside the watched trees are dropped later, by path. The mask is {@link #DEFAULT_MASK}; {@code
 * FAN_Q_OVERFLOW} needs no mark and arrives as {@link FanotifyStream#overflow()}.
 *
 * <p>Life cycle: {@link #open()}, {@link #mark} each root, {@link #run} on a thread of the caller's
 * (blocks until {@link #stop()}), then {@link #close()}. {@code stop} may be called from any
 * thread, also before {@code run} starts; everything else belongs to one thread. The poll/read loop
 * is the shared {@link QueueReader}: one direct buffer reused for every read; only the records are
 * allocated.
 *
 * <p>Errors carry a reason that tells whether fim should fall back to inotify (EPERM without
 * CAP_SYS_ADMIN, EINVAL from a kernel older than 5.17, ENODEV/EXDEV from a filesystem without
 * usable file handles).
 */
public final class FanotifyReader implements AutoCloseable {
  /**
   * What fim watches: content (modify, close_write), metadata (attrib), directory entries (create,
   * delete, the two move halves and FAN_RENAME with both ends), the marked objects themselves
   * (delete_self, move_self), for directories as well as files (FAN_ONDIR).
   */
  public static final long DEFAULT_MASK =
      FAN_CREATE
          | FAN_DELETE
          | FAN_MODIFY
          | FAN_CLOSE_WRITE
          | FAN_ATTRIB
          | FAN_MOVED_FROM
          | FAN_MOVED_TO
          | FAN_RENAME
          | FAN_DELETE_SELF
          | FAN_MOVE_SELF
          | FAN_ONDIR;

  /** The group's fanotify_init flags (see the class comment). */
  static final int INIT_FLAGS =
      FanotifyLayout.FAN_CLASS_NOTIF
          | FanotifyLayout.FAN_CLOEXEC
          | FanotifyLayout.FAN_NONBLOCK
          | FanotifyLayout.FAN_REPORT_DFID_NAME_TARGET;

  /** event_f_flags: unused in FID mode (no event fds), but validated by the kernel. */
  static final int EVENT_F_FLAGS =
      FanotifyCalls.O_RDONLY | FanotifyCalls.O_LARGEFILE | FanotifyCalls.O_CLOEXEC;

  /**
   * fanotify(7)'s example reads 200 events at a time; 64 KiB holds ~200 events with three fid
   * records each.
   */
  public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

  private final int fanFd;
  private final QueueReader queue;
  private final long mask;
  private final EventDecoder decoder = new EventDecoder(FanotifyCalls::close);

  private FanotifyReader(int fanFd, QueueReader queue, long mask) {
    this.fanFd = fanFd;
    this.queue = queue;
    this.mask = mask;
  }

  /** A reader with {@link #DEFAULT_MASK} and a {@link #DEFAULT_BUFFER_BYTES} buffer. */
  public static FanotifyReader open() throws NativeException {
    return open(DEFAULT_MASK, DEFAULT_BUFFER_BYTES);
  }

  /**
   * A new fanotify group with no marks yet.
   *
   * @param mask the events of every mark ({@link #DEFAULT_MASK} or a subset of FAN_* bits)
   * @param bufferBytes the read buffer; at least 4096 (an event with three records and 255-byte
   *     names fits)
   * @throws NativeException EPERM, EINVAL (kernel older than 5.17), ENOSYS, EMFILE, with a reason
   */
  public static FanotifyReader open(long mask, int bufferBytes) throws NativeException {
    if (bufferBytes < 4096) {
      throw new IllegalArgumentException(
          "fanotify read buffer of " + bufferBytes + " bytes; need at least 4096");
    }
    int fan = FanotifyCalls.fanotifyInit(INIT_FLAGS, EVENT_F_FLAGS);
    return new FanotifyReader(fan, QueueReader.open(fan, bufferBytes), mask);
  }

  /**
   * Marks the whole filesystem that holds {@code root} ({@code FAN_MARK_ADD |
   * FAN_MARK_FILESYSTEM}). Marking a second root on the same filesystem is harmless (the kernel
   * merges the masks).
   *
   * @throws NativeException EPERM (needs CAP_SYS_ADMIN), EINVAL (FAN_RENAME: kernel older than
   *     5.17), ENODEV/EXDEV (no usable file handles on this filesystem), ENOENT
   */
  public void mark(PathBytes root) throws NativeException {
    FanotifyCalls.fanotifyMark(
        fanFd, FanotifyLayout.FAN_MARK_ADD | FanotifyLayout.FAN_MARK_FILESYSTEM, mask, root);
  }

  /**
   * The content events (modify, close_write) of the files directly in {@code dir} are not queued to
   * this group any more: an ignore mark on the directory's inode ({@code FAN_MARK_ADD |
   * FAN_MARK_IGNORE_SURV}, {@code FAN_MODIFY | FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD}), whoever
   * writes. The directory's own entries (create, delete, rename), attribute changes, and everything
   * in its subdirectories still come. The mark follows the inode, not the path.
   *
   * @param dir a directory, or {@code /proc/self/fd/N} of one
   * @return false when the kernel has no {@code FAN_MARK_IGNORE} (older than 6.0: EINVAL)
   */
  public boolean ignoreFileContentIn(PathBytes dir) throws NativeException {
    try {
      FanotifyCalls.fanotifyMark(fanFd, FanotifyLayout.FAN_MARK_ADD | IGNORE, IGNORED, dir);
      return true;
    } catch (NativeException e) {
      if (e.is(Errno.EINVAL)) {
        return false;
      }
      throw e;
    }
  }

  /** Undoes {@link #ignoreFileContentIn} for the directory (the path or the fd names the inode). */
  public void stopIgnoring(PathBytes dir) throws NativeException {
    FanotifyCalls.fanotifyMark(fanFd, FanotifyLayout.FAN_MARK_REMOVE | IGNORE, IGNORED, dir);
  }

  private static final int IGNORE =
      FanotifyLayout.FAN_MARK_IGNORE | FanotifyLayout.FAN_MARK_IGNORED_SURV_MODIFY;
  private static final long IGNORED =
      FAN_MODIFY | FAN_CLOSE_WRITE | FanotifyLayout.FAN_EVENT_ON_CHILD;

  /**
   * Reads and decodes events until {@link #stop()}, handing them to {@code stream} on this thread.
   * Returns after {@code stop}; the events still queued in the kernel are left there (and dropped
   * by {@link #close()}).
   *
   * @throws NativeException a read or poll failed (not EINTR, not EAGAIN); the reader is then
   *     unusable
   */
  public void run(FanotifyStream stream) throws NativeException {
    queue.run((buf, n) -> decoder.decode(buf, n, stream));
  }

  /**
   * Asks {@link #run} to return; thread-safe, idempotent, returns at once. A no-op after {@link
   * #close()}.
   */
  public void stop() {
    queue.stop();
  }

  /** Events skipped as malformed since {@link #open()} (each was also reported to the stream). */
  public long malformedCount() {
    return decoder.malformed();
  }

  /**
   * Closes the group (removing its marks) and the stop signal. Call after {@link #run} returned.
   * Idempotent.
   */
  @Override
  public void close() {
    queue.close();
  }
}
