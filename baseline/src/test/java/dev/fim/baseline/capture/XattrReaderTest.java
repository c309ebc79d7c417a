package dev.fim.baseline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.baseline.TestFiles;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.Xattr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrReaderTest {
  @TempDir Path dir;
  final XattrReader reader = new XattrReader();
  final DirCalls calls = new DirCalls();

  @Test
  void readsUserXattrsSortedByNameFromAnFd() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    TestFiles.sh(
        "setfattr -n user.zz -v 2 \"$1\" && setfattr -n user.aa -v 0x00ff \"$1\"", f.toString());
    int fd = calls.openFile(DirCalls.AT_FDCWD, f.toString().getBytes(), TestFiles.pb(f));
    try {
      List<Xattr> x = reader.readFd(fd, TestFiles.pb(f));
      assertEquals(
          List.of(
              new Xattr("user.aa", new byte[] {0, (byte) 0xff}),
              new Xattr("user.zz", "2".getBytes())),
          x);
    } finally {
      calls.close(fd);
    }
  }

  @Test
  void aclAndCapabilityAreCaptured() throws Exception {
    assumeTrue(TestFiles.ensureTool("setfacl", "acl"), "setfacl missing (apt-get install acl)");
    assumeTrue(TestFiles.isRoot() && TestFiles.has("setcap"), "setcap needs root and libcap2-bin");
    Path f = Files.writeString(dir.resolve("f"), "x");
    TestFiles.sh("setfacl -m u:65534:r \"$1\" && setcap cap_net_raw+ep \"$1\"", f.toString());
    List<Xattr> x = reader.readNoFollow(f.toString().getBytes(), TestFiles.pb(f));
    List<String> names = x.stream().map(Xattr::name).toList();
    assertEquals(List.of("security.capability", "system.posix_acl_access"), names);
  }

  /** Through /proc/self/fd/<dirfd>/<name>, a symlink's own xattrs, not its target's. */
  @Test
  void symlinkIsNotFollowed() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "x");
    TestFiles.sh("setfattr -n user.t -v 1 \"$1\"", target.toString());
    Files.createSymbolicLink(dir.resolve("l"), target);
    int dfd = calls.openDirectory(DirCalls.AT_FDCWD, dir.toString().getBytes(), TestFiles.pb(dir));
    try {
      List<Xattr> x =
          reader.readNoFollow(
              DirCalls.procPath(dfd, "l".getBytes()), TestFiles.pb(dir.resolve("l")));
      assertTrue(x.isEmpty(), x.toString());
      List<Xattr> t =
          reader.readNoFollow(DirCalls.procPath(dfd, "target".getBytes()), TestFiles.pb(target));
      assertEquals(1, t.size());
    } finally {
      calls.close(dfd);
    }
  }
}
