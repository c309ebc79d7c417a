package dev.fim.store.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native buffers for libc calls: what C writes at the address is what Java reads, bounded. */
class NativeBufferTest {
  private static final LibcFunction READLINK =
      LibcFunction.of("readlink", Type.SLONG, Type.POINTER, Type.POINTER, Type.ULONG);

  @TempDir Path tmp;

  @Test
  void readsWhatTheKernelWroteAtItsAddress() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("l"), Path.of("some/target"));
    NativeBuffer buf = new NativeBuffer(64);
    long n =
        READLINK.call(
            new CString(8).put(link.toString().getBytes(StandardCharsets.UTF_8)),
            buf.address(),
            buf.size());
    assertEquals(11, n);
    byte[] got = new byte[(int) n];
    buf.get(0, got, 0, got.length);
    assertArrayEquals("some/target".getBytes(StandardCharsets.US_ASCII), got);
  }

  @Test
  void wordsAreInTheMachinesByteOrder() {
    NativeBuffer buf = new NativeBuffer(16);
    buf.putLong(0, 0x0102030405060708L);
    assertEquals(0x08, buf.getByte(0)); // x86_64: little-endian, as the kernel writes
    assertEquals(0x05060708, buf.getInt(0));
    assertEquals(0x0102030405060708L, buf.getLong(0));
  }

  @Test
  void aReadPastTheEndThrowsInsteadOfReadingOtherMemory() {
    NativeBuffer buf = new NativeBuffer(16);
    assertThrows(IndexOutOfBoundsException.class, () -> buf.getLong(9));
    assertThrows(IndexOutOfBoundsException.class, () -> buf.get(0, new byte[32], 0, 17));
  }
}
