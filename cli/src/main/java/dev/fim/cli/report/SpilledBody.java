package dev.fim.cli.report;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a report's spilled body after its head in a file, in the kernel and from its end back to
 * its start, truncating the spill behind each chunk.
 *
 * <p>Why backwards: on this kind of VM a page the kernel has not used for a while was handed back
 * to the host (free page reporting), and the first touch of such a page costs ~1.6 ms per MB of CPU
 * (measured with plain writes of 435 MB: 0.7-0.9 s, against 0.08 s into pages just freed). Read
 * forwards, the body's pages stay until the copy is done, so the report's copy needs as many fresh
 * pages again; copied from the end, each chunk's page cache is freed by truncating the spill right
 * after it is copied, and the next chunk's copy takes those pages back at once (the dirty pages of
 * the truncated spill are never written to disk either). {@code transferTo} between two files is
 * {@code sendfile(2)}: no copy through the Java heap.
 */
final class SpilledBody {
  private SpilledBody() {}

  /** The chunk freed at a time: a small share of the body, few enough calls. */
  static final long CHUNK = 8L << 20;

  /**
   * Copies {@code spill} to {@code out} at {@code out}'s position, leaves {@code out}'s position
   * after it, and the spill empty.
   */
  static void copyInto(FileChannel spill, FileChannel out) throws IOException {
    copyBackwards(spill, out, CHUNK);
  }

  /**
   * A new spill file in {@code dir} (beside the output: the same file system, for the copy in the
   * kernel), mode 0600, read and written through the channel returned, its name removed at once:
   * nobody who can write {@code dir} can give its name to another file while fim writes, reads and
   * truncates it by that name, and a killed report leaves no spill behind.
   */
  static FileChannel create(Path dir) throws IOException {
    return FreshFile.named(
        dir,
        ".fim-report-",
        ".body",
        name -> {
          FileChannel ch =
              FileChannel.open(
                  name,
                  java.util.Set.of(
                      StandardOpenOption.CREATE_NEW,
                      StandardOpenOption.READ,
                      StandardOpenOption.WRITE),
                  FreshFile.OWNER_ONLY);
          // By its name, which someone may have given to another file in this instant: theirs, in
          // a directory they can write, then; the channel stays this file's. A name that cannot be
          // removed (they put a directory there) is theirs too: nothing to do.
          try {
            java.nio.file.Files.deleteIfExists(name);
          } catch (IOException e) {
            // left as it is
          }
          return ch;
        });
  }

  static void copyBackwards(FileChannel spill, FileChannel out, long chunk) throws IOException {
    long size = spill.size();
    long base = out.position();
    for (long end = size; end > 0; ) {
      long from = Math.max(0, end - chunk);
      out.position(base + from);
      for (long at = from; at < end; ) {
        long n = spill.transferTo(at, end - at, out);
        if (n <= 0) {
          throw new IOException("the report's spilled body ended at byte " + at + " of " + size);
        }
        at += n;
      }
      spill.truncate(from); // its pages are free for the next chunk's copy
      end = from;
    }
    out.position(base + size);
  }
}
