package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DropBehind}: a file written through a {@link ReportFile} that advises its pages away is
 * the bytes written, the advice is taken on a regular file and stops, without harm to the writes,
 * where it is refused; its descriptor is closed with the file. (Whether the kernel drops a page
 * depends on its writeback, which no test waits for: the advice's effect is measured in
 * docs/performance.md.)
 */
class DropBehindTest {
  private static final int CHUNK = 64 << 10;

  @TempDir Path tmp;

  @Test
  void aFileWrittenWhileItsPagesAreAdvisedAwayHoldsEveryByte() throws Exception {
    byte[] data = new byte[11 * CHUNK + 12_345]; // past the first window (8 chunks) and a part
    new Random(18).nextBytes(data);
    Path file = tmp.resolve("report");
    ReportFile out = ReportFile.createNew(file, 1 << 12, CHUNK);
    try (out) {
      Random sizes = new Random(5);
      int at = 0;
      while (at < data.length) {
        if (sizes.nextInt(8) == 0) {
          out.write(data[at++]); // single bytes through the buffer
        } else {
          int n = Math.min(data.length - at, 1 + sizes.nextInt(3 * CHUNK / 2)); // some > buffer
          out.write(data, at, n);
          at += n;
        }
      }
      assertTrue(out.advising(), "the kernel took the advice on a regular file");
    }
    assertFalse(out.advising(), "closed with the file");
    assertArrayEquals(data, Files.readAllBytes(file));
  }

