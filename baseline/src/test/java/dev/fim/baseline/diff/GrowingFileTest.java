package dev.fim.baseline.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fim.baseline.PathCapture;
import dev.fim.baseline.select.Config;
import dev.fim.baseline.select.ConfigParser;
import dev.fim.store.AttributeChange;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 14: AIDE 0.18's {@code growing} (gen_list.c get_changed_attributes), on real files: a
 * larger size, mtime or ctime is no change, and a new hash is none when the file's first old-size
 * bytes, read again from the same inode, hash as before. Before, fim read {@code growing} as {@code
 * S} (size only): an appended log under {@code Full+growing} (Debian's ActLog) reported mtime,
 * ctime and content.
 */
class GrowingFileTest {
  @TempDir Path dir;

  private FileRecord capture(String rules, Path file) throws Exception {
    Config c =
        ConfigParser.parse(
            rules.replace("@T", dir.toString()).getBytes(StandardCharsets.UTF_8),
            "t.conf",
            w -> {});
    try (PathCapture pc = new PathCapture(c.selector(), 1 << 16)) {
      return pc.capture(PathBytes.ofUtf8(file.toString())).record();
    }
  }

  private static List<String> labels(Differ.Difference d) {
    return d == null ? List.of() : d.changes().stream().map(AttributeChange::attribute).toList();
  }

  private Differ.Difference appendAndCompare(String rules, String before, String appended)
      throws Exception {
    Path f = dir.resolve("log");
    Files.writeString(f, before);
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000));
    FileRecord old = capture(rules, f);
    Files.writeString(f, appended, StandardOpenOption.APPEND);
    FileRecord now = capture(rules, f);
    return Differ.compare(PathBytes.ofUtf8(f.toString()), old, now, new FilePrefixHasher());
  }

  @Test
  void appendedFileUnderGrowingIsNoChange() throws Exception {
    assertNull(appendAndCompare("@T p+u+g+s+m+c+i+sha256+xxh3+growing", "line 1\n", "line 2\n"));
  }

  @Test
  void sameAppendWithoutGrowingIsSizeMtimeCtimeAndContent() throws Exception {
    assertEquals(
        List.of("content", "size", "mtime", "ctime"),
        labels(appendAndCompare("@T p+s+m+c+sha256", "line 1\n", "line 2\n")));
  }

  @Test
  void rewrittenPrefixOfAGrowingFileIsAContentChange() throws Exception {
    String rules = "@T s+m+c+sha256+growing";
    Path f = dir.resolve("log");
    Files.writeString(f, "line 1\n");
    FileRecord old = capture(rules, f);
    Files.writeString(f, "LINE 1\nline 2\n"); // same inode, old bytes overwritten, then grown
    FileRecord now = capture(rules, f);
    assertEquals(
        List.of("content"),
        labels(Differ.compare(PathBytes.ofUtf8(f.toString()), old, now, new FilePrefixHasher())));
  }

  @Test
  void grownFileSwappedAfterTheScanIsNotVouchedFor() throws Exception {
    String rules = "@T s+sha256+growing";
    Path f = dir.resolve("log");
    Files.writeString(f, "line 1\n");
    FileRecord old = capture(rules, f);
    Files.writeString(f, "line 1\nline 2\n", StandardOpenOption.APPEND);
    FileRecord now = capture(rules, f);
    // Another file with the right prefix takes the name between the scan and the prefix read.
    Path other = dir.resolve("other");
    Files.writeString(other, "line 1\nline 1\nline 2\n");
    Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(
        List.of("content"),
        labels(Differ.compare(PathBytes.ofUtf8(f.toString()), old, now, new FilePrefixHasher())));
  }

  @Test
  void growingFileThatWasEmptyMayGetAnyContent() throws Exception {
    assertNull(appendAndCompare("@T s+m+sha256+growing", "", "anything\n"));
  }

  @Test
  void shrunkGrowingFileAndAnOlderMtimeAreChanges() throws Exception {
    String rules = "@T s+m+growing";
    Path f = dir.resolve("log");
    Files.writeString(f, "line 1\nline 2\n");
    FileRecord old = capture(rules, f);
    Files.writeString(f, "x\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_000));
    FileRecord now = capture(rules, f);
    assertEquals(
        List.of("size", "mtime"),
        labels(Differ.compare(PathBytes.ofUtf8(f.toString()), old, now, new FilePrefixHasher())));
  }

  @Test
  void withoutThePathAGrownHashIsAChange() throws Exception {
    String rules = "@T sha256+growing";
    Path f = dir.resolve("log");
    Files.writeString(f, "line 1\n");
    FileRecord old = capture(rules, f);
    Files.writeString(f, "line 2\n", StandardOpenOption.APPEND);
    Differ.Difference d = Differ.compare(old, capture(rules, f));
    assertNotNull(d);
    assertEquals(List.of("content"), labels(d));
  }

  @Test
  void capitalSAloneAllowsGrowthAndSPlusCapitalSReportsIt() throws Exception {
    assertNull(appendAndCompare("@T S", "a\n", "b\n"));
    assertEquals(List.of("size"), labels(appendAndCompare("@T s+S", "a\n", "b\n")));
  }
}
