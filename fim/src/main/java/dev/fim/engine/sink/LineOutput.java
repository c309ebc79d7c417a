package dev.fim.engine.sink;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where a sink's lines go: standard output, or a file opened for appending that follows log
 * rotation. A rotated file (renamed away or deleted by logrotate, or replaced) is noticed within a
 * second of the next write and the path is reopened, and {@link #reopen()} (called on SIGHUP)
 * reopens it at once; nothing is written to the old file after that. Lines are buffered until
 * {@link #flush()}. One writer thread; {@code reopen} may be called from any thread.
 */
public final class LineOutput implements AutoCloseable {
  private static final long ROTATION_CHECK_NS = 1_000_000_000L;

  private final Path file;
  private final boolean closeUnderlying;
  private OutputStream buffered;
  private OutputStream stream;
  private Object openedKey;
  private long lastCheckNs;
  private volatile boolean reopenRequested;

  private LineOutput(Path file, OutputStream stream, boolean closeUnderlying) {
    this.file = file;
    this.closeUnderlying = closeUnderlying;
    setStream(stream);
  }

  /** Lines to {@code out} (standard output), never closed here. */
  public static LineOutput of(OutputStream out) {
    return new LineOutput(null, out, false);
  }

  /**
   * Lines appended to {@code file}, created 0640 if missing.
   *
   * @throws IOException the file cannot be opened for appending (the message names it)
   */
  public static LineOutput appendingTo(Path file) throws IOException {
    LineOutput o = new LineOutput(file, open(file), true);
    o.openedKey = key(file);
    return o;
  }

  private static OutputStream open(Path file) throws IOException {
    try {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(
            file,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")));
      }
      return new FileOutputStream(file.toFile(), true);
    } catch (IOException e) {
      throw new IOException("cannot open " + file + " for appending: " + e.getMessage(), e);
    }
  }

  private static Object key(Path file) {
    try {
      return Files.readAttributes(
              file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (IOException e) {
      return null; // gone: rotated away
    }
  }

  private void setStream(OutputStream s) {
    this.stream = s;
    this.buffered = new BufferedOutputStream(s, 64 * 1024);
  }

  /**
   * Asks for the file to be reopened before the next line (SIGHUP). Thread-safe; a no-op for
   * standard output.
   */
  public void reopen() {
    reopenRequested = true;
  }

  /**
   * Where the next line(s) go, as UTF-8 bytes (buffered); reopens the file first if it was rotated
   * or a reopen was asked for.
   */
  public OutputStream out() {
    if (file != null) {
      long now = System.nanoTime();
      if (reopenRequested || now - lastCheckNs > ROTATION_CHECK_NS) {
        lastCheckNs = now;
        if (reopenRequested || !java.util.Objects.equals(key(file), openedKey)) {
          reopenRequested = false;
          reopenNow();
        }
      }
    }
    return buffered;
  }

  private void reopenNow() {
    try {
      buffered.flush();
      stream.close();
    } catch (IOException e) {
      // the old file is gone or broken; what it still buffered was written by the flush above if it
      // could be
    }
    try {
      setStream(open(file));
      openedKey = key(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the buffered lines out. */
  public void flush() {
    try {
      buffered.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "write " + (file == null ? "standard output" : file.toString()) + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    flush();
    if (closeUnderlying) {
      try {
        stream.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