  /**
   * Each chunk is written back (fsync) before the next is written, as a fast disk would: then the
   * advice after each chunk leaves only the last one in the page cache ({@code fincore}, where
   * util-linux-extra is installed).
   */
  @Test
  void pagesWrittenBackAreLeftOutOfThePageCache() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/fincore")), "needs fincore (util-linux-extra)");
    // tmpfs (a /tmp of many distributions) keeps its pages whatever the advice: nothing to see
    assumeFalse(
        Files.getFileStore(tmp).type().equals("tmpfs"), "the page cache of tmpfs is its storage");
    byte[] data = new byte[CHUNK];
    new Random(3).nextBytes(data);
    Path file = tmp.resolve("report");
    try (ReportFile out = ReportFile.createNew(file, 1 << 12, CHUNK);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (int i = 0; i < 10; i++) {
        out.write(data); // the advice comes after these bytes: they are still dirty
        out.flush();
        ch.force(false); // the same file's data, written back
      }
      assertEquals(10L * CHUNK, Files.size(file));
      long resident = resident(file);
      assertTrue(resident <= CHUNK, "only the last chunk is cached, not " + resident + " bytes");
    }
  }

  private static long resident(Path file) throws Exception {
    Process p =
        new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), out);
    return Long.parseLong(out);
  }

  @Test
  void itIsOffWithTheProperty() throws Exception {
    String was = System.getProperty("fim.dropBehind");
    try {
      System.setProperty("fim.dropBehind", "false");
      try (ReportFile off = ReportFile.createNew(tmp.resolve("off"), 1 << 12)) {
        assertFalse(off.advising());
      }
      System.setProperty("fim.dropBehind", "true");
      try (ReportFile on = ReportFile.createNew(tmp.resolve("on"), 1 << 12)) {
        assertTrue(on.advising());
      }
    } finally {
      restore(was);
    }
  }

  /**
   * The name is created, never taken over: a symbolic link there (to a file fim could write) or a
   * file already there is refused, with and without the advice, and the link's target is left as it
   * was.
   */
  @Test
  void aNameThatExistsOrIsASymbolicLinkIsNotOpened() throws Exception {
    Path victim = Files.writeString(tmp.resolve("victim"), "keep me\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), victim);
    String was = System.getProperty("fim.dropBehind");
    try {
      for (String advice : new String[] {"true", "false"}) {
        System.setProperty("fim.dropBehind", advice);
        assertThrows(FileAlreadyExistsException.class, () -> ReportFile.createNew(link, 1 << 12));
        assertThrows(FileAlreadyExistsException.class, () -> ReportFile.createNew(victim, 1 << 12));
        assertEquals("keep me\n", Files.readString(victim), "advice " + advice);
      }
    } finally {
      restore(was);
    }
  }

  /**
   * What is written goes to the file created, mode 0600, even when its name is given to another
   * file after the creation (a directory others can write): the writes never open the name again.
   */
  @Test
  void theWritesGoToTheFileCreatedWhateverItsNameNamesLater() throws Exception {
    Path name = tmp.resolve("report");
    Path moved = tmp.resolve("moved");
    try (ReportFile out = ReportFile.createNew(name, 1 << 12, CHUNK)) {
      assertTrue(out.advising(), "created through the C library and /proc/self/fd");
      assertEquals(
          "rw-------",
          java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(name)));
      Files.move(name, moved);
      Files.writeString(name, "another's\n");
      out.write(new byte[3 * CHUNK]);
      out.write("the report\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    assertEquals("another's\n", Files.readString(name));
    assertEquals(3L * CHUNK + 11, Files.size(moved));
  }

  /**
   * A temporary report file made without the advice (a small report's, {@code
   * ComplianceReport.small}) is made as the advised one is: a new name in the directory, mode 0600,
   * every byte written in it; only no advice is given.
   */
  @Test
  void aTemporaryFileWithoutTheAdviceIsMadeTheSameWay() throws Exception {
    for (boolean advise : new boolean[] {true, false}) {
      Path name;
      try (ReportFile out = ReportFile.createTemp(tmp, ".r.", ".tmp", 1 << 12, advise)) {
        assertEquals(advise, out.advising());
        name = out.path();
        assertEquals(tmp, name.getParent());
        assertTrue(name.getFileName().toString().startsWith(".r."), name.toString());
        assertEquals(
            "rw-------",
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(name)));
        out.write(new byte[3 * CHUNK]);
      }
      assertEquals(3L * CHUNK, Files.size(name), "advise " + advise);
      Files.delete(name);
    }
  }

  @Test
  void noneAdvisesNothing() {
    DropBehind drop = DropBehind.none();
    assertFalse(drop.advising());
    drop.written(3 * CHUNK); // nothing to advise, nothing thrown
    drop.close();
  }

  private static void restore(String was) {
    if (was == null) {
      System.clearProperty("fim.dropBehind");
    } else {
      System.setProperty("fim.dropBehind", was);
    }
  }

  /** posix_fadvise on a pipe is ESPIPE: the advice stops at the first refusal. */
  @Test
  void aRefusedAdviceIsNotGivenAgain() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mk.waitFor(), "mkfifo");
    // O_RDONLY | O_NONBLOCK | O_CLOEXEC: the open does not wait for a writer
    dev.fim.store.sys.CString name = new dev.fim.store.sys.CString(256);
    int fd =
        (int) PageCacheNative.OPEN.call(name.put(fifo.toString().getBytes()), 04000 | 02000000, 0);
    java.lang.ref.Reference.reachabilityFence(name);
    assertTrue(fd >= 0, "the FIFO opened");
    DropBehind drop = DropBehind.over(fd, CHUNK);
    assertTrue(drop.advising(), "opened");
    drop.written(CHUNK - 1);
    assertTrue(drop.advising(), "no advice before a whole chunk");
    drop.written(1);
    assertFalse(drop.advising(), "refused (ESPIPE), and the descriptor closed");
    drop.written(5 * CHUNK);
    drop.close();
  }

  @Test
  void itsDescriptorIsClosedWithIt() throws Exception {
    ReportFile.createNew(tmp.resolve("first"), 1 << 12, CHUNK).close(); // its classes' jars opened
    long before = openDescriptors();
    for (int i = 0; i < 50; i++) {
      ReportFile f = ReportFile.createNew(tmp.resolve("f" + i), 1 << 12, CHUNK);
      assertTrue(f.advising());
      f.close();
    }
    assertEquals(before, openDescriptors(), "no descriptor left open");
  }

  private static long openDescriptors() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
