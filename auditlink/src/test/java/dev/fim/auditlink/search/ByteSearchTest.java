package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The word-at-a-time needle search against a byte-by-byte one, needles planted anywhere (edges
 * too).
 */
class ByteSearchTest {
  private static final byte[] KEY = "fim-bench".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_HEX = Prefilter.hex(KEY);

  @Test
  void oneAndTwoNeedlesFindWhatANaiveSearchFinds(@TempDir Path dir) throws IOException {
    findsWhatANaiveSearchFinds(dir, false);
  }

  /** The same with libc's memmem, which the search uses by default on this host. */
  @Test
  void oneAndTwoNeedlesFindWhatANaiveSearchFindsWithLibcMemmem(@TempDir Path dir)
      throws IOException {
    org.junit.jupiter.api.Assertions.assertTrue(
        LibcMemmem.bind(), "jffi finds memmem in the JVM's own C library");
    org.junit.jupiter.api.Assertions.assertTrue(LibcMemmem.ready());
    org.junit.jupiter.api.Assertions.assertTrue(new NativeBytes(16).searchesWithLibc());
    findsWhatANaiveSearchFinds(dir, true);
  }

  /**
   * The same with libc's strstr wherever the data holds no NUL (which would end it for strstr):
   * half the rounds have none, the other half may, and those must fall back to memmem.
   */
  @Test
  void oneAndTwoNeedlesFindWhatANaiveSearchFindsWithLibcStrstr(@TempDir Path dir)
      throws IOException {
    assertTrue(LibcMemmem.bind() && LibcMemmem.strstrReady(), "libc strstr bound on this host");
    findsWhatANaiveSearchFinds(dir, true, NativeBytes.LibcSearch.STRSTR);
  }

  private static void findsWhatANaiveSearchFinds(Path dir, boolean libc) throws IOException {
    findsWhatANaiveSearchFinds(dir, libc, NativeBytes.LibcSearch.MEMMEM);
  }

