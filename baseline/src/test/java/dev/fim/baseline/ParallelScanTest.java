package dev.fim.baseline;

import static dev.fim.baseline.TestFiles.pb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel scan equals a single-thread scan, on a realistic tree from {@code bench/mktree.sh}
 * (sizes up to 32 MiB, symlinks, a FIFO, odd-byte names) plus one flat directory big enough to be
 * split into many chunks.
 */
class ParallelScanTest {
  @TempDir static Path dir;
  static Path tree;

  @BeforeAll
  static void makeTree() throws Exception {
    Path mktree = Path.of(System.getProperty("fim.repo", ".."), "bench", "mktree.sh").normalize();
    assumeTrue(
        Files.isExecutable(mktree) || Files.exists(mktree), "mktree.sh not found at " + mktree);
    tree = dir.resolve("tree");
    TestFiles.sh("bash \"$1\" \"$2\" 1500 >/dev/null 2>&1", mktree.toString(), tree.toString());
    TestFiles.sh(
        "mkdir \"$1/flat\" && cd \"$1/flat\" && for i in $(seq 1 3000); do printf \"$i\" > \"f$i\"; done",
        tree.toString());
  }

  @Test
  @Timeout(300)
  void parallelScanEqualsSingleThreadScan() throws Exception {
    AttributeSet set = TestSelector.DEFAULT.with(Attribute.XATTRS).with(Attribute.SHA256);
    CollectingSink one = ScannerTest.scan(TestSelector.all(set, pb(tree)), 1);
    CollectingSink many = ScannerTest.scan(TestSelector.all(set, pb(tree)), 4);
    assertEquals(java.util.List.of(), one.problems());
    assertEquals(java.util.List.of(), many.problems());
    Map<PathBytes, FileRecord> a = new TreeMap<>(one.records);
    Map<PathBytes, FileRecord> b = new TreeMap<>(many.records);
    assertEquals(a.keySet(), b.keySet());
    for (PathBytes p : a.keySet()) {
      assertEquals(a.get(p), b.get(p), p.display());
    }
    long files = a.values().stream().filter(r -> r.type() == FileType.FILE).count();
    assertEquals(1500 + 3000, files, "mktree's 1500 files and the 3000 flat ones");
    assertEquals(1, a.values().stream().filter(r -> r.type() == FileType.FIFO).count());
    assertEquals(5, a.values().stream().filter(r -> r.type() == FileType.SYMLINK).count());
    assertNotNull(b.get(pb(tree.resolve("flat/f3000"))));
  }
}
