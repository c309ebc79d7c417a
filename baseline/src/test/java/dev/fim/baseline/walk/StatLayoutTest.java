package dev.fim.baseline.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.baseline.TestFiles;
import dev.fim.store.sys.NativeBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code struct stat} layout against the running kernel (arch/x86/include/uapi/asm/stat.h). */
class StatLayoutTest {
  @TempDir Path dir;

  @Test
  void layoutIs144BytesLikeTheX86_64Header() {
    assertEquals(144, StatLayout.X86_64_SIZE);
    // Offsets as the header declares them (u64 dev, ino, nlink; u32 mode, uid, gid, pad; u64 rdev;
    // s64 size, blksize, blocks; three (s64 seconds, s64 nsec) pairs; s64 unused[3]).
    assertEquals(0, StatLayout.ST_DEV);
    assertEquals(8, StatLayout.ST_INO);
    assertEquals(16, StatLayout.ST_NLINK);
    assertEquals(24, StatLayout.ST_MODE);
    assertEquals(28, StatLayout.ST_UID);
    assertEquals(32, StatLayout.ST_GID);
    assertEquals(40, StatLayout.ST_RDEV);
    assertEquals(48, StatLayout.ST_SIZE);
    assertEquals(64, StatLayout.ST_BLOCKS);
    assertEquals(72, StatLayout.ST_ATIME);
    assertEquals(80, StatLayout.ST_ATIME_NSEC);
    assertEquals(88, StatLayout.ST_MTIME);
    assertEquals(96, StatLayout.ST_MTIME_NSEC);
    assertEquals(104, StatLayout.ST_CTIME);
    assertEquals(112, StatLayout.ST_CTIME_NSEC);
    assertEquals(144, StatLayout.ST_CTIME_NSEC + 8 + 3 * 8);
  }

  /** The kernel writes exactly 144 bytes: a guard pattern after them is left alone. */
  @Test
  void kernelWritesExactly144Bytes() throws Exception {
    Path f = TestFiles.write(dir.resolve("f"), new byte[] {1, 2, 3});
    NativeBuffer buf = new NativeBuffer(256);
    for (int i = 0; i < 256; i++) {
      buf.putByte(i, (byte) 0xA5);
    }
    DirCalls calls = new DirCalls();
    int fd = calls.openFile(DirCalls.AT_FDCWD, f.toString().getBytes(), TestFiles.pb(f));
    try {
      assertEquals(0, DirCalls.rawFstat(fd, buf));
    } finally {
      calls.close(fd);
    }
    for (int i = 144; i < 256; i++) {
      assertEquals((byte) 0xA5, buf.getByte(i), "byte " + i + " past struct stat was written");
    }
    assertEquals(3, buf.getLong(48), "st_size at offset 48");
  }

  @Test
  void fieldsMatchJavasUnixAttributes() throws Exception {
    Path f = TestFiles.write(dir.resolve("g"), new byte[5000]);
    Files.setLastModifiedTime(
        f, FileTime.from(1_700_000_000_123_456_789L / 1000, TimeUnit.MICROSECONDS));
    Files.createLink(dir.resolve("g2"), f);
    StatInfo st =
        new DirCalls().lstatAt(DirCalls.AT_FDCWD, f.toString().getBytes(), TestFiles.pb(f));
    Map<String, Object> a = Files.readAttributes(f, "unix:*", LinkOption.NOFOLLOW_LINKS);
    assertEquals(((Number) a.get("ino")).longValue(), st.ino());
    assertEquals(((Number) a.get("dev")).longValue(), st.dev());
    assertEquals(((Number) a.get("mode")).intValue(), st.mode());
    assertEquals(((Number) a.get("nlink")).longValue(), st.nlink());
    assertEquals(2, st.nlink());
    assertEquals(((Number) a.get("uid")).intValue(), st.uid());
    assertEquals(((Number) a.get("gid")).intValue(), st.gid());
    assertEquals(5000, st.size());
    assertEquals(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), st.mtimeNs());
    assertEquals(1_700_000_000_123_456_000L, st.mtimeNs());
    assertEquals(((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), st.ctimeNs());
    assertEquals(true, st.isRegularFile());
  }
}
