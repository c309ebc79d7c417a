package dev.fim.cli.report;

import java.io.BufferedOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * A report's output that is a regular file, buffered, with its channel in reach: a report whose
 * body was spilled ({@link ComplianceReport}) copies that body into it in the kernel ({@link
 * SpilledBody#copyInto}) instead of reading it back through this buffer. Closing it closes the
 * channel.
 */
public final class ReportFile extends BufferedOutputStream {
  private final FileChannel channel;

  /**
   * @param channel the file, opened for writing at its position (not in append mode)
   * @param size the buffer's size
   */
  public ReportFile(FileChannel channel, int size) {
    super(Channels.newOutputStream(channel), size);
    this.channel = channel;
  }

  /** The file; flush this stream before writing to it. */
  FileChannel channel() {
    return channel;
  }
}
