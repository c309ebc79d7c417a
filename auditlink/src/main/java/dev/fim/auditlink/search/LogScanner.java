package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The hot path of a search (measured: see bench/audit-search.sh): reads a file through one reused
 * byte buffer, finds line ends with a byte scan, and parses only each line's header ({@code
 * [node=N] type=T msg=audit(SEC.FRAC:SERIAL)}) — no String, no record object per line. The header
 * is all that grouping needs; the {@link LineFilter} (a search's {@link Prefilter}) looks at the
 * raw bytes; the {@link EventGrouper} parses fields only for candidate events.
 *
 * <p>Lines that are not records are counted and skipped. Not thread-safe: one per search.
 */
final class LogScanner {
  /** Large enough that copying the few lines of open events at each refill is noise. */
  static final int BLOCK = 16 << 20;

  private final LineFilter prefilter;
  private final EventGrouper grouper;
  private final byte[] buf;
  private final TypeNames types = new TypeNames();

  long files;
  long bytes;

  /** Input offset (over all files of the search, in order) of buf[0]. */
  private long base;

  long lines;
  long records;
  long garbage;

  LogScanner(LineFilter prefilter, EventGrouper grouper, int blockSize) {
    this.prefilter = prefilter;
    this.grouper = grouper;
    this.buf = new byte[blockSize];
    grouper.buffer(buf);
  }

  void scan(Path file) throws IOException {
    scan(file, 0);
  }

  /** Reads {@code file} from byte {@code from}, which must be the start of a line (or 0). */
  void scan(Path file, long from) throws IOException {
    files++;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(from);
      ByteBuffer bb = ByteBuffer.wrap(buf);
      int fill = 0;
      boolean skipping = false;
      while (true) {
        bb.limit(buf.length).position(fill);
        int n = ch.read(bb);
        if (n < 0) {
          break;
        }
        bytes += n;
        int end = fill + n;
        base = bytes - end; // input offset of buf[0]
        int start = 0;
        for (int nl = indexOfNewline(buf, start, end);
            nl >= 0;
            nl = indexOfNewline(buf, start, end)) {
          if (skipping) {
            skipping = false; // the tail of an over-long line
          } else {
            line(start, nl);
          }
          start = nl + 1;
        }
        grouper.detach();
        if (start == 0 && end == buf.length) {
          // A line longer than the buffer is no audit record (RecordParser's limit is
          // far smaller): count it once and drop it up to its newline.
          if (!skipping) {
            lines++;
            garbage++;
          }
          skipping = true;
          fill = 0;
          continue;
        }
        System.arraycopy(buf, start, buf, 0, end - start);
        fill = end - start;
      }
      if (fill > 0 && !skipping) {
        base = bytes - fill;
        line(0, fill); // last line without a newline
        grouper.detach();
      }
    }
  }

  /**
   * In a holder: LogScanner's header parsing also serves the windowed search, which should not pay
   * for this handle's class spinning (~10 ms at start-up) when it never scans lines.
   */
  private static final class Words {
    static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Eight bytes at a time ("determine if a word has a zero byte", Bit Twiddling Hacks): the lowest
   * flagged byte is exact, so the first newline is found without a branch per byte.
   */
  static int indexOfNewline(byte[] b, int from, int end) {
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long w = (long) Words.LONG_LE.get(b, i) ^ 0x0a0a0a0a0a0a0a0aL;
      long t = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L;
      if (t != 0) return i + (Long.numberOfTrailingZeros(t) >>> 3);
    }
    for (; i < end; i++) {
      if (b[i] == '\n') return i;
    }
    return -1;
  }

  private final Header header = new Header();

  private void line(int off, int end) throws IOException {
    lines++;
    Header h = header;
    int status = parseHeader(buf, off, end, types, h);
    if (status == EMPTY) {
      return; // an empty line is no record and no garbage either
    }
    if (status == GARBAGE) {
      garbage++;
      return;
    }
    records++;
    grouper.add(
        base + off,
        h.key,
        h.millis,
        h.type,
        off,
        h.end - off,
        prefilter.hits(h.type, h.millis, buf, off, h.end));
  }

  static final int RECORD = 1;
  static final int EMPTY = 0;
  static final int GARBAGE = -1;

  /** What {@link #parseHeader} found in a record line. */
  static final class Header {
    /** serial | node-hash << 32 */
    long key;

    long millis;
    int type;

    /** the line's end without trailing CR and NUL bytes */
    int end;
  }

  /**
   * Parses the header of the line b[off, end) (no newline): {@link #RECORD} and {@code h} filled
   * in, {@link #EMPTY}, or {@link #GARBAGE}. The one definition of "a record line" shared by the
   * sequential scan and the {@link WindowedSearch}.
   */
  static int parseHeader(byte[] b, int off, int end, TypeNames types, Header h) {
    while (end > off && (b[end - 1] == '\r' || b[end - 1] == 0)) end--;
    if (end == off) {
      return EMPTY;
    }
    if (end - off > RecordParser.DEFAULT_MAX_RECORD_BYTES) {
      return GARBAGE;
    }
    int p = off;
    long nodeHash = 0;
    if (startsWith(b, p, end, NODE)) {
      int q = p + NODE.length;
      int hh = 1;
      while (q < end && b[q] != ' ') hh = 31 * hh + b[q++];
      nodeHash = (hh & 0xffff_ffffL) | 0x1_0000_0000L;
      p = q;
      while (p < end && b[p] == ' ') p++;
    }
    if (!startsWith(b, p, end, TYPE)) {
      return GARBAGE;
    }
    int q = p + TYPE.length;
    int typeStart = q;
    while (q < end && b[q] != ' ') q++;
    int type = types.number(b, typeStart, q);
    while (q < end && b[q] == ' ') q++;
    if (type < 0 || !startsWith(b, q, end, MSG)) {
      return GARBAGE;
    }
    q += MSG.length;
    long seconds = 0;
    int s0 = q;
    while (q < end && isDigit(b[q]) && q - s0 < 18) seconds = seconds * 10 + (b[q++] - '0');
    if (q == s0 || q >= end || b[q] != '.') {
      return GARBAGE;
    }
    q++;
    int f0 = q;
    int millis = 0;
    while (q < end && isDigit(b[q]) && q - f0 < 9) {
      if (q - f0 < 3) millis = millis * 10 + (b[q] - '0');
      q++;
    }
    int digits = q - f0;
    if (digits == 0 || q >= end || b[q] != ':') {
      return GARBAGE;
    }
    for (int k = digits; k < 3; k++) millis *= 10;
    q++;
    int n0 = q;
    long serial = 0;
    while (q < end && isDigit(b[q]) && q - n0 < 10) serial = serial * 10 + (b[q++] - '0');
    if (q == n0 || serial > 0xffff_ffffL || q >= end || b[q] != ')') {
      return GARBAGE;
    }
    // Node names are rare; two nodes whose names hash alike would share serials, which
    // the timestamp check in the grouper still separates in practice.
    h.key = serial | (nodeHash << 32);
    h.millis = seconds * 1000 + millis;
    h.type = type;
    h.end = end;
    return RECORD;
  }

  private static final byte[] NODE = "node=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE = "type=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MSG = "msg=audit(".getBytes(StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] b, int p, int end, byte[] prefix) {
    if (end - p < prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if (b[p + i] != prefix[i]) return false;
    }
    return true;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Type name bytes → number without a String per line: a small direct-mapped cache in front of
   * {@link RecordType#number}. A log uses a few dozen type names.
   */
  static final class TypeNames {
    private final byte[][] names = new byte[512][];
    private final int[] numbers = new int[512];

    int number(byte[] b, int from, int to) {
      int h = 0;
      for (int i = from; i < to; i++) h = 31 * h + b[i];
      int slot = (h ^ (h >>> 9)) & (names.length - 1);
      byte[] name = names[slot];
      if (name != null && Arrays.equals(name, 0, name.length, b, from, to)) {
        return numbers[slot];
      }
      int n = RecordType.number(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
      names[slot] = Arrays.copyOfRange(b, from, to);
      numbers[slot] = n;
      return n;
    }
  }
}
