package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.FileChannel;
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
    DropBehind drop;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      drop = DropBehind.of(file, CHUNK);
      try (ReportFile out = new ReportFile(ch, 1 << 12, drop)) {
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
        assertTrue(drop.advising(), "the kernel took the advice on a regular file");
      }
      assertFalse(drop.advising(), "closed with the file");
    }
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
    byte[] data = new byte[CHUNK];
    new Random(3).nextBytes(data);
    Path file = tmp.resolve("report");
    try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ReportFile out = new ReportFile(ch, 1 << 12, DropBehind.of(file, CHUNK))) {
      for (int i = 0; i < 10; i++) {
        out.write(data); // the advice comes after these bytes: they are still dirty
        ch.force(false);
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
    Path file = Files.write(tmp.resolve("f"), new byte[] {1});
    String was = System.getProperty("fim.dropBehind");
    try {
      System.setProperty("fim.dropBehind", "false");
      assertFalse(DropBehind.of(file).advising());
      System.setProperty("fim.dropBehind", "true");
      DropBehind on = DropBehind.of(file);
      assertTrue(on.advising());
      on.close();
    } finally {
      if (was == null) {
        System.clearProperty("fim.dropBehind");
      } else {
        System.setProperty("fim.dropBehind", was);
      }
    }
  }

  @Test
  void aFileThatIsNotThereIsWrittenWithoutAdvice() {
    DropBehind drop = DropBehind.of(tmp.resolve("missing"), CHUNK);
    assertFalse(drop.advising());
    drop.written(3 * CHUNK); // nothing to advise, nothing thrown
    drop.close();
  }

  /** posix_fadvise on a pipe is ESPIPE: the advice stops at the first refusal. */
  @Test
  void aRefusedAdviceIsNotGivenAgain() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mk.waitFor(), "mkfifo");
    DropBehind drop = DropBehind.of(fifo, CHUNK); // O_NONBLOCK: the open does not wait for a writer
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
    Path file = Files.write(tmp.resolve("f"), new byte[] {1});
    long before = openDescriptors();
    for (int i = 0; i < 50; i++) {
      DropBehind d = DropBehind.of(file, CHUNK);
      assertTrue(d.advising());
      d.close();
    }
    assertEquals(before, openDescriptors(), "no descriptor left open");
  }

  private static long openDescriptors() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
