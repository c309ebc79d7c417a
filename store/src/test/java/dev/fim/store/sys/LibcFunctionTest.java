package dev.fim.store.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libc calls through jffi's invoker ({@link LibcFunction}): results, and the errno of a failed call
 * read on the calling thread (the scan's error messages and its EINTR/EPERM retries depend on it).
 */
class LibcFunctionTest {
  private static final int AT_FDCWD = -100;
  private static final int O_RDONLY = 0;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;

  private static final LibcFunction OPENAT =
      LibcFunction.of("openat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
  private static final LibcFunction PREAD =
      LibcFunction.of("pread", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SLONG);
  private static final LibcFunction CLOSE = LibcFunction.of("close", Type.SINT, Type.SINT);

  @TempDir Path tmp;

  private final CString path = new CString(16);

  private int open(Path p, int flags) {
    return (int) OPENAT.call(AT_FDCWD, path.put(bytes(p)), flags | O_CLOEXEC, 0);
  }

  @Test
  void aMissingFileIsEnoent() {
    assertEquals(-1, open(tmp.resolve("missing"), O_RDONLY));
    assertEquals(Errno.ENOENT.intValue(), LibcFunction.errno());
  }

  @Test
  void aSymlinkOpenedWithNofollowIsEloop() throws Exception {
    Files.writeString(tmp.resolve("target"), "x");
    Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("target"));
    assertEquals(-1, open(tmp.resolve("link"), O_RDONLY | O_NOFOLLOW));
    assertEquals(Errno.ELOOP.intValue(), LibcFunction.errno());
    // The control: without O_NOFOLLOW the same call opens the target.
    int fd = open(tmp.resolve("link"), O_RDONLY);
    assertTrue(fd >= 0, "errno " + LibcFunction.errno());
    assertEquals(0, (int) CLOSE.call(fd));
  }

  @Test
  void errnoIsTheCallingThreadsOwn() throws Exception {
    assertEquals(-1, open(tmp.resolve("missing"), O_RDONLY));
    AtomicInteger other = new AtomicInteger();
    Thread t =
        new Thread(
            () -> {
              CLOSE.call(-1);
              other.set(LibcFunction.errno());
            });
    t.start();
    t.join();
    assertEquals(Errno.EBADF.intValue(), other.get());
    assertEquals(Errno.ENOENT.intValue(), LibcFunction.errno());
  }

  @Test
  void preadReadsAtTheOffsetIntoNativeMemory() throws Exception {
    Path f = tmp.resolve("data");
    Files.writeString(f, "0123456789");
    int fd = open(f, O_RDONLY);
    assertTrue(fd >= 0, "errno " + LibcFunction.errno());
    MemoryIO io = MemoryIO.getInstance();
    long buf = io.allocateMemory(16, true);
    try {
      assertEquals(4L, PREAD.call(fd, buf, 4, 3));
      byte[] got = new byte[4];
      io.getByteArray(buf, got, 0, 4);
      assertArrayEquals("3456".getBytes(StandardCharsets.US_ASCII), got);
      assertEquals(0L, PREAD.call(fd, buf, 4, 10), "end of file");
    } finally {
      io.freeMemory(buf);
      CLOSE.call(fd);
    }
    assertEquals(-1L, PREAD.call(fd, buf, 4, 0), "a closed fd");
    assertEquals(Errno.EBADF.intValue(), LibcFunction.errno());
  }

  @Test
  void aPathLongerThanTheBufferIsCopiedWhole() throws Exception {
    // 16 bytes of buffer (above); the path is far longer: the buffer grows and the NUL follows it.
    Path deep = Files.createDirectories(tmp.resolve("a".repeat(100)).resolve("b".repeat(100)));
    Files.writeString(deep.resolve("f"), "x");
    int fd = open(deep.resolve("f"), O_RDONLY);
    assertTrue(fd >= 0, "errno " + LibcFunction.errno());
    CLOSE.call(fd);
    // A shorter path after the long one ends at its own NUL, not at the long one's.
    assertEquals(-1, open(tmp.resolve("a"), O_RDONLY));
    assertEquals(Errno.ENOENT.intValue(), LibcFunction.errno());
  }

  @Test
  void aMissingFunctionFailsWhenBound() {
    UnsatisfiedLinkError e =
        assertThrows(
            UnsatisfiedLinkError.class, () -> LibcFunction.of("no_such_fim_function", Type.SINT));
    assertTrue(e.getMessage().contains("no_such_fim_function"), e.getMessage());
  }

  private static byte[] bytes(Path p) {
    return p.toString().getBytes(StandardCharsets.UTF_8);
  }
}
