package dev.fim.baseline.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.baseline.TestFiles;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.HashAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XXH3-128 through the system's libxxhash ({@link LibXxhash}) equals fim's Java XXH3 ({@link
 * Xxh3Stream} and zero-allocation-hashing's short inputs) and {@code xxh128sum}, for the
 * short-input boundaries, lengths straddling the read buffer's chunks and XXH3's blocks, and random
 * lengths up to a few MB; both ways through {@link ContentHasher}, one-read and chunked.
 */
class SystemXxhashTest {
  private static final int BUF = 4096;

  @TempDir Path dir;
  private final DirCalls calls = new DirCalls();
  private final LibXxhash system = LibXxhash.load();
  private final List<ContentHasher> hashers = new ArrayList<>();

  @AfterEach
  void free() {
    hashers.forEach(ContentHasher::close);
  }

  static List<Integer> lengths() {
    TreeSet<Integer> lengths = new TreeSet<>();
    for (int n : new int[] {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 127, 128, 129, 239, 240, 241}) {
      lengths.add(n);
    }
    for (int base : new int[] {256, 1024, BUF, 2 * BUF, 3 * BUF, 1 << 20}) {
      for (int d = -65; d <= 65; d++) {
        if (Math.abs(d) <= 2 || Math.abs(d) >= 63) {
          lengths.add(base + d);
        }
      }
    }
    SplittableRandom random = new SplittableRandom(1812);
    for (int i = 0; i < 40; i++) {
      lengths.add(random.nextInt(1 << 16));
    }
    for (int i = 0; i < 10; i++) {
      lengths.add(random.nextInt(4 << 20));
    }
    return new ArrayList<>(lengths);
  }

  @Test
  void theSystemLibraryIsFoundHere() {
    // The bench VM and CI install libxxhash0 (xxhash's dependency): without it every test below
    // would compare Java with Java.
    assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libxxhash.so.0")));
    assertNotNull(system, "libxxhash.so.0 is installed but LibXxhash did not load it");
  }

  @Test
  void aMissingLibraryOrFunctionMeansJava() {
    assertNull(LibXxhash.open("libfim-no-such-xxhash.so.0"), "no such library");
    assertNull(LibXxhash.open("libc.so.6"), "a library without XXH3_128bits");
  }

  @Test
  void libraryJavaAndXxh128sumAgreeOnEveryLength() throws Exception {
    assumeTrue(system != null, "no libxxhash.so.0 on this system: nothing to compare");
    byte[] content = new byte[4 << 20];
    new SplittableRandom(18).nextBytes(content);
    ContentHasher viaLibrary = hasher(system, BUF);
    ContentHasher viaJava = hasher(null, BUF);
    ContentHasher viaLibraryWhole = hasher(system, 8 << 20);
    ContentHasher viaJavaWhole = hasher(null, 8 << 20);
    Map<Path, String> expected = new HashMap<>();
    List<String> files = new ArrayList<>();
    for (int len : lengths()) {
      Path f = dir.resolve("f" + len);
      Files.write(f, java.util.Arrays.copyOf(content, len));
      String java = hex(viaJava, f, len);
      assertEquals(java, hex(viaJavaWhole, f, len), "Java, chunked vs one read, length " + len);
      assertEquals(java, hex(viaLibrary, f, len), "library vs Java, chunked, length " + len);
      assertEquals(java, hex(viaLibraryWhole, f, len), "library vs Java, one read, length " + len);
      expected.put(f, java);
      files.add(f.toString());
    }
    assumeTrue(
        TestFiles.ensureTool("xxh128sum", "xxhash"), "xxh128sum is not installed: not compared");
    String out = TestFiles.sh("cd \"$1\" && xxh128sum f*", dir.toString());
    int compared = 0;
    for (String line : out.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      assertEquals(expected.get(dir.resolve(fields[1])), fields[0], "xxh128sum " + fields[1]);
      compared++;
    }
    assertEquals(files.size(), compared);
  }

  /**
   * A file shorter than its size (it shrank during the hash) is truncated after two chunks went
   * into the library's state, with no digest; the next file through the same hasher starts afresh.
   */
  @Test
  void aFileThatShrankMidStreamGivesNoDigestAndTheNextFileHashesRight() throws Exception {
    assumeTrue(system != null, "no libxxhash.so.0 on this system");
    byte[] content = new byte[3 * BUF + 5];
    new SplittableRandom(3).nextBytes(content);
    Path shrunk = Files.write(dir.resolve("shrunk"), java.util.Arrays.copyOf(content, 10_000));
    Path whole = Files.write(dir.resolve("whole"), content);
    ContentHasher viaLibrary = hasher(system, BUF);
    int fd = calls.openFile(DirCalls.AT_FDCWD, shrunk.toString().getBytes(), TestFiles.pb(shrunk));
    try {
      HashResult r =
          viaLibrary.hash(
              fd, content.length, List.of(HashAlgorithm.XXH3_128), TestFiles.pb(shrunk));
      assertTrue(r.truncated());
      assertEquals(10_000, r.bytesRead());
      assertEquals(List.of(), r.digests());
    } finally {
      calls.close(fd);
    }
    assertEquals(
        hex(hasher(null, BUF), whole, content.length), hex(viaLibrary, whole, content.length));
  }

  private ContentHasher hasher(LibXxhash lib, int bufferSize) {
    ContentHasher h = new ContentHasher(bufferSize, lib);
    hashers.add(h);
    return h;
  }

  private String hex(ContentHasher hasher, Path f, int len) throws Exception {
    int fd = calls.openFile(DirCalls.AT_FDCWD, f.toString().getBytes(), TestFiles.pb(f));
    try {
      return hasher
          .hash(fd, len, List.of(HashAlgorithm.XXH3_128), TestFiles.pb(f))
          .digests()
          .get(0)
          .hex();
    } finally {
      calls.close(fd);
    }
  }
}
