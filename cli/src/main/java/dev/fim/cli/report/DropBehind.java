package dev.fim.cli.report;

import dev.fim.store.sys.CString;
import java.io.Closeable;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * Lets the page cache of a large output file go a few MiB behind its writer, as {@code dd
 * oflag=nocache} does: every {@link #CHUNK} written, {@code posix_fadvise(POSIX_FADV_DONTNEED)}
 * over the last eight chunks starts the writeback of what is dirty there and frees the pages
 * already written back, so the next writes take those pages again instead of fresh ones.
 *
 * <p>Why: on a VM whose host takes back the guest's free memory (virtio-balloon free page
 * reporting) the first touch of a page the kernel had not used for a few seconds costs ~2 ms of CPU
 * per MB; a million-event JSON report writes 947 MB, and {@code write(2)} filling that much fresh
 * page cache took ~2 s of the main thread's CPU (perf, issue 18), against ~0.3 s when its pages are
 * recycled this way ({@code dd}-like writes of 947 MB, 1 MiB at a time). The file is written to
 * disk sooner than the kernel would have on its own, and left mostly out of the page cache; pages
 * not yet written back when advised are left as they are (advice only, never a wait), so with a
 * slow disk the file is written as before. The price: the writeback of those pages is started in
 * the writer's thread (the kernel's flusher would have done it later, after the report), ~0.3-0.4 s
 * of system CPU per GB, which is all it costs where fresh pages are cheap (bare metal, or a host
 * whose free pages are reused before the host takes them back); {@code -Dfim.dropBehind=false}
 * turns it off. Nothing here is needed for the report to be right: when the file cannot be opened
 * again or the advice is refused, nothing is advised any more.
 *
 * <p>The file is opened a second time for the advice (a {@code FileChannel}'s descriptor is not
 * public), read-only; the advice is about the file's pages, whichever descriptor gives it. Not
 * thread-safe: one per output, called by its writer.
 */
final class DropBehind implements Closeable {
  /** Advice every 8 MiB: ~120 calls for a million-event JSON report. */
  static final long CHUNK = 8L << 20;

  private final long chunk;
  private final long window;

  /** The descriptor advised through, or -1 when nothing is advised (any more). */
  private int fd;

  /**
   * Bytes written so far, and where the last advice ended. Each advice covers the last eight
   * chunks: a page whose writeback took longer than the next seven chunks' writing stays cached (as
   * without this class).
   */
  private long written;

  private long advisedTo;

  private DropBehind(int fd, long chunk) {
    this.fd = fd;
    this.chunk = chunk;
    this.window = 8 * chunk;
  }

  /** Advises nothing: for an output that is not a file of its own. */
  static DropBehind none() {
    return new DropBehind(-1, CHUNK);
  }

  /**
   * For the regular file at {@code file}, which its writer has open; advises nothing when it cannot
   * be opened again (or the C library cannot be called).
   */
  static DropBehind of(Path file) {
    // -Dfim.dropBehind=false (FIM_JAVA_EXTRA_OPTS): plain writes, e.g. where fresh page cache is
    // cheap (bare metal) and the writeback this starts in the report's thread would be a cost.
    return "false".equals(System.getProperty("fim.dropBehind")) ? none() : of(file, CHUNK);
  }

  /** As {@link #of(Path)}, advising every {@code chunk} bytes (tests: smaller files). */
  static DropBehind of(Path file, long chunk) {
    try {
      // The bytes Java's own open used for the same path (sun.jnu.encoding, the file name
      // encoding).
      byte[] name =
          file.toAbsolutePath()
              .toString()
              .getBytes(Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")));
      int fd =
          (int)
              PageCacheNative.OPEN.call(
                  new CString(name.length + 1).put(name), PageCacheNative.OPEN_FLAGS, 0);
      return new DropBehind(fd < 0 ? -1 : fd, chunk);
    } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException e) {
      return none(); // no libc binding here (jffi missing), or an unknown charset: plain writes
    }
  }

  /** Whether advice is being given (false once refused). */
  boolean advising() {
    return fd >= 0;
  }

  /** {@code n} more bytes were written after the ones before. */
  void written(long n) {
    written += n;
    if (fd >= 0 && written - advisedTo >= chunk) {
      long from = Math.max(0, written - window);
      int error =
          (int)
              PageCacheNative.POSIX_FADVISE.call(
                  fd, from, written - from, PageCacheNative.POSIX_FADV_DONTNEED);
      advisedTo = written;
      if (error != 0) {
        close(); // EBADF, EINVAL, ESPIPE: not a file that takes the advice; write as before
      }
    }
  }

  @Override
  public void close() {
    if (fd >= 0) {
      PageCacheNative.CLOSE.call(fd); // read-only: nothing is lost whatever close returns
      fd = -1;
    }
  }
}
