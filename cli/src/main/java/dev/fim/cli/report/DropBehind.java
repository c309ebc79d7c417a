package dev.fim.cli.report;

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
 * turns it off. Nothing here is needed for the report to be right: when the advice is refused,
 * nothing is advised any more.
 *
 * <p>Advises through the descriptor the file was created with ({@link ReportFile#createNew}), never
 * through a second open of its path: a path in a directory others can write may name another file
 * by then. Not thread-safe: one per output, called by its writer.
 */
final class DropBehind implements java.io.Closeable {
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
   * Advises through {@code fd}, which it takes over (closed by {@link #close()}), every {@code
   * chunk} bytes written.
   */
  static DropBehind over(int fd, long chunk) {
    return new DropBehind(fd, chunk);
  }

  /**
   * Whether reports advise their page cache away: {@code -Dfim.dropBehind=false}
   * (FIM_JAVA_EXTRA_OPTS) writes plainly, e.g. where fresh page cache is cheap (bare metal) and the
   * writeback this starts in the report's thread would be a cost.
   */
  static boolean enabled() {
    return !"false".equals(System.getProperty("fim.dropBehind"));
  }

  /** Whether advice is being given (false once refused). */
  boolean advising() {
    return fd >= 0;
  }

  /** {@code n} more bytes were written after the ones before (through the stream or copied). */
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
      PageCacheNative.CLOSE.call(fd); // the file's own channel writes it: nothing is lost here
      fd = -1;
    }
  }
}
