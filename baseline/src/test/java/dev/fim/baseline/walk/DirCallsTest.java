package dev.fim.baseline.walk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.baseline.TestFiles;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DirCallsTest {
  @TempDir Path dir;
  final DirCalls calls = new DirCalls();

  private byte[] bytes(Path p) {
    return p.toString().getBytes();
  }

  @Test
  void listsOddByteNamesExactlyWithTheirTypes() throws Exception {
    TestFiles.writeRaw(dir, TestFiles.NAME_FF, "a");
    TestFiles.writeRaw(dir, TestFiles.NAME_NEWLINE, "b");
    TestFiles.writeRaw(dir, TestFiles.NAME_E_ACUTE, "c");
    Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("link"), Path.of("sub"));
    Map<String, FileType> seen = new TreeMap<>();
    int fd = calls.openDirectory(DirCalls.AT_FDCWD, bytes(dir), TestFiles.pb(dir));
    try {
      while (calls.readEntries(
              fd, TestFiles.pb(dir), (name, type) -> seen.put(HexFormat.of().formatHex(name), type))
          > 0) {
        // next batch
      }
    } finally {
      calls.close(fd);
    }
    Map<String, FileType> expected = new TreeMap<>();
    expected.put(HexFormat.of().formatHex(TestFiles.NAME_FF), FileType.FILE);
    expected.put(HexFormat.of().formatHex(TestFiles.NAME_NEWLINE), FileType.FILE);
    expected.put(HexFormat.of().formatHex(TestFiles.NAME_E_ACUTE), FileType.FILE);
    expected.put(HexFormat.of().formatHex("sub".getBytes()), FileType.DIRECTORY);
    expected.put(HexFormat.of().formatHex("link".getBytes()), FileType.SYMLINK);
    assertEquals(expected, seen);
  }

  /** A directory bigger than one 64 KiB getdents64 buffer is read in several batches. */
  @Test
  void listsADirectoryLargerThanOneBuffer() throws Exception {
    TestFiles.sh(
        "cd \"$1\" && for i in $(seq 1 3000); do : > \"name_with_some_length_$i\"; done",
        dir.toString());
    List<byte[]> names = new ArrayList<>();
    int fd = calls.openDirectory(DirCalls.AT_FDCWD, bytes(dir), TestFiles.pb(dir));
    int batches = 0;
    try {
      while (calls.readEntries(fd, TestFiles.pb(dir), (name, type) -> names.add(name)) > 0) {
        batches++;
      }
    } finally {
      calls.close(fd);
    }
    assertEquals(3000, names.size());
    assertTrue(batches > 1, "expected several getdents64 batches, got " + batches);
  }

  @Test
  void symlinkIsStattedNotFollowedAndItsTargetReadExactly() throws Exception {
    byte[] expected = {'/', 't', 'm', 'p', '/', (byte) 0xff, '\n', 'x'};
    TestFiles.sh(
        "ln -s \"$(printf \"$2\")\" \"$1/l\"", dir.toString(), TestFiles.printfEscape(expected));
    int dfd = calls.openDirectory(DirCalls.AT_FDCWD, bytes(dir), TestFiles.pb(dir));
    try {
      StatInfo st = calls.lstatAt(dfd, "l".getBytes(), PathBytes.ofUtf8("l"));
      assertEquals(FileType.SYMLINK, FileType.ofMode(st.mode()));
      assertArrayEquals(expected, calls.readLinkAt(dfd, "l".getBytes(), PathBytes.ofUtf8("l")));
      NativeException e =
          assertThrows(
              NativeException.class,
              () -> calls.openFile(dfd, "l".getBytes(), PathBytes.ofUtf8("l")));
      assertTrue(e.is(Errno.ELOOP), e.getMessage());
    } finally {
      calls.close(dfd);
    }
  }

  @Test
  @Timeout(10)
  void aFifoOpenedByMistakeDoesNotBlock() throws Exception {
    TestFiles.sh("mkfifo \"$1/p\"", dir.toString());
    int fd =
        calls.openFile(DirCalls.AT_FDCWD, bytes(dir.resolve("p")), TestFiles.pb(dir.resolve("p")));
    try {
      assertEquals(FileType.FIFO, FileType.ofMode(calls.fstat(fd, null).mode()));
    } finally {
      calls.close(fd);
    }
  }

  @Test
  void openBeneathRefusesASymlinkedDirectory() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.createDirectories(dir.resolve("elsewhere"));
    Files.createDirectories(dir.resolve("elsewhere/x"));
    Files.createSymbolicLink(dir.resolve("a/c"), dir.resolve("elsewhere"));
    int root = calls.openDirectory(DirCalls.AT_FDCWD, bytes(dir), TestFiles.pb(dir));
    try {
      int b = calls.openDirectoryBeneath(root, "a/b".getBytes(), PathBytes.ofUtf8("a/b"));
      calls.close(b);
      // The symlink as last component: O_NOFOLLOW|O_DIRECTORY refuses it (ENOTDIR).
      NativeException last =
          assertThrows(
              NativeException.class,
              () -> calls.openDirectoryBeneath(root, "a/c".getBytes(), PathBytes.ofUtf8("a/c")));
      assertTrue(last.is(Errno.ENOTDIR) || last.is(Errno.ELOOP), last.getMessage());
      // The symlink in the middle: RESOLVE_NO_SYMLINKS (or the per-component O_NOFOLLOW) refuses
      // it.
      NativeException middle =
          assertThrows(
              NativeException.class,
              () ->
                  calls.openDirectoryBeneath(root, "a/c/x".getBytes(), PathBytes.ofUtf8("a/c/x")));
      assertTrue(middle.is(Errno.ELOOP) || middle.is(Errno.ENOTDIR), middle.getMessage());
    } finally {
      calls.close(root);
    }
  }

  @Test
  void messageNamesCallPathErrnoAndConsequence() {
    NativeException e =
        assertThrows(
            NativeException.class,
            () ->
                calls.lstatAt(
                    DirCalls.AT_FDCWD, bytes(dir.resolve("nope")), PathBytes.ofUtf8("/x/nope")));
    assertEquals("lstat /x/nope: ENOENT (No such file or directory)", e.getMessage());
    assertEquals(
        "open /etc/shadow for hashing: EACCES (Permission denied); hash skipped, attributes kept",
        new NativeException("open", PathBytes.ofUtf8("/etc/shadow"), Errno.EACCES.intValue())
            .explain("for hashing", "hash skipped, attributes kept")
            .getMessage());
  }

  /**
   * {@link DirCalls#locate}: a path longer than PATH_MAX (which every path-taking call refuses) is
   * reachable by its parent's fd and its last name; symlinks among the parents are followed as the
   * kernel would, the last name is left to the caller; a missing parent is ENOENT naming the path.
   */
  @Test
  void locateReachesAPathLongerThanPathMax() throws Exception {
    String name = "d".repeat(250);
    try {
      TestFiles.sh(
          "cd \"$1\" && for i in $(seq 20); do mkdir \"$2\" && cd \"$2\" || exit 1; done && echo x > f"
              + " && ln -s f link",
          dir.toString(),
          name);
      PathBytes deep = TestFiles.pb(dir);
      for (int i = 0; i < 20; i++) {
        deep = deep.resolve(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      PathBytes file = deep.resolve("f".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      DirCalls calls = new DirCalls();
      NativeException whole =
          assertThrows(
              NativeException.class, () -> calls.lstatAt(DirCalls.AT_FDCWD, file.toBytes(), file));
      assertTrue(whole.is(Errno.ENAMETOOLONG), whole.getMessage());

      DirCalls.Located at = calls.locate(file.toBytes(), file);
      try {
        assertTrue(at.ownsFd());
        assertArrayEquals("f".getBytes(java.nio.charset.StandardCharsets.US_ASCII), at.name());
        assertEquals(
            FileType.FILE, FileType.ofMode(calls.lstatAt(at.dirFd(), at.name(), file).mode()));
      } finally {
        calls.close(at);
      }
      PathBytes link = deep.resolve("link".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      DirCalls.Located l = calls.locate(link.toBytes(), link);
      try {
        assertEquals(
            FileType.SYMLINK,
            FileType.ofMode(calls.lstatAt(l.dirFd(), l.name(), link).mode()),
            "not followed");
      } finally {
        calls.close(l);
      }
      // a parent reached through a symlink is followed, as for a whole path
      Files.createSymbolicLink(dir.resolve("via"), Path.of(name));
      byte[] rel =
          java.util.Arrays.copyOfRange(
              file.toBytes(), TestFiles.pb(dir).length() + 1 + name.length(), file.length());
      PathBytes via =
          TestFiles.pb(dir.resolve("via"))
              .resolve(java.util.Arrays.copyOfRange(rel, 1, rel.length));
      DirCalls.Located v = calls.locate(via.toBytes(), via);
      try {
        assertEquals(
            FileType.FILE, FileType.ofMode(calls.lstatAt(v.dirFd(), v.name(), via).mode()));
      } finally {
        calls.close(v);
      }
      PathBytes missing =
          TestFiles.pb(dir)
              .resolve(
                  ("nope/" + name + "/" + name)
                      .repeat(8)
                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .resolve("f".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      NativeException e =
          assertThrows(NativeException.class, () -> calls.locate(missing.toBytes(), missing));
      assertTrue(e.is(Errno.ENOENT), e.getMessage());

      DirCalls.Located shortOne = calls.locate(TestFiles.pb(dir).toBytes(), TestFiles.pb(dir));
      assertEquals(DirCalls.AT_FDCWD, shortOne.dirFd(), "a short path is given whole");
    } finally {
      TestFiles.sh(
          "rm -rf \"$1\"/" + name + " \"$1\"/via",
          dir.toString()); // @TempDir cannot reach below PATH_MAX
    }
  }
}
