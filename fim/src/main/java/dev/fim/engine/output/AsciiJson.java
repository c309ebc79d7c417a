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
    }
    g.writeString(Timestamps.format(ns));
  }

  /** {@link Long#toString(long)} as a string value (an id ECS has as a keyword). */
  public static void decimal(JsonGenerator g, long v) throws IOException {
    if (g instanceof UTF8JsonGenerator && v != Long.MIN_VALUE) {
      byte[] b = SCRATCH.get();
      int at = b.length;
      long u = Math.abs(v);
      do {
        b[--at] = (byte) ('0' + u % 10);
        u /= 10;
      } while (u != 0);
      if (v < 0) {
        b[--at] = '-';
      }
      g.writeRawUTF8String(b, at, b.length - at);
      return;
    }
    g.writeString(Long.toString(v));
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
    if (g instanceof UTF8JsonGenerator) {
      byte[] b = SCRATCH.get();
      int m = mode & 07777;
      b[0] = (byte) ('0' + (m >> 9 & 7));
      b[1] = (byte) ('0' + (m >> 6 & 7));
      b[2] = (byte) ('0' + (m >> 3 & 7));
      b[3] = (byte) ('0' + (m & 7));
      g.writeRawUTF8String(b, 0, 4);
      return;
    }
    g.writeString(dev.fim.store.Values.mode(mode));
  }

  /** {@link Digest#hex()} as a string value. */
  public static void hex(JsonGenerator g, Digest d) throws IOException {
    if (g instanceof UTF8JsonGenerator) {
      byte[] b = SCRATCH.get();
      g.writeRawUTF8String(b, 0, d.hexInto(b, 0));
      return;
    }
    g.writeString(d.hex());
  }
}
