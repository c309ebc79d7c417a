package dev.fim.engine.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.fim.store.Digest;
import dev.fim.store.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link JsonSink} that writes UTF-8 bytes into one growing array: a JSON report's rows, about 35
 * fields per event and a million events. It writes what Jackson's generator writes (compact, a
 * comma before every member and element but the first), without Jackson's per-call bookkeeping (the
 * write context checked and updated at every name and value, the buffer's bounds checked at every
 * byte, a call per name and string that C2 would not inline): those were most of a JSON report's
 * render threads (issue 18). A string of printable ASCII other than {@code "} and {@code \} is
 * copied as it is, which is what Jackson writes for it; any other string is written by a Jackson
 * generator and copied, so every escape is Jackson's own. Structure is not checked: the caller
 * writes well-formed JSON ({@link EventJson}; tests compare both sinks). Not thread-safe.
 */
public final class JsonBytes implements JsonSink {
  private static final JsonFactory FACTORY = new JsonFactory();

  /*
   * The watch's lines: a character beyond the Basic Multilingual Plane (an emoji in a file name) as
   * its four UTF-8 bytes, as Jackson's generator through a {@code Writer} and a UTF-8 encoder writes
   * it ({@link EventJson#toJson}: history's, syslog's, the journal's and shipping's JSON of the same
   * event), where a UTF-8 generator escapes each of its two surrogates. The JSON report keeps the
   * escapes: {@code report --verify} remakes the bytes of reports already written.
   */
  private static final class LineFactory { // its own class: a report does not load the builder
    static final JsonFactory INSTANCE =
        JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
  }

  /** Arrays above this size are let go at {@link #reset}: one huge line does not stay held. */
  private static final int KEPT_AFTER_RESET = 64 << 10;

  private final JsonFactory factory;
  private final int capacity;

  private byte[] buf;
  private int length;

  /** Whether the next member or element is preceded by a comma. */
  private boolean comma;

  /** A string's characters, copied out of it to be checked and copied as bytes. */
  private char[] chars = new char[256];

  /** Writes the strings that need escaping, into {@link #escapedOut}; made at the first. */
  private JsonGenerator escaper;

  private EscapedOut escapedOut;

  /** The longest string {@link #escaper} wrote since it was made: its buffer is at least that. */
  private int escapedMost;

  /** A JSON report's rows (supplementary characters as Jackson's UTF-8 generator escapes them). */
  public JsonBytes(int capacity) {
    this(capacity, FACTORY);
  }

  private JsonBytes(int capacity, JsonFactory factory) {
    this.capacity = Math.max(16, capacity);
    this.factory = factory;
    buf = new byte[this.capacity];
  }

  /**
   * For one text line at a time ({@code fim watch}'s JSON lines): the same bytes as {@link
   * EventJson#toJson} encoded in UTF-8, supplementary characters included.
   */
  public static JsonBytes forLines(int capacity) {
    return new JsonBytes(capacity, LineFactory.INSTANCE);
  }

  /** The bytes written so far are the first {@link #length()} of this array. */
  public byte[] array() {
    return buf;
  }

  public int length() {
    return length;
  }

  /** Empties it for the next value (a watch's next line); the array is kept. */
  public void reset() {
    length = 0;
    comma = false;
    if (buf.length > KEPT_AFTER_RESET) {
      buf = new byte[capacity];
    }
    if (chars.length > KEPT_AFTER_RESET) {
      chars = new char[256];
    }
    if (escapedMost > KEPT_AFTER_RESET) { // its stream keeps its capacity: made anew when needed
      escaper = null;
      escapedOut = null;
      escapedMost = 0;
    }
  }

  /**
   * Appends {@code ascii} as it is, between two root values (a separator, a newline), and starts
   * the next value without a comma.
   */
  public void raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    ascii.getBytes(0, n, buf, length); // ASCII: each char is its byte
    length += n;
    comma = false;
  }

  private void ensure(int more) {
    if (length + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
    }
  }

  /** The comma before a member or an element, when one came before it. */
  private int separated(int more) {
    ensure(more + 1);
    int at = length;
    if (comma) {
      buf[at++] = ',';
    }
    return at;
  }

  @Override
  public void startObject() {
    int at = separated(1);
    buf[at++] = '{';
    length = at;
    comma = false;
  }

  @Override
  public void endObject() {
    ensure(1);
    buf[length++] = '}';
    comma = true;
  }

  @Override
  public void startArray() {
    int at = separated(1);
    buf[at++] = '[';
    length = at;
    comma = false;
  }

  @Override
  public void endArray() {
    ensure(1);
    buf[length++] = ']';
    comma = true;
  }

  @Override
  public void name(SerializedString name) {
    byte[] q = name.asQuotedUTF8();
    int at = separated(q.length + 3);
    byte[] b = buf;
    b[at++] = '"';
    System.arraycopy(q, 0, b, at, q.length);
    at += q.length;
    b[at++] = '"';
    b[at++] = ':';
    length = at;
    comma = false;
  }

  @Override
  public void name(String name) throws IOException {
    string(name);
    ensure(1);
    buf[length++] = ':';
    comma = false;
  }

  @Override
  public void string(String value) throws IOException {
    if (value == null) {
      nullValue();
      return;
    }
    int n = value.length();
    if (n > chars.length) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    char[] c = chars;
    value.getChars(0, n, c, 0);
    int at = separated(n + 2);
    byte[] b = buf;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char ch = c[i];
      if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
        escaped(value); // nothing committed yet: length and comma are as before
        return;
      }
      b[at + i] = (byte) ch;
    }
    at += n;
    b[at++] = '"';
    length = at;
    comma = true;
  }

  /** A string with a character that Jackson escapes or encodes in more than one byte. */
  private void escaped(String value) throws IOException {
    if (escaper == null) {
      escapedOut = new EscapedOut();
      escaper = factory.createGenerator(escapedOut, JsonEncoding.UTF8);
      escaper.setRootValueSeparator(null);
    }
    escapedOut.reset();
    escaper.writeString(value);
    escaper.flush();
    int n = escapedOut.size();
    escapedMost = Math.max(escapedMost, n);
    int at = separated(n);
    System.arraycopy(escapedOut.written(), 0, buf, at, n);
    length = at + n;
    comma = true;
  }

  @Override
  public void label(SerializedString value) {
    byte[] q = value.asQuotedUTF8();
    int at = separated(q.length + 2);
    byte[] b = buf;
    b[at++] = '"';
    System.arraycopy(q, 0, b, at, q.length);
    at += q.length;
    b[at++] = '"';
    length = at;
    comma = true;
  }

  @Override
  public void number(long value) {
    if (value == Long.MIN_VALUE) {
      ascii(Long.toString(value), false);
      return;
    }
    int at = separated(20);
    length = AsciiJson.digits(value, buf, at);
    comma = true;
  }

  /** Characters that need no escaping (fim's own), as they are, quoted or not. */
  private void ascii(String s, boolean quoted) {
    int n = s.length();
    int at = separated(n + 2);
    if (quoted) {
      buf[at++] = '"';
    }
    s.getBytes(0, n, buf, at);
    at += n;
    if (quoted) {
      buf[at++] = '"';
    }
    length = at;
    comma = true;
  }

  @Override
  public void bool(boolean value) {
    ascii(value ? "true" : "false", false);
  }

  @Override
  public void nullValue() {
    ascii("null", false);
  }

  @Override
  public void rawValue(String json) {
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    int at = separated(utf8.length);
    System.arraycopy(utf8, 0, buf, at, utf8.length);
    length = at + utf8.length;
    comma = true;
  }

  @Override
  public void timestamp(long ns) {
    int at = separated(Timestamps.MAX_ASCII_LENGTH + 2);
    int end = Timestamps.formatAscii(ns, buf, at + 1);
    if (end < 0) { // before 1970, or from the year 10000 on: Instant's form
      ascii(Timestamps.format(ns), true);
      return;
    }
    buf[at] = '"';
    buf[end++] = '"';
    length = end;
    comma = true;
  }

  @Override
  public void decimal(long value) {
    if (value == Long.MIN_VALUE) {
      ascii(Long.toString(value), true);
      return;
    }
    int at = separated(22);
    buf[at] = '"';
    int end = AsciiJson.digits(value, buf, at + 1);
    buf[end++] = '"';
    length = end;
    comma = true;
  }

  @Override
  public void unsignedDecimal(long value) {
    if (value >= 0) {
      decimal(value);
    } else {
      ascii(Long.toUnsignedString(value), true);
    }
  }

  @Override
  public void mode(int mode) {
    int at = separated(6);
    buf[at] = '"';
    int end = AsciiJson.octalMode(mode, buf, at + 1);
    buf[end++] = '"';
    length = end;
    comma = true;
  }

  @Override
  public void hex(Digest d) {
    int at = separated(2 * d.algorithm().length() + 2);
    buf[at] = '"';
    int end = d.hexInto(buf, at + 1);
    buf[end++] = '"';
    length = end;
    comma = true;
  }

  /** The escaper's stream's capacity, 0 when none is made (tests: what {@link #reset} let go). */
  int escaperCapacity() {
    return escapedOut == null ? 0 : escapedOut.written().length;
  }

  /** The escaper's stream, whose bytes are copied out without a copy of their own. */
  private static final class EscapedOut extends ByteArrayOutputStream {
    EscapedOut() {
      super(256);
    }

    /** The buffer: its first {@link #size()} bytes are what was written. */
    byte[] written() {
      return buf;
    }
  }
}
