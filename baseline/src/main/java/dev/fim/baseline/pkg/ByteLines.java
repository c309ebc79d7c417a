package dev.fim.baseline.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of a package database file as bytes (paths in it are any bytes but NUL and newline, not
 * necessarily UTF-8), read through one buffer. A line longer than the limit is skipped whole and
 * counted, never grown without bound: the database is an input like any other.
 */
final class ByteLines implements AutoCloseable {
  private InputStream in;
  private final int maxLine;
  private final byte[] buf;
  private int pos;
  private int end;
  private byte[] line = new byte[256];
  private int length;
  private long skipped;

  ByteLines(InputStream in, int maxLine) {
    this(in, maxLine, 64 * 1024);
  }

  ByteLines(InputStream in, int maxLine, int bufferSize) {
    this.in = in;
    this.maxLine = maxLine;
    this.buf = new byte[bufferSize];
  }

  /**
   * The same buffers for the next file (the ~1,000 list files of a host would otherwise make as
   * many 64 KiB buffers of garbage); closes the previous stream.
   */
  ByteLines reset(InputStream next) throws IOException {
    if (in != null) {
      in.close();
    }
    in = next;
    pos = 0;
    end = 0;
    length = 0;
    return this;
  }

  /**
   * Reads the next line (without its newline) into {@link #bytes()}/{@link #length()}; false at the
   * end. A last line without a newline counts.
   */
  boolean next() throws IOException {
    while (true) {
      length = 0;
      boolean tooLong = false;
      boolean any = false;
      while (true) {
        if (pos == end) {
          end = in.read(buf, 0, buf.length);
          pos = 0;
          if (end <= 0) {
            end = 0;
            if (!any) {
              return false;
            }
            break;
          }
        }
        any = true;
        int nl = pos;
        while (nl < end && buf[nl] != '\n') {
          nl++;
        }
        int n = nl - pos;
        if (!tooLong) {
          if (length + n > maxLine) {
            tooLong = true;
          } else {
            if (length + n > line.length) {
              line = Arrays.copyOf(line, Math.min(maxLine, Math.max(line.length * 2, length + n)));
            }
            System.arraycopy(buf, pos, line, length, n);
            length += n;
          }
        }
        pos = nl;
        if (nl < end) {
          pos++; // the newline
          break;
        }
      }
      if (!tooLong) {
        return true;
      }
      skipped++;
    }
  }

  /** The current line's bytes: valid up to {@link #length()}, overwritten by the next call. */
  byte[] bytes() {
    return line;
  }

  int length() {
    return length;
  }

  /** Lines skipped because they were longer than the limit. */
  long skipped() {
    return skipped;
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
      in = null;
    }
  }
}
