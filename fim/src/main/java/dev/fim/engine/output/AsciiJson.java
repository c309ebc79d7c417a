package dev.fim.engine.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import dev.fim.store.Digest;
import dev.fim.store.Timestamps;
import java.io.IOException;

/**
 * JSON string values that fim formats itself from numbers and bytes: timestamps, decimal ids,
 * permission bits and hex digests. Their characters are ASCII digits, {@code a-f}, {@code - : T .
 * Z} and nothing else, never one that JSON escapes, so a generator that writes UTF-8 bytes gets
 * them as bytes between quotes ({@link JsonGenerator#writeRawUTF8String}), without a String per
 * value and Jackson's per-character escape check (a JSON report writes about ten of them per event,
 * a million events). Nothing that comes from outside fim (a path, a process name, a note) may go
 * through here: those keep {@link JsonGenerator#writeString(String)}. A generator that writes
 * characters (to a Writer: the watch's event lines) gets the same value as a String, as before.
 */
public final class AsciiJson {
  /** Holds the longest value: a SHA-512's 128 hex digits. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[128]);

  /** The same bytes widened, for a generator that writes characters (the watch's event lines). */
  private static final ThreadLocal<char[]> CHARS = ThreadLocal.withInitial(() -> new char[128]);

  private AsciiJson() {}

  /** {@link Timestamps#format(long)} as a string value. */
  public static void timestamp(JsonGenerator g, long ns) throws IOException {
    if (g instanceof UTF8JsonGenerator) {
      byte[] b = SCRATCH.get();
      int n = Timestamps.formatAscii(ns, b, 0);
      if (n >= 0) {
        g.writeRawUTF8String(b, 0, n);
        return;
      }
    } else {
      byte[] b = SCRATCH.get();
      int n = Timestamps.formatAscii(ns, b, 0);
      if (n >= 0) {
        writeChars(g, b, n);
        return;
      }
    }
    g.writeString(Timestamps.format(ns));
  }

  /** {@link Long#toString(long)} as a string value (an id ECS has as a keyword). */
  public static void decimal(JsonGenerator g, long v) throws IOException {
    if (v != Long.MIN_VALUE) {
      byte[] b = SCRATCH.get();
      int n = digits(v, b, 0);
      if (g instanceof UTF8JsonGenerator) {
        g.writeRawUTF8String(b, 0, n);
      } else {
        writeChars(g, b, n);
      }
      return;
    }
    g.writeString(Long.toString(v));
  }

  /**
   * {@code b[0, n)}, ASCII that needs no escaping, as a string value of a generator that writes
   * characters: from a reused char array, without a String per value (issue 18: ~4 timestamps and
   * ~6 decimals per event line of {@code fim watch}).
   */
  private static void writeChars(JsonGenerator g, byte[] b, int n) throws IOException {
    char[] c = CHARS.get();
    for (int i = 0; i < n; i++) {
      c[i] = (char) b[i];
    }
    g.writeString(c, 0, n);
  }

  /**
   * {@code v}'s decimal digits (and sign) into {@code b} from {@code at}, as {@link
   * Long#toString(long)} writes them; returns the index after them. Not for {@link Long#MIN_VALUE}
   * (its negation is itself); {@code b} holds 20 more bytes from {@code at}.
   */
  static int digits(long v, byte[] b, int at) {
    if (v < 0) {
      b[at++] = '-';
      v = -v;
    }
    int n = 1;
    for (long t = v; t >= 10; t /= 10) {
      n++;
    }
    int end = at + n;
    int i = end;
    do {
      b[--i] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    return end;
  }

  /** {@link Long#toUnsignedString(long)} as a string value (an inode number). */
  public static void unsignedDecimal(JsonGenerator g, long v) throws IOException {
    if (v >= 0) {
      decimal(g, v);
    } else {
      g.writeString(Long.toUnsignedString(v));
    }
  }

  /** {@link dev.fim.store.Values#mode(int)}'s four octal digits as a string value. */
  public static void mode(JsonGenerator g, int mode) throws IOException {
    byte[] b = SCRATCH.get();
    int n = octalMode(mode, b, 0);
    if (g instanceof UTF8JsonGenerator) {
      g.writeRawUTF8String(b, 0, n);
    } else {
      writeChars(g, b, n);
    }
  }

  /**
   * {@link dev.fim.store.Values#mode(int)}'s four octal digits into {@code b} from {@code at};
   * returns the index after them.
   */
  static int octalMode(int mode, byte[] b, int at) {
    int m = mode & 07777;
    b[at] = (byte) ('0' + (m >> 9 & 7));
    b[at + 1] = (byte) ('0' + (m >> 6 & 7));
    b[at + 2] = (byte) ('0' + (m >> 3 & 7));
    b[at + 3] = (byte) ('0' + (m & 7));
    return at + 4;
  }

  /** {@link Digest#hex()} as a string value. */
  public static void hex(JsonGenerator g, Digest d) throws IOException {
    byte[] b = SCRATCH.get();
    int n = d.hexInto(b, 0);
    if (g instanceof UTF8JsonGenerator) {
      g.writeRawUTF8String(b, 0, n);
    } else {
      writeChars(g, b, n);
    }
  }
}
