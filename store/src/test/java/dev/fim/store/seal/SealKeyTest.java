package dev.fim.store.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 9 and the key half of defect 4: what is read as a seal key is checked before a
 * byte is read, and a key is written atomically.
 */
class SealKeyTest {
  @TempDir Path tmp;

  private static boolean root() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  private Path privateKey(String name, int size) throws IOException {
    Path k = tmp.resolve(name);
    Files.write(k, new byte[size]);
    Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
    return k;
  }

  private static IOException refused(Path k) {
    // A bound on the time: before the fix a FIFO blocked in open() for ever.
    return assertTimeoutPreemptively(
        Duration.ofSeconds(20), () -> assertThrows(IOException.class, () -> SealKey.load(k)));
  }

  @Test
  void devZeroIsRefusedNotReadUntilMemoryRunsOut() {
    IOException e = refused(Path.of("/dev/zero"));
    assertTrue(e.getMessage().contains("/dev/zero is not a regular file"), e.getMessage());
  }

  @Test
  void fifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = tmp.resolve("fifo.key");
    assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor());
    IOException e = refused(fifo);
    assertTrue(e.getMessage().contains(fifo + " is not a regular file"), e.getMessage());
  }

  @Test
  void symlinkIsRefusedEvenToAGoodKey() throws Exception {
    Path good = privateKey("good.key", SealKey.LENGTH);
    Path link = Files.createSymbolicLink(tmp.resolve("link.key"), good);
    IOException e = refused(link);
    assertTrue(e.getMessage().contains(link + " is a symbolic link"), e.getMessage());
    assertThrows(
        IOException.class,
        () -> SealKey.loadOrCreate(link),
        "nor is one replaced or written through");
  }

  @Test
  void onlyExactlyTheKeySizeIsAKey() throws Exception {
    for (int size : new int[] {0, 31, 33, 1 << 20}) {
      Path k = privateKey("k" + size, size);
      IOException e = refused(k);
      assertTrue(
          e.getMessage().contains(k + " has " + size + " bytes, expected 32"), e.getMessage());
    }
    assertEquals(32, SealKey.load(privateKey("ok", 32)).bytes().length);
  }

  @Test
  void keyReadableOrWritableByOthersIsRefused() throws Exception {
    for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-"}) {
      Path k = privateKey("k-" + mode, SealKey.LENGTH);
      Files.setPosixFilePermissions(k, PosixFilePermissions.fromString(mode));
      IOException e = refused(k);
      assertTrue(
          e.getMessage().contains("has mode " + mode) && e.getMessage().contains("chmod 600 " + k),
          e.getMessage());
    }
  }

  @Test
  @Tag("kernel")
  void keyOwnedByAnotherUserIsRefused() throws Exception {
    assumeTrue(root(), "needs root to give the key to another user");
    Path k = privateKey("nobody.key", SealKey.LENGTH);
    Files.setAttribute(k, "unix:uid", 65534);
    IOException e = refused(k);
    assertTrue(e.getMessage().contains("belongs to uid 65534"), e.getMessage());
  }

  @Test
  void createdKeyIsPrivateDurableAndLeavesNoTemporaryFile() throws Exception {
    Path k = tmp.resolve("new/seal.key");
    SealKey created = SealKey.loadOrCreate(k);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(k)));
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(k.getParent())));
    assertArrayEquals(created.bytes(), SealKey.load(k).bytes());
    try (Stream<Path> s = Files.list(k.getParent())) {
      assertEquals(1, s.count(), "only the key");
    }
    assertArrayEquals(created.bytes(), SealKey.loadOrCreate(k).bytes(), "an existing key is kept");
  }

  /**
   * The key is checked by name, then read by name: whoever may rename entries in its directory
   * swaps their own key in between (a regular 0600 file of 32 bytes, theirs), and fim seals with a
   * key they know. A directory others may write (without the sticky bit), here or above, is refused
   * before anything is read or created.
   */
  @Test
  void keyInADirectoryOthersMayWriteIsRefused() throws Exception {
    Path open = Files.createDirectories(tmp.resolve("open/keys"));
    Files.setPosixFilePermissions(
        tmp.resolve("open"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Path k = privateKey("open/keys/seal.key", SealKey.LENGTH);
    IOException e = refused(k);
    assertTrue(
        e.getMessage().contains("directory " + tmp.resolve("open") + " has mode 0777")
            && e.getMessage().contains("chmod go-w"),
        e.getMessage());
    IOException made =
        assertThrows(IOException.class, () -> SealKey.loadOrCreate(open.resolve("new.key")));
    assertTrue(made.getMessage().contains("has mode 0777"), made.getMessage());
    assertFalse(Files.exists(open.resolve("new.key")), "no key is created there either");
    // With the sticky bit (as /tmp) only an entry's owner may rename or remove it: the key is used.
    Files.setPosixFilePermissions(
        tmp.resolve("open"), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(
        0, new ProcessBuilder("chmod", "1777", tmp.resolve("open").toString()).start().waitFor());
    assertArrayEquals(new byte[SealKey.LENGTH], SealKey.load(k).bytes());
  }

  /** A full disk used to leave an empty key file behind, which broke every later init. */
  @Test
  @Tag("kernel")
  void keyOnAFullDiskLeavesNoFileBehind() throws Exception {
    assumeTrue(root(), "needs root to mount a small tmpfs");
    Path small = Files.createDirectories(tmp.resolve("small"));
    assertEquals(
        0,
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
            .start()
            .waitFor());
    try {
      Path filler = small.resolve("filler");
      try (var out = Files.newOutputStream(filler)) {
        byte[] block = new byte[4096];
        while (true) {
          out.write(block);
        }
      } catch (IOException full) {
        // the disk is full now
      }
      Path k = small.resolve("seal.key");
      IOException e = assertThrows(IOException.class, () -> SealKey.loadOrCreate(k));
      assertTrue(
          e.getMessage().contains("seal key " + k + " cannot be created")
              && e.getMessage().contains("No space left on device"),
          e.getMessage());
      try (Stream<Path> s = Files.list(small)) {
        assertEquals(1, s.count(), "only the filler: no empty key, no temporary file");
      }
      Files.delete(filler);
      SealKey made = SealKey.loadOrCreate(k);
      assertArrayEquals(made.bytes(), SealKey.load(k).bytes(), "with space again a key is made");
      assertFalse(Files.size(k) == 0);
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }
}
