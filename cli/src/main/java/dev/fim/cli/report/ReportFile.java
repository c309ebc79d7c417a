package dev.fim.cli.report;

import dev.fim.store.sys.CString;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A report's output that is a regular file, buffered, with its channel in reach: a report whose
 * body was spilled ({@link ComplianceReport}) copies that body into it in the kernel ({@link
 * SpilledBody#copyInto}) instead of reading it back through this buffer. What is written through
 * this stream leaves the page cache a few MiB behind ({@link DropBehind}). Closing it closes the
 * channel.
 */
public final class ReportFile extends BufferedOutputStream {
  private final FileChannel channel;
  private final DropBehind dropBehind;

  /** The name it was created under ({@link #createNew}), or null. */
  private Path path;

  /**
   * @param channel the file, opened for writing at its position (not in append mode)
   * @param size the buffer's size
   */
  public ReportFile(FileChannel channel, int size) {
    this(channel, size, DropBehind.none());
  }

  /**
   * Creates {@code file}, which must not exist (nor be a symbolic link), mode 0600, and opens it:
   * the file this returns is the one it created, whatever the directory's other writers do to the
   * name meanwhile. Its page cache goes behind the writes ({@link DropBehind}) through the
   * descriptor it was created with, unless {@code -Dfim.dropBehind=false} or the C library cannot
   * be called.
   *
   * @throws java.nio.file.FileAlreadyExistsException when {@code file} exists (try another name)
   */
  public static ReportFile createNew(Path file, int size) throws IOException {
    return createNew(file, size, DropBehind.CHUNK);
  }

  /** As {@link #createNew(Path, int)}, advising every {@code chunk} bytes (tests: small files). */
  static ReportFile createNew(Path file, int size, long chunk) throws IOException {
    return createNew(file, size, chunk, DropBehind.enabled());
  }

  private static ReportFile createNew(Path file, int size, long chunk, boolean advise)
      throws IOException {
    int fd = advise ? createFd(file) : -1;
    if (fd >= 0) {
      try {
        // The file just created, by its descriptor: /proc's link names that inode, not the path.
        FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE);
        return new ReportFile(ch, size, DropBehind.over(fd, chunk)).named(file);
      } catch (IOException | RuntimeException e) {
        // No /proc: the file is given up (by its name, which may be another's by now: a name
        // in this directory, so nothing of fim's) and made again without the C library.
        PageCacheNative.CLOSE.call(fd);
        Files.deleteIfExists(file);
      }
    }
    return new ReportFile(
            FileChannel.open(
                file,
                java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                FreshFile.OWNER_ONLY),
            size,
            DropBehind.none())
        .named(file);
  }

  /**
   * A scratch file in {@code dir} that has no name while it is used ({@link SpilledBody#create}):
   * written, read back and removed only through the channel returned, so nobody who can write
   * {@code dir} can swap it for another file, and a killed fim leaves nothing behind.
   */
  public static FileChannel unnamed(Path dir) throws IOException {
    return SpilledBody.create(dir);
  }

  /**
   * {@link #createNew} of {@code prefix}, a random number and {@code suffix} in {@code dir}
   * (another number when that name exists): a report's temporary output, its name in {@link
   * #path()}.
   */
  public static ReportFile createTemp(Path dir, String prefix, String suffix, int size)
      throws IOException {
    return createTemp(dir, prefix, suffix, size, true);
  }

  /**
   * As {@link #createTemp(Path, String, String, int)}; {@code advise} false creates the file
   * without the C library and gives no page-cache advice (an output known to stay small: {@link
   * ComplianceReport#small}), the same file otherwise.
   */
  public static ReportFile createTemp(
      Path dir, String prefix, String suffix, int size, boolean advise) throws IOException {
    return FreshFile.named(
        dir,
        prefix,
        suffix,
        name -> advise ? createNew(name, size) : createNew(name, size, DropBehind.CHUNK, false));
  }

  /** The name it was created under ({@link #createNew}, {@link #createTemp}), or null. */
  public Path path() {
    return path;
  }

  private ReportFile named(Path created) {
    this.path = created;
    return this;
  }

  /**
   * open(2) of {@code file} with {@link PageCacheNative#CREATE_FLAGS}: its descriptor, or -1 when
   * it could not be made (the plain open then says why, or takes over).
   */
  private static int createFd(Path file) {
    try {
      // The bytes Java's own open uses for the same path (sun.jnu.encoding: file name encoding).
      byte[] name =
          file.toAbsolutePath()
              .toString()
              .getBytes(Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")));
      CString path = new CString(name.length + 1);
      try {
        return (int)
            PageCacheNative.OPEN.call(
                path.put(name), PageCacheNative.CREATE_FLAGS, PageCacheNative.CREATE_MODE);
      } finally {
        // The native memory the call reads belongs to path's buffer: not freed before it returns.
        Reference.reachabilityFence(path);
      }
    } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException e) {
      return -1; // no libc binding here (jffi missing), or an unknown charset
    }
  }

  /** As {@link #ReportFile(FileChannel, int)}, with its {@link DropBehind}. */
  ReportFile(FileChannel channel, int size, DropBehind dropBehind) {
    super(Channels.newOutputStream(channel), size);
    this.channel = channel;
    this.dropBehind = dropBehind;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    super.write(b, off, len);
    dropBehind.written(len);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    super.write(b);
    dropBehind.written(1);
  }

  /**
   * Copies the spilled body {@code spill} to the file's end in the kernel ({@link
   * SpilledBody#copyInto}), after what was written before it; its bytes count for the advice too.
   */
  synchronized void copyFrom(FileChannel spill) throws IOException {
    flush();
    long before = channel.position();
    SpilledBody.copyInto(spill, channel);
    dropBehind.written(channel.position() - before);
  }

  /** Whether its page cache is being advised away (tests). */
  boolean advising() {
    return dropBehind.advising();
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      dropBehind.close();
    }
  }
}
