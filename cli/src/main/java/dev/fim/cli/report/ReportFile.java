package dev.fim.cli.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

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

  /**
   * @param channel the file, opened for writing at its position (not in append mode)
   * @param size the buffer's size
   */
  public ReportFile(FileChannel channel, int size) {
    this(channel, size, DropBehind.none());
  }

  /**
   * As {@link #ReportFile(FileChannel, int)}, for the regular file at {@code file} that {@code
   * channel} writes: its page cache goes behind the writes ({@link DropBehind}).
   */
  public ReportFile(FileChannel channel, int size, Path file) {
    this(channel, size, DropBehind.of(file));
  }

  /** As {@link #ReportFile(FileChannel, int, Path)}, with its {@link DropBehind} (tests). */
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

  /** The file; flush this stream before writing to it. */
  FileChannel channel() {
    return channel;
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
