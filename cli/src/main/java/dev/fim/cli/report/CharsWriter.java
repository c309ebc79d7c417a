package dev.fim.cli.report;

import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A batch of report rows as characters, encoded to UTF-8 once when the batch is done ({@link
 * #utf8}). Unlike an {@code OutputStreamWriter} (a lock and an encoder call per write) or a {@code
 * StringWriter} (a synchronized buffer), appending is a plain {@link StringBuilder} append, and
 * {@link TextReport} renders a line straight into {@link #chars}. Not thread-safe: one per batch.
 */
final class CharsWriter extends Writer {
  private final StringBuilder chars;

  CharsWriter(int capacity) {
    this.chars = new StringBuilder(capacity);
  }

  /** The characters so far, to append to. */
  StringBuilder chars() {
    return chars;
  }

  /**
   * The characters in UTF-8 (as an {@code OutputStreamWriter} would have written them: fim's rows
   * hold no unpaired surrogate, every string in them was decoded from UTF-8 or is ASCII).
   */
  byte[] utf8() {
    return chars.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void write(char[] buf, int off, int len) {
    chars.append(buf, off, len);
  }

  @Override
  public void write(int c) {
    chars.append((char) c);
  }

  @Override
  public void write(String s) {
    chars.append(s);
  }

  @Override
  public void write(String s, int off, int len) {
    chars.append(s, off, off + len);
  }

  @Override
  public Writer append(CharSequence csq) {
    chars.append(csq);
    return this;
  }

  @Override
  public Writer append(CharSequence csq, int start, int end) {
    chars.append(csq, start, end);
    return this;
  }

  @Override
  public Writer append(char c) {
    chars.append(c);
    return this;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
