package dev.fim.auditlink.search;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * What time one audit.log file covers, from a few reads instead of a scan: the first record line of
 * its head and the last one of its tail, and where in it a given time starts (a binary search over
 * byte offsets). auditd appends events as they complete, so a file's record times rise with the
 * offset but for the few milliseconds by which events on different CPUs interleave; callers seek
 * with a margin well beyond that. Stateless; each call reads through its channel.
 */
final class LogSpan {
  private LogSpan() {}

  /** Bytes read at each probe: many records, and more than a record can be long. */
  static final int PROBE = 64 * 1024;

  /** No record found. */
  static final long NONE = Long.MIN_VALUE;

  /**
   * The time (ms) of the first record line that starts at or after {@code at}, or {@link #NONE}.
   */
  static long firstTimeAfter(FileChannel ch, long at, long size) throws IOException {
    LogScanner.TypeNames types = new LogScanner.TypeNames();
    LogScanner.Header h = new LogScanner.Header();
    byte[] buf = new byte[PROBE];
    long pos = at;
    boolean atLineStart = at == 0;
    while (pos < size) {
      int n = read(ch, buf, pos);
      if (n <= 0) {
        return NONE;
      }
      int start = 0;
      if (!atLineStart) {
        int nl = LogScanner.indexOfNewline(buf, 0, n);
        if (nl < 0) {
          pos += n; // inside one over-long line: go on
          continue;
        }
        start = nl + 1;
        atLineStart = true;
      }
      int nl;
      while ((nl = LogScanner.indexOfNewline(buf, start, n)) >= 0
          || (pos + n == size && start < n)) {
        int lineEnd = nl >= 0 ? nl : n;
        if (LogScanner.parseHeader(buf, start, lineEnd, types, h) == LogScanner.RECORD) {
          return h.millis;
        }
        if (nl < 0) {
          return NONE;
        }
        start = nl + 1;
      }
      if (start == 0) {
        atLineStart = false; // a line longer than a probe: skip to its end
        pos += n;
      } else {
        pos += start;
      }
    }
    return NONE;
  }

  /** The time (ms) of the last record line of the file, or {@link #NONE}. */
  static long lastTime(FileChannel ch, long size) throws IOException {
    LogScanner.TypeNames types = new LogScanner.TypeNames();
    LogScanner.Header h = new LogScanner.Header();
    byte[] buf = new byte[PROBE];
    long end = size;
    while (end > 0) {
      long from = Math.max(0, end - PROBE);
      int n = read(ch, buf, from, (int) (end - from));
      int lineEnd = n;
      for (int i = n - 1; i >= 0; i--) {
        if (buf[i] == '\n') {
          if (i + 1 < lineEnd
              && LogScanner.parseHeader(buf, i + 1, lineEnd, types, h) == LogScanner.RECORD) {
            return h.millis;
          }
          lineEnd = i;
        }
      }
      if (from == 0) {
        return lineEnd > 0 && LogScanner.parseHeader(buf, 0, lineEnd, types, h) == LogScanner.RECORD
            ? h.millis
            : NONE;
      }
      // buf[0, lineEnd) may be the cut end of a line: read it whole next time. Without any
      // newline in the probe the line is longer than a record can be: step over it.
      end = lineEnd == n ? from : from + lineEnd;
    }
    return NONE;
  }

  /**
   * The offset of a line start at or before the first record with time ≥ {@code millis}: no record
   * before it has a time ≥ {@code millis} unless the log is out of order by more than the caller's
   * margin. 0 when the file starts later.
   */
  static long offsetOf(FileChannel ch, long size, long millis) throws IOException {
    long lo = 0; // a line start whose first record after it is < millis (or the file start)
    long hi = size;
    while (hi - lo > PROBE) {
      long mid = lo + (hi - lo) / 2;
      long t = firstTimeAfter(ch, mid, size);
      if (t != NONE && t < millis) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : lineStartAfter(ch, lo, size);
  }

  /** The offset just past the first newline at or after {@code at}. */
  private static long lineStartAfter(FileChannel ch, long at, long size) throws IOException {
    byte[] buf = new byte[PROBE];
    long pos = at;
    while (pos < size) {
      int n = read(ch, buf, pos);
      if (n <= 0) break;
      int nl = LogScanner.indexOfNewline(buf, 0, n);
      if (nl >= 0) {
        return pos + nl + 1;
      }
      pos += n;
    }
    return size;
  }

  private static int read(FileChannel ch, byte[] buf, long pos) throws IOException {
    return read(ch, buf, pos, buf.length);
  }

  private static int read(FileChannel ch, byte[] buf, long pos, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
    int total = 0;
    while (bb.hasRemaining()) {
      int n = ch.read(bb, pos + total);
      if (n < 0) break;
      total += n;
    }
    return total;
  }
}
