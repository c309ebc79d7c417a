package dev.fim.baseline.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.baseline.TestFiles;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.HashAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Digests against the reference tools: {@code xxh128sum} (Debian package xxhash, installed when
 * missing and we are root), {@code sha256sum} and {@code sha512sum} (coreutils), across the
 * one-read/chunked boundary of a 64 KiB buffer.
 */
class ContentHasherTest {
  private static final int BUF = 64 * 1024;
  private static boolean xxhsum;

  @TempDir Path dir;
  private final ContentHasher hasher = new ContentHasher(BUF);
  private final DirCalls calls = new DirCalls();

  @BeforeAll
  static void tools() {
    xxhsum = TestFiles.ensureTool("xxh128sum", "xxhash");
  }

  @AfterEach
  void free() {
    hasher.close();
  }

  static Stream<Integer> sizes() {
    return Stream.of(
        0,
        1,
        4095,
        BUF - 1,
        BUF,
        BUF + 1,
        2 * BUF + 63,
        2 * BUF + 64,
        3 * BUF + 7,
        5 * 1024 * 1024 + 3);
  }

  @ParameterizedTest(name = "{0} bytes")
  @MethodSource("sizes")
  void matchesTheReferenceTools(int size) throws Exception {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    Path f = Files.write(dir.resolve("f" + size), content);
    HashResult r =
        hash(f, size, List.of(HashAlgorithm.XXH3_128, HashAlgorithm.SHA256, HashAlgorithm.SHA512));
    assertFalse(r.truncated());
    assertEquals(size, r.bytesRead());
    assertEquals(tool("sha256sum", f), r.digests().get(1).hex(), "sha256");
    assertEquals(tool("sha512sum", f), r.digests().get(2).hex(), "sha512");
    assumeTrue(
        xxhsum,
        "xxh128sum is not installed and could not be installed (apt-get install xxhash): XXH3 not checked");
    assertEquals(tool("xxh128sum", f), r.digests().get(0).hex(), "xxh3_128 vs xxh128sum");
  }

  /**
   * A sparse file past 2 GiB streams through the native buffer, never into the heap (the test JVM
   * runs with -Xmx512m), and hashes like the tools, which read its holes as zeros.
   */
  @Test
  @Timeout(300)
  void sparseFileLargerThan2GiB() throws Exception {
    Path f = dir.resolve("sparse");
    TestFiles.sh(
        "truncate -s 2200M \"$1\" && printf tail >> \"$1\" && printf head | dd of=\"$1\" conv=notrunc status=none",
        f.toString());
    long size = Files.size(f);
    HashResult r = hash(f, size, List.of(HashAlgorithm.XXH3_128, HashAlgorithm.SHA256));
    assertEquals(size, r.bytesRead());
    assertEquals(tool("sha256sum", f), r.digests().get(1).hex(), "sha256");
    assumeTrue(xxhsum, "xxh128sum is not installed and could not be installed: XXH3 not checked");
    assertEquals(tool("xxh128sum", f), r.digests().get(0).hex());
  }

  /**
   * The streaming XXH3-128 ({@link Xxh3Stream}, and the system's libxxhash when present) equals
   * zero-allocation-hashing's one-shot function for every length from 1 to 5 buffers of 4 KiB: all
   * block, stripe and chunk boundaries, including a last chunk shorter than one 64-byte stripe.
   */
  @Test
  void chunkedXxh3EqualsOneShotForEveryLength() throws Exception {
    byte[] content = new byte[5 * 4096 + 200];
    new Random(7).nextBytes(content);
    Path f = Files.write(dir.resolve("lengths"), content);
    net.openhft.hashing.LongTupleHashFunction lib =
        net.openhft.hashing.LongTupleHashFunction.xx128();
    try (ContentHasher small = new ContentHasher(4096, null);
        ContentHasher system = new ContentHasher(4096)) {
      int fd = calls.openFile(DirCalls.AT_FDCWD, f.toString().getBytes(), TestFiles.pb(f));
      try {
        for (int len = 1; len <= content.length; len++) {
          long[] expected = lib.hashBytes(content, 0, len);
          HashResult r = small.hash(fd, len, List.of(HashAlgorithm.XXH3_128), TestFiles.pb(f));
          String hex = String.format("%016x%016x", expected[1], expected[0]);
          if (!hex.equals(r.digests().get(0).hex())) {
            assertEquals(hex, r.digests().get(0).hex(), "length " + len);
          }
          r = system.hash(fd, len, List.of(HashAlgorithm.XXH3_128), TestFiles.pb(f));
          if (!hex.equals(r.digests().get(0).hex())) {
            assertEquals(hex, r.digests().get(0).hex(), "system libxxhash, length " + len);
          }
        }
      } finally {
        calls.close(fd);
      }
    }
  }

  /** A file shorter than the size it is hashed for (it shrank after the fstat) gives no digest. */
  @Test
  void aFileThatShrankIsTruncatedNotHashed() throws Exception {
    Path f = Files.write(dir.resolve("shrunk"), new byte[10_000]);
    HashResult small = hash(f, 20_000, List.of(HashAlgorithm.XXH3_128));
    assertEquals(true, small.truncated());
    assertEquals(List.of(), small.digests());
    HashResult big = hash(f, 200_000, List.of(HashAlgorithm.SHA256));
    assertEquals(true, big.truncated());
  }

  private HashResult hash(Path f, long size, List<HashAlgorithm> algorithms) throws Exception {
    int fd = calls.openFile(DirCalls.AT_FDCWD, f.toString().getBytes(), TestFiles.pb(f));
    try {
      return hasher.hash(fd, size, algorithms, TestFiles.pb(f));
    } finally {
      calls.close(fd);
    }
  }

  private static String tool(String tool, Path f) throws Exception {
    String out = TestFiles.sh(tool + " \"$1\"", f.toString());
    return out.substring(0, out.indexOf(' '));
  }
}
