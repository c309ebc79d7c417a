package dev.fim.engine;

import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.constants.platform.Errno;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The read loop both kernel readers share: poll(2) a non-blocking event queue fd (a fanotify group,
 * an inotify instance) together with an eventfd that {@link #stop()} signals, and on readiness
 * read(2) the queue into one reused direct buffer until it is empty (EAGAIN), handing each batch of
 * whole events to the caller's decoder.
 *
 * <p>Owns the queue fd from {@link #open} on (also when {@code open} throws) and closes it in
 * {@link #close()}, with the eventfd. {@link #stop()} is thread-safe, may come before {@link #run}
 * and may race {@link #close()}; everything else belongs to one thread. Allocates nothing per read.
 */
public final class QueueReader implements AutoCloseable {
  // include/uapi/asm-generic/fcntl.h (x86_64 uses the generic values); eventfd takes the O_*
  // values.
  static final int EFD_NONBLOCK = 04000;
  static final int EFD_CLOEXEC = 02000000;

  /** include/uapi/asm-generic/poll.h. */
  static final short POLLIN = 0x0001;

  /** {@code struct pollfd} (poll(2)): int fd, short events, short revents. */
  static final int POLLFD_SIZE = 8;

  private static final int REVENTS = 6;

  /**
   * More than the largest event either queue hands out: an inotify event is at most 16 + NAME_MAX +
   * 1 bytes; a fanotify event at most its 24-byte metadata, two file-handle records of up to 24 +
   * MAX_HANDLE_SZ (128) bytes with a name of up to NAME_MAX + 1 each (FAN_RENAME), and a few small
   * records (pidfd, error). See {@link #drain}.
   */
  static final int EMPTY_SLACK = 4096;

  private static final QueueNative.LibC LIBC = QueueNative.LIBC;
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  /** What the caller does with one read's worth of events. */
  @FunctionalInterface
  public interface Batch {
    /**
     * {@code length} bytes of whole events from position 0 of {@code buf}; valid only during the
     * call.
     */
    void accept(ByteBuffer buf, int length) throws NativeException;
  }

  /**
   * A {@link Batch} that may hold back the end of a read until more events are queued: inotify's
   * rename halves, which the kernel queues one after the other, so that a read can come between
   * them.
   */
  @FunctionalInterface
  public interface HoldingBatch {
    /**
     * {@code length} bytes of whole events from position 0 of {@code buf}, valid only during the
     * call; the first {@code held} of them are what the previous call held back. Returns how many
     * bytes from the start it handled: at least {@code held}, and at least {@code length} minus
     * {@link #MAX_HELD}. The rest is handed again at the start of the next call, followed by the
     * events queued within {@link #HOLD_WAIT_MS}, or alone (then as {@code held}) if none came or a
     * stop was asked for.
     */
    int accept(ByteBuffer buf, int length, int held) throws NativeException;
  }

  /**
   * The most a {@link HoldingBatch} may hold back: a few events; the read after it still has room
   * for far more than {@link #EMPTY_SLACK} in a buffer of the default sizes.
   */
  public static final int MAX_HELD = 4096;

  /**
   * How long a held tail waits for more events. The kernel queues a rename's halves within one
   * rename(2); the wait covers the renaming process being preempted between them on a loaded
   * machine. A move out of the trees (a half with no partner) is told this much later.
   */
  public static final int HOLD_WAIT_MS = 20;

  private final int queueFd;
  private final int stopFd;
  private final ByteBuffer buffer;

  /** The buffer's address, for a read that appends to a held tail. */
  private final long bufferAddress;

  private final Pointer pollFds;
  private volatile boolean stopped;

  /** Guards the fds against a {@link #stop()} from another thread while {@link #close()} runs. */
  private final Object fdLock = new Object();

  private boolean closed;

  /**
   * read(2) calls made on the queue so far (tests: a wake-up costs one read, not two); the reading
   * thread only.
   */
  private long reads;

  private QueueReader(int queueFd, int stopFd, int bufferBytes) {
    this.queueFd = queueFd;
    this.stopFd = stopFd;
    this.buffer = ByteBuffer.allocateDirect(bufferBytes);
    this.bufferAddress = Pointer.wrap(Runtime.getSystemRuntime(), buffer).address();
    this.pollFds = Memory.allocateDirect(Runtime.getSystemRuntime(), 2 * POLLFD_SIZE);
    pollFds.putInt(0, queueFd);
    pollFds.putShort(4, POLLIN);
    pollFds.putInt(POLLFD_SIZE, stopFd);
    pollFds.putShort(POLLFD_SIZE + 4, POLLIN);
  }

  /**
   * Takes over {@code queueFd} (opened non-blocking) and makes the stop eventfd. If that fails,
   * {@code queueFd} is closed before the exception leaves.
   */
  public static QueueReader open(int queueFd, int bufferBytes) throws NativeException {
    try {
      return new QueueReader(queueFd, eventfd(), bufferBytes);
    } catch (NativeException | RuntimeException e) {
      closeFd(queueFd);
      throw e;
    }
  }

  /**
   * Reads until {@link #stop()}, handing every batch to {@code batch} on this thread. Events still
   * queued when the stop comes are left in the kernel.
   *
   * @throws NativeException poll or read failed (not EINTR, not EAGAIN), or {@code batch} threw it
   */
  public void run(Batch batch) throws NativeException {
    run(
        (buf, length, held) -> {
          batch.accept(buf, length);
          return length;
        });
  }

  /**
   * As {@link #run(Batch)}, for a batch that may hold back the end of a read until more events come
   * (at most {@link #HOLD_WAIT_MS} for each hold). A held tail is handed once more before this
   * returns, also after a stop: it was read, so it is told.
   */
  public void run(HoldingBatch batch) throws NativeException {
    while (!stopped) {
      if (poll(-1) == 0) {
        continue;
      }
      if (pollFds.getShort(POLLFD_SIZE + REVENTS) != 0) {
        break;
      }
      if (pollFds.getShort(REVENTS) != 0) {
        drain(batch);
      }
    }
  }

  /**
   * Reads until the queue is empty or a stop is requested. Empty: a read that returned EAGAIN, or
   * one that left at least {@link #EMPTY_SLACK} bytes of the buffer unused. fanotify and inotify
   * fill a read with queued events until the next one does not fit, and no event is that large, so
   * such a read took everything queued; one more read would only return EAGAIN, a syscall per
   * wake-up for nothing (a paced change wakes the reader for each of its events). An event queued
   * after that read makes the next poll(2) return at once: nothing waits longer.
   *
   * <p>A tail the batch held back is moved to the start of the buffer and the next read appends to
   * it, once poll(2) says more is queued within {@link #HOLD_WAIT_MS}; if nothing comes, or a stop
   * is asked for, the tail is handed alone as held (the batch must then handle it all).
   */
  private void drain(HoldingBatch batch) throws NativeException {
    int held = 0;
    while (!stopped) {
      int n = read(held);
      if (n <= 0) {
        break;
      }
      int length = held + n;
      int handled = accept(batch, length, held, length - MAX_HELD);
      held = length - handled;
      if (held > 0) {
        moveToStart(handled, held);
        if (!moreWithin(HOLD_WAIT_MS)) {
          break;
        }
      } else if (buffer.capacity() - length >= EMPTY_SLACK) {
        return;
      }
    }
    if (held > 0) {
      accept(batch, held, held, held);
    }
  }

  /**
   * Hands {@code length} bytes to the batch; returns how many it handled, checked: at least {@code
   * atLeast} and {@code held}, at most {@code length}.
   */
  private int accept(HoldingBatch batch, int length, int held, int atLeast) throws NativeException {
    int handled = batch.accept(buffer, length, held);
    if (handled < held || handled < atLeast || handled > length) {
      throw new IllegalStateException(
          "batch handled " + handled + " of " + length + " bytes, " + held + " held");
    }
    return handled;
  }

  /** Copies {@code count} bytes at {@code from} to the start of the buffer. */
  private void moveToStart(int from, int count) {
    // Forward, byte by byte: the ranges may overlap, and the destination lies before the source.
    for (int i = 0; i < count; i++) {
      buffer.put(i, buffer.get(from + i));
    }
  }

  /**
   * Whether the queue has events within {@code ms} milliseconds; false on timeout or once a stop is
   * asked for (the stop signal wakes the poll at once).
   */
  private boolean moreWithin(int ms) throws NativeException {
    if (poll(ms) == 0) {
      return false;
    }
    return pollFds.getShort(POLLFD_SIZE + REVENTS) == 0 && pollFds.getShort(REVENTS) != 0;
  }

  /**
   * Asks {@link #run} to return; thread-safe, idempotent, returns at once. A no-op after {@link
   * #close()}.
   */
  public void stop() {
    stopped = true;
    // Under the lock close() takes: a close between the check and the write would make the write
    // fail with EBADF, or land in whatever file reused the eventfd's number by then (two stops can
    // race the close: a signal handler's and a failing thread's, as a SIGTERM to fim's process
    // group gives).
    synchronized (fdLock) {
      if (closed) {
        return;
      }
      try {
        signal();
      } catch (NativeException e) {
        // The flag alone still stops run() at its next wake-up; the signal only makes that
        // immediate.
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  /**
   * read(2) calls made on the queue fd so far; on the reading thread (e.g. in a batch) or after
   * {@link #run} returned.
   */
  long reads() {
    return reads;
  }

  /** Closes the queue fd and the stop signal. Call after {@link #run} returned. Idempotent. */
  @Override
  public void close() {
    synchronized (fdLock) {
      if (!closed) {
        closed = true;
        stopped = true;
        closeFd(queueFd);
        closeFd(stopFd);
      }
    }
  }

  /**
   * A non-blocking read(2) into the buffer: the byte count, or -1 if nothing is queued (EAGAIN).
   */
  private int read(int at) throws NativeException {
    while (true) {
      reads++;
      long n =
          at == 0
              ? LIBC.read(queueFd, buffer, buffer.capacity())
              : LIBC.read(queueFd, bufferAddress + at, buffer.capacity() - at);
      if (n >= 0) {
        return (int) n;
      }
      int e = errno();
      if (e == Errno.EAGAIN.intValue()) {
        return -1;
      }
      if (e != Errno.EINTR.intValue()) {
        // EINVAL: the buffer is smaller than the next event (fanotify(7), inotify(7)).
        throw new NativeException(
            "read",
            null,
            e,
            e == Errno.EINVAL.intValue()
                ? "buffer of " + (buffer.capacity() - at) + " bytes is too small for one event"
                : "");
      }
    }
  }

  /**
   * poll(2) over both fds for {@code timeoutMs} (-1: forever), their revents cleared first. EINTR
   * returns 0 (nothing ready), so the loop re-checks its stop flag.
   */
  private int poll(int timeoutMs) throws NativeException {
    pollFds.putShort(REVENTS, (short) 0);
    pollFds.putShort(POLLFD_SIZE + REVENTS, (short) 0);
    int rc = LIBC.poll(pollFds, 2, timeoutMs);
    if (rc >= 0) {
      return rc;
    }
    int e = errno();
    if (e == Errno.EINTR.intValue()) {
      return 0;
    }
    throw new NativeException("poll", null, e, "");
  }

  /** eventfd(2), non-blocking and close-on-exec. */
  private static int eventfd() throws NativeException {
    int fd = LIBC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
      throw new NativeException("eventfd", null, errno(), "cannot make the reader's stop signal");
    }
    return fd;
  }

  /** Adds 1 to the eventfd's counter; EAGAIN (counter full) means it is already signalled. */
  private void signal() throws NativeException {
    byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1).array();
    while (true) {
      long n = LIBC.write(stopFd, one, 8);
      if (n == 8) {
        return;
      }
      int e = errno();
      if (n < 0 && e == Errno.EAGAIN.intValue()) {
        return;
      }
      if (n >= 0 || e != Errno.EINTR.intValue()) {
        throw new NativeException(
            "write", null, n < 0 ? e : Errno.EIO.intValue(), "cannot signal the reader to stop");
      }
    }
  }

  /**
   * close(2). Never retried: Linux releases the fd even when close reports EINTR, and a retry could
   * close an fd another thread just got. Errors of these read-only fds lose nothing, so they are
   * not reported.
   */
  private static void closeFd(int fd) {
    if (fd >= 0) {
      LIBC.close(fd);
    }
  }

  private static int errno() {
    return RUNTIME.getLastError();
  }
}
