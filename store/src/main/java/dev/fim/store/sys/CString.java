package dev.fim.store.sys;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/**
 * A reusable native buffer holding one byte string followed by a NUL, for the {@code const char *}
 * arguments of a {@link LibcFunction}: what jnr-ffi's {@code @In @NulTerminate byte[]} did, without
 * its generated classes. As there, a NUL inside the string ends it for the C function (the kernel
 * never returns a name with one). Grows to the longest string it is given; freed with it by the
 * garbage collector (a direct {@link ByteBuffer}). Not thread-safe: one per owner of the call.
 */
public final class CString {
  private ByteBuffer buffer;
  private long address;

  /** A buffer for strings of up to {@code capacity - 1} bytes before it first grows. */
  public CString(int capacity) {
    allocate(capacity);
  }

  /** Copies {@code bytes} and a NUL into the buffer; returns the buffer's address. */
  public long put(byte[] bytes) {
    if (bytes.length + 1 > buffer.capacity()) {
      allocate(bytes.length + 1);
    }
    buffer.clear();
    buffer.put(bytes).put((byte) 0);
    return address;
  }

  private void allocate(int capacity) {
    buffer = ByteBuffer.allocateDirect(capacity);
    address = MemoryIO.getInstance().getDirectBufferAddress(buffer);
  }
}
