package dev.fim.store;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The bytes of one encoded value, for one thread: a {@link ByteArrayOutputStream} whose writes take
 * no lock. A codec writes an event field by field through a {@code DataOutputStream}, a write call
 * per field, and with the watch's C1-compiled code each locked write was a measurable part of
 * encoding an event (JFR, issue 18).
 */
final class ValueBuffer extends ByteArrayOutputStream {
  ValueBuffer(int size) {
    super(size);
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    ensure(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  private void ensure(int more) {
    if (buf.length - count < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
    }
  }
}
