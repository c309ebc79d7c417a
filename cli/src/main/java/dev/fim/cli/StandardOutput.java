package dev.fim.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * fim's standard output (file descriptor 1), which fails loudly: a write that the kernel refuses (a
 * full disk behind {@code > file}, {@code /dev/full}, a closed pipe) throws {@link Failure} at
 * once. The PrintWriter and PrintStream every command prints through keep an IOException to
 * themselves ({@code checkError()}, which nobody asks), so {@code fim check > /dev/full} exited 5
 * as if the report had been delivered; and a command printing a long history into a pipe its reader
 * closed went on to the end. An unchecked exception passes through them, stops the command where it
 * is, and {@link ErrorHandler} makes it exit 20 ({@link ExitCodes#IO}).
 *
 * <p>A closed pipe is not worth a message (the reader chose to stop: {@code fim history | head});
 * it still exits 20, as coreutils' tools exit non-zero (killed by SIGPIPE, which Java ignores).
 * Thread-safe: after the first failure every write throws the same {@link Failure}.
 */
final class StandardOutput extends OutputStream {
  private static final StandardOutput INSTANCE = new StandardOutput();
  private final FileOutputStream fd = new FileOutputStream(FileDescriptor.out);
  private volatile Failure failed;

  private StandardOutput() {}

  /** The process's standard output; never closed. */
  static StandardOutput get() {
    return INSTANCE;
  }

  @Override
  public void write(int b) {
    check();
    try {
      fd.write(b);
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    check();
    try {
      fd.write(b, off, len);
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void flush() {
    check(); // unbuffered: nothing to write, but a failure already met is still one
  }

  @Override
  public void close() {
    // The process's descriptor stays open: the JVM and a later writer may still use it.
  }

  /** The failure met so far, or null. */
  Failure failure() {
    return failed;
  }

  private void check() {
    Failure f = failed;
    if (f != null) {
      throw f;
    }
  }

  private synchronized Failure fail(IOException e) {
    if (failed == null) {
      failed = new Failure(e);
    }
    return failed;
  }

  /** Standard output could not be written; the message says why ("No space left on device"). */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(IOException cause) {
      super("cannot write standard output: " + reason(cause), cause);
    }

    /** The reader closed its end of the pipe (EPIPE). */
    boolean brokenPipe() {
      String m = getCause().getMessage();
      return m != null && m.contains("Broken pipe");
    }

    /** The Failure that {@code t} is or was caused by, or null. */
    static Failure in(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof Failure f) {
          return f;
        }
      }
      return null;
    }

    private static String reason(IOException e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }
}
