package dev.fim.auditlink.search;

import java.io.Writer;

/**
 * A Writer into a StringBuilder that a search thread reuses for every event it renders ({@link
 * WindowedSearch}): unlike {@link java.io.StringWriter} it takes no lock per write, appends a
 * {@link CharSequence} without first making a String of it, and keeps its capacity between events.
 * Not thread-safe.
 */
final class TextBuffer extends Writer {
  private final StringBuilder sb = new StringBuilder(4096);

  @Override
  public void write(char[] cbuf, int off, int len) {
    sb.append(cbuf, off, len);
  }

  @Override
  public void write(int c) {
    sb.append((char) c);
  }

  @Override
  public void write(String str, int off, int len) {
    sb.append(str, off, off + len);
  }

  @Override
  public Writer append(CharSequence csq) {
    sb.append(csq);
    return this;
  }

  @Override
  public Writer append(CharSequence csq, int start, int end) {
    sb.append(csq, start, end);
    return this;
  }

  @Override
  public Writer append(char c) {
    sb.append(c);
    return this;
  }

  /** What was written since the last take, as a String; empties the buffer. */
  String take() {
    String s = sb.toString();
    sb.setLength(0);
    return s;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