  private static void findsWhatANaiveSearchFinds(
      Path dir, boolean libc, NativeBytes.LibcSearch chunkSearch) throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    Path file = dir.resolve("log");
    NativeBytes mem = new NativeBytes(300, libc, chunkSearch);
    for (int round = 0; round < 3000; round++) {
      int len = rnd.nextInt(0, 300);
      byte[] b = new byte[len];
      // A small alphabet that shares the needles' first and last bytes: many near misses; and NUL
      // in every other round, which must not end the data for memmem (a hostile log may hold any
      // byte) and which strstr must never be given.
      byte[] alphabet =
          (round % 2 == 0 ? "fh6822DEim-bench1234)\0" : "fh6822DEim-bench1234)")
              .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < len; i++) b[i] = alphabet[rnd.nextInt(alphabet.length)];
      for (int k = rnd.nextInt(4); k > 0; k--) {
        byte[] n = rnd.nextBoolean() ? KEY : KEY_HEX;
        if (len >= n.length) System.arraycopy(n, 0, b, rnd.nextInt(len - n.length + 1), n.length);
      }
      int starts = len == 0 ? 0 : rnd.nextInt(len + 1);
      mem.put(b, 0, len);
      Files.write(file, b);
      byte[][][] sets = {
        {KEY, KEY_HEX},
        {KEY_HEX, KEY},
        {KEY},
        {"1234)".getBytes(StandardCharsets.US_ASCII)},
        {"f".getBytes(StandardCharsets.US_ASCII), "h".getBytes(StandardCharsets.US_ASCII)},
        // A needle holding a NUL: never given to strstr (a C string would end there).
        {KEY, "4)\0f".getBytes(StandardCharsets.US_ASCII)}
      };
      for (byte[][] needles : sets) {
        WindowedSearch.LongList got = new WindowedSearch.LongList();
        mem.search(needles, starts, 1000, got);
        long[] g = Arrays.copyOf(got.a, got.n);
        Arrays.sort(g);
        assertArrayEquals(
            naive(b, len, needles, starts, 1000),
            g,
            "round " + round + " " + new String(b, StandardCharsets.US_ASCII));
        // The same read from a file with pread in small pieces (the serial search around a
        // candidate).
        if (needles.length == 1) {
          // Any byte of the needle compared first (the serial search uses the one before ')').
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int check = 0; check < needles[0].length; check++) {
              WindowedSearch.LongList viaFile = new WindowedSearch.LongList();
              WindowedSearch.search(
                  ch,
                  len,
                  needles[0],
                  check,
                  0,
                  starts,
                  viaFile,
                  new NativeBytes(needles[0].length + 7, libc));
              long[] v = Arrays.copyOf(viaFile.a, viaFile.n);
              assertArrayEquals(
                  naive(b, len, needles, starts, 0),
                  v,
                  "file, check " + check + ", round " + round);
            }
          }
        }
      }
    }
  }

  /**
   * A part's chunks: the first {@link NativeBytes#TRIALS} of at least {@link
   * NativeBytes#TRIAL_BYTES} are searched with memmem and strstr in turn and timed, the rest with
   * the faster; whichever way a chunk goes, it gives what a naive search gives (needles at both
   * edges, one cut by the end of the data, one starting just past the starts asked for, and a chunk
   * with a NUL byte).
   */
  @Test
  void theMeasuredChoiceFindsTheSamePositionsBeforeAndAfterChoosing() {
    assertTrue(LibcMemmem.bind() && LibcMemmem.strstrReady(), "libc strstr bound on this host");
    int len = NativeBytes.TRIAL_BYTES + 100;
    NativeBytes mem = new NativeBytes(len, true);
    SplittableRandom rnd = new SplittableRandom(3);
    byte[] alphabet =
        "type=SYSCALL msg=audit(17.0:1): fim-benc 66696D2D".getBytes(StandardCharsets.US_ASCII);
    byte[][] needles = {KEY, KEY_HEX};
    for (int chunk = 0; chunk < NativeBytes.TRIALS + 6; chunk++) {
      byte[] b = new byte[len];
      for (int i = 0; i < len; i++) b[i] = alphabet[rnd.nextInt(alphabet.length)];
      System.arraycopy(KEY, 0, b, 0, KEY.length);
      System.arraycopy(KEY_HEX, 0, b, len - KEY_HEX.length, KEY_HEX.length);
      System.arraycopy(KEY, 0, b, len - KEY.length + 3, KEY.length - 3); // cut by the end
      System.arraycopy(KEY, 0, b, 5000, KEY.length);
      if (chunk == NativeBytes.TRIALS + 2) b[rnd.nextInt(len)] = 0;
      int starts = chunk % 3 == 0 ? 5000 : len;
      mem.put(b, 0, len);
      WindowedSearch.LongList got = new WindowedSearch.LongList();
      mem.search(needles, starts, 7, got);
      long[] g = Arrays.copyOf(got.a, got.n);
      Arrays.sort(g);
      assertArrayEquals(naive(b, len, needles, starts, 7), g, "chunk " + chunk);
      if (chunk < NativeBytes.TRIALS - 1) {
        assertEquals(null, mem.chunkSearchChoice(), "still choosing after " + (chunk + 1));
      } else {
        assertTrue(mem.chunkSearchChoice() != null, "chosen after " + NativeBytes.TRIALS);
      }
    }
    // Shorter chunks are not timed: they leave the choice open.
    NativeBytes small = new NativeBytes(1000, true);
    for (int i = 0; i < 2 * NativeBytes.TRIALS; i++) {
      small.put(new byte[1000], 0, 1000);
      small.search(needles, 1000, 0, new WindowedSearch.LongList());
    }
    assertEquals(null, small.chunkSearchChoice());
  }

  /**
   * The serial search around a candidate runs on the block in hand from an offset into it ({@link
   * FileBytes#lend}): it finds what a naive search of the data from that offset finds, and no match
   * that would end past the data, with the Java loops and with libc's memmem.
   */
  @Test
  void aSearchFromAnOffsetFindsWhatANaiveSearchFinds() {
    assertTrue(LibcMemmem.bind() && LibcMemmem.ready(), "libc memmem bound on this host");
    SplittableRandom rnd = new SplittableRandom(11);
    byte[] alphabet = "fh6822DEim-bench1234)\0".getBytes(StandardCharsets.US_ASCII);
    byte[] serial = "1234)".getBytes(StandardCharsets.US_ASCII);
    for (boolean libc : new boolean[] {false, true}) {
      NativeBytes mem = new NativeBytes(300, libc);
      for (int round = 0; round < 2000; round++) {
        int len = rnd.nextInt(0, 300);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = alphabet[rnd.nextInt(alphabet.length)];
        for (int k = rnd.nextInt(4); k > 0; k--) {
          if (len >= serial.length) {
            System.arraycopy(serial, 0, b, rnd.nextInt(len - serial.length + 1), serial.length);
          }
        }
        mem.put(b, 0, len);
        int from = rnd.nextInt(len + 1);
        int starts = rnd.nextInt(len - from + 2);
        int check = rnd.nextInt(serial.length);
        WindowedSearch.LongList got = new WindowedSearch.LongList();
        mem.search(serial, check, from, starts, 5000, got);
        byte[] tail = Arrays.copyOfRange(b, from, len);
        assertArrayEquals(
            naive(tail, tail.length, new byte[][] {serial}, Math.min(starts, tail.length), 5000),
            Arrays.copyOf(got.a, got.n),
            "libc " + libc + ", round " + round + ", from " + from + ", starts " + starts);
      }
      NativeBytes m = mem;
      m.put(new byte[10], 0, 10);
      org.junit.jupiter.api.Assertions.assertThrows(
          IndexOutOfBoundsException.class,
          () -> m.search(serial, 0, 11, 1, 0, new WindowedSearch.LongList()));
      org.junit.jupiter.api.Assertions.assertThrows(
          IndexOutOfBoundsException.class,
          () -> m.search(serial, 0, -1, 1, 0, new WindowedSearch.LongList()));
    }
  }

  /** Copies out of the block in hand are bounded by its data and by the destination. */
  @Test
  void copiesOutsideTheDataAreRefused() {
    NativeBytes mem = new NativeBytes(16);
    mem.put("0123456789".getBytes(StandardCharsets.US_ASCII), 0, 10);
    byte[] dst = new byte[12];
    mem.copyTo(3, dst, 2, 7);
    assertEquals("3456789", new String(dst, 2, 7, StandardCharsets.US_ASCII));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.copyTo(4, dst, 0, 7));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.copyTo(-1, dst, 0, 2));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.copyTo(0, dst, 8, 5));
  }

  @Test
  void readsOutsideTheDataAreRefused() {
    NativeBytes mem = new NativeBytes(16);
    mem.put(new byte[10], 0, 10);
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.get(10));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.get(-1));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.startsWith(5, new byte[6]));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> mem.put(new byte[17], 0, 17));
  }

  private static long[] naive(byte[] b, int len, byte[][] needles, int starts, int at) {
    return LongStream.range(0, starts)
        .filter(
            k -> {
              for (byte[] n : needles) {
                if (k + n.length <= len
                    && Arrays.equals(b, (int) k, (int) k + n.length, n, 0, n.length)) return true;
              }
              return false;
            })
        .map(k -> k + at)
        .flatMap(
            k -> {
              int count = 0;
              for (byte[] n : needles) {
                if (k - at + n.length <= len
                    && Arrays.equals(b, (int) (k - at), (int) (k - at) + n.length, n, 0, n.length))
                  count++;
              }
              return LongStream.range(0, count)
                  .map(x -> k); // a position where both needles start counts twice
            })
        .toArray();
  }

  @Test
  void lineStartAndEndThroughSmallProbes(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("lines");
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[rnd.nextInt(1, 200)];
      for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(8) == 0 ? (byte) '\n' : (byte) 'x';
      Files.write(file, b);
      byte[] probe = new byte[1 + rnd.nextInt(9)];
      int at = rnd.nextInt(b.length);
      int start = at;
      while (start > 0 && b[start - 1] != '\n') start--;
      int end = at;
      while (end < b.length && b[end] != '\n') end++;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        FileBytes bb = new FileBytes(ch, file, b.length);
        org.junit.jupiter.api.Assertions.assertEquals(
            start, WindowedSearch.lineStart(bb, at, probe), "start, round " + round);
        org.junit.jupiter.api.Assertions.assertEquals(
            end, WindowedSearch.lineEnd(bb, at, probe), "end, round " + round);
      }
    }
  }

  @Test
  void fileBytesReadAcrossBlocksAndEvictions(@TempDir Path dir) throws IOException {
    SplittableRandom rnd = new SplittableRandom(13);
    byte[] content = new byte[FileBytes.BLOCK * 9 + 123]; // more blocks than are cached
    rnd.nextBytes(content);
    Path file = dir.resolve("blocks");
    Files.write(file, content);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileBytes fb = new FileBytes(ch, file, content.length);
      for (int round = 0; round < 5000; round++) {
        int len = rnd.nextInt(0, 3 * FileBytes.BLOCK);
        int at = rnd.nextInt(0, content.length - len + 1);
        byte[] got = new byte[len + 2];
        fb.get(at, got, 1, len);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            Arrays.copyOfRange(content, at, at + len),
            Arrays.copyOfRange(got, 1, len + 1),
            "round " + round + " at " + at + " len " + len);
      }
      org.junit.jupiter.api.Assertions.assertThrows(
          IndexOutOfBoundsException.class, () -> fb.get(content.length - 1, new byte[2], 0, 2));
    }
    // A file truncated after it was sized: a clear error, not stale or zero bytes.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileBytes fb = new FileBytes(ch, file, content.length);
      try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
        w.truncate(FileBytes.BLOCK + 10);
      }
      IOException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IOException.class, () -> fb.get(FileBytes.BLOCK * 3, new byte[1], 0, 1));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().startsWith(file + " is shorter") && e.getMessage().contains("truncated"),
          e.getMessage());
    }
  }

  @Test
  void usedOnlyWhereItIsCorrectAndQuiet() {
    // Little-endian word order is what the first-flagged-byte arithmetic assumes; from Java 23
    // on, Unsafe's memory access is deprecated for removal (warnings on stderr from 24).
    org.junit.jupiter.api.Assertions.assertTrue(
        NativeBytes.usable(17, java.nio.ByteOrder.LITTLE_ENDIAN));
    org.junit.jupiter.api.Assertions.assertTrue(
        NativeBytes.usable(22, java.nio.ByteOrder.LITTLE_ENDIAN));
    org.junit.jupiter.api.Assertions.assertFalse(
        NativeBytes.usable(23, java.nio.ByteOrder.LITTLE_ENDIAN));
    org.junit.jupiter.api.Assertions.assertFalse(
        NativeBytes.usable(17, java.nio.ByteOrder.BIG_ENDIAN));
    // This build's JVM (17 on x86-64) has it, so the windowed search runs in these tests.
    org.junit.jupiter.api.Assertions.assertEquals(
        NativeBytes.usable(Runtime.version().feature(), java.nio.ByteOrder.nativeOrder()),
        NativeBytes.AVAILABLE);
  }

  @Test
  void badArgumentsAreRefusedNotReadPast() {
    NativeBytes mem = new NativeBytes(32);
    mem.put(new byte[20], 0, 20);
    byte[] needle = "abc".getBytes(StandardCharsets.US_ASCII);
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> mem.search(needle, 3, 20, 0, new WindowedSearch.LongList()));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () ->
            WindowedSearch.search(
                null, 100, needle, 0, 0, 100, new WindowedSearch.LongList(), new NativeBytes(2)));
  }
}
