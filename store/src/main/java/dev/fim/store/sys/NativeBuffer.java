package dev.fim.store.sys;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A fixed-size block of native memory for the buffer arguments of a {@link LibcFunction} ({@code
 * struct stat}, a {@code getdents64} batch, a symlink target, an xattr list), read and written from
 * Java by offset in the machine's byte order. A direct {@link ByteBuffer}: freed with it by the
 * garbage collector, and every access is bounds-checked, so a length the kernel returns that
 * exceeds the buffer throws instead of reading past it. Replaces jnr-ffi's {@code Memory} and
 * {@code StructLayout} on the scan's path, which needed jnr-ffi's runtime set up at start-up. Not
 * thread-safe: one per owner of the call.
 */
public final class NativeBuffer {
  private final ByteBuffer buffer;
  private final long address;

  public NativeBuffer(int size) {
    buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    address = MemoryIO.getInstance().getDirectBufferAddress(buffer);
  }

  /** The address to pass to the C function. */
  public long address() {
    return address;
  }

  public int size() {
    return buffer.capacity();
  }

  public long getLong(int offset) {
    return buffer.getLong(offset);
  }

  public int getInt(int offset) {
    return buffer.getInt(offset);
  }

  public byte getByte(int offset) {
    return buffer.get(offset);
  }

  public void putLong(int offset, long value) {
    buffer.putLong(offset, value);
  }

  public void putShort(int offset, short value) {
    buffer.putShort(offset, value);
  }

  public void putInt(int offset, int value) {
    buffer.putInt(offset, value);
  }

  public void putByte(int offset, byte value) {
    buffer.put(offset, value);
  }

  /** Copies {@code length} bytes of {@code src} from {@code srcOffset} to {@code offset}. */
  public void put(int offset, byte[] src, int srcOffset, int length) {
    buffer.put(offset, src, srcOffset, length);
  }

  /** Copies {@code length} bytes from {@code offset} into {@code dst} at {@code dstOffset}. */
  public void get(int offset, byte[] dst, int dstOffset, int length) {
    buffer.get(offset, dst, dstOffset, length);
  }
}
