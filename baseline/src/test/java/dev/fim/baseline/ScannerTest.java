package dev.fim.baseline;

import static dev.fim.baseline.TestFiles.pb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import dev.fim.store.Xattr;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  @TempDir Path dir;

  static CollectingSink scan(Selector selector, int threads) throws InterruptedException {
    CollectingSink sink = new CollectingSink();
    ScanSummary s = new Scanner(ScanSettings.defaults().withThreads(threads)).scan(selector, sink);
    assertEquals(
        sink.records.size(), s.files() + s.directories(), "summary counts every record once");
    assertEquals(sink.problems().size(), s.problems());
    return sink;
  }

  static String xxh128sum(Path f) throws Exception {
    String out = TestFiles.sh("xxh128sum \"$1\"", f.toString());
    return out.substring(0, out.indexOf(' '));
  }

  /** A FIFO that was opened would block the scan forever: the timeout is the assertion. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void eachFileTypeIsRecordedAndOnlyRegularFilesAreRead() throws Exception {
    assumeTrue(
        TestFiles.ensureTool("xxh128sum", "xxhash"), "xxh128sum missing (apt-get install xxhash)");
    Path f = Files.writeString(dir.resolve("file"), "hello");
    Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("shadow-link"), Path.of("/etc/shadow"));
    TestFiles.sh(
        "cd \"$1\" && mkfifo fifo && python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' sock",
        dir.toString());
    boolean dev = TestFiles.isRoot();
    if (dev) {
      TestFiles.sh("mknod \"$1/null\" c 1 3", dir.toString());
    }
    CollectingSink sink = scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), 2);
    assertEquals(List.of(), sink.problems());
    FileRecord file = sink.get(pb(f));
    assertEquals(FileType.FILE, file.type());
    assertEquals(5, file.size());
    assertEquals(xxh128sum(f), file.digest(HashAlgorithm.XXH3_128).hex());
    assertEquals(TestSelector.DEFAULT.bits(), file.selected());
    assertNull(file.xattrs(), "xattrs not selected: not captured");
    FileRecord link = sink.get(pb(dir.resolve("shadow-link")));
    assertEquals(FileType.SYMLINK, link.type());
    assertArrayEquals("/etc/shadow".getBytes(), link.linkTarget());
    assertTrue(link.digests().isEmpty(), "a symlink is never followed, so never hashed");
    assertEquals(FileType.FIFO, sink.get(pb(dir.resolve("fifo"))).type());
    assertEquals(FileType.SOCKET, sink.get(pb(dir.resolve("sock"))).type());
    assertTrue(sink.get(pb(dir.resolve("fifo"))).digests().isEmpty());
    assertEquals(FileType.DIRECTORY, sink.get(pb(dir.resolve("sub"))).type());
    assertEquals(FileType.DIRECTORY, sink.get(pb(dir)).type(), "the root itself is recorded");
    if (dev) {
      assertEquals(FileType.CHAR_DEVICE, sink.get(pb(dir.resolve("null"))).type());
      assertTrue(sink.get(pb(dir.resolve("null"))).digests().isEmpty());
    }
    assertEquals(dev ? 7 : 6, sink.records.size(), sink.records.keySet().toString());
  }

  @Test
  void oddByteNamesAreScannedExactly() throws Exception {
    assumeTrue(
        TestFiles.ensureTool("xxh128sum", "xxhash"), "xxh128sum missing (apt-get install xxhash)");
    Files.createDirectory(dir.resolve("d"));
    for (byte[] name : List.of(TestFiles.NAME_FF, TestFiles.NAME_NEWLINE, TestFiles.NAME_E_ACUTE)) {
      TestFiles.writeRaw(dir.resolve("d"), name, "content of " + TestFiles.printfEscape(name));
    }
    CollectingSink sink = scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), 2);
    for (byte[] name : List.of(TestFiles.NAME_FF, TestFiles.NAME_NEWLINE, TestFiles.NAME_E_ACUTE)) {
      PathBytes p = pb(dir.resolve("d")).resolve(name);
      FileRecord r = sink.get(p);
      assertNotNull(r, "missing " + p.display() + " in " + sink.records.keySet());
      String expected =
          TestFiles.sh(
                  "xxh128sum < \"$1/$(printf \"$2\")\"",
                  dir.resolve("d").toString(),
                  TestFiles.printfEscape(name))
              .substring(0, 32);
      assertEquals(expected, r.digest(HashAlgorithm.XXH3_128).hex(), p.display());
    }
  }

  /**
   * Under LC_ALL=C (cron's environment) Java cannot even name 'é' or 0xff: the byte walk must not
   * care.
   */
  @Test
  void oddByteNamesUnderLcAllC() throws Exception {
    TestFiles.writeRaw(dir, TestFiles.NAME_FF, "x");
    TestFiles.writeRaw(dir, TestFiles.NAME_E_ACUTE, "y");
    TestFiles.writeRaw(dir, TestFiles.NAME_NEWLINE, "z");
    String out = ChildScan.run(dir, false, "LC_ALL=C");
    for (byte[] name : List.of(TestFiles.NAME_FF, TestFiles.NAME_NEWLINE, TestFiles.NAME_E_ACUTE)) {
      String hex = pb(dir).resolve(name).hex();
      assertTrue(out.contains("R " + hex + " file "), "no record for " + hex + " in:\n" + out);
    }
    assertTrue(!out.contains("\nP "), out);
  }

  @Test
  @Timeout(60)
  void symlinkLoopsAndASymlinkRootAreNotFollowed() throws Exception {
    Files.createDirectory(dir.resolve("t"));
    Files.createSymbolicLink(dir.resolve("t/a"), Path.of("b"));
    Files.createSymbolicLink(dir.resolve("t/b"), Path.of("a"));
    Files.createSymbolicLink(dir.resolve("t/self"), Path.of("."));
    Files.createSymbolicLink(dir.resolve("t/up"), Path.of(".."));
    Files.createSymbolicLink(dir.resolve("rootlink"), dir.resolve("t"));
    CollectingSink sink =
        scan(
            TestSelector.all(
                TestSelector.DEFAULT, pb(dir.resolve("t")), pb(dir.resolve("rootlink"))),
            2);
    assertEquals(List.of(), sink.problems());
    assertEquals(6, sink.records.size(), sink.records.keySet().toString());
    assertEquals(FileType.SYMLINK, sink.get(pb(dir.resolve("rootlink"))).type());
    assertEquals(FileType.SYMLINK, sink.get(pb(dir.resolve("t/self"))).type());
  }

  @Test
  void missingRootIsAProblemAndTheScanGoesOn() throws Exception {
    Files.writeString(dir.resolve("f"), "x");
    Path nope = dir.resolveSibling(dir.getFileName() + "-nope");
    CollectingSink sink = scan(TestSelector.all(TestSelector.DEFAULT, pb(nope), pb(dir)), 2);
    List<ScanProblem> missing = sink.problems(ScanProblem.Kind.MISSING_ROOT);
    assertEquals(1, missing.size());
    assertTrue(missing.get(0).message().contains("ENOENT"), missing.get(0).message());
    assertNotNull(sink.get(pb(dir.resolve("f"))));
  }

  @Test
  void selectionSkipsAndPrunes() throws Exception {
    Files.createDirectories(dir.resolve("keep/deep"));
    Files.createDirectories(dir.resolve("pruned"));
    Files.writeString(dir.resolve("keep/deep/f"), "x");
    Files.writeString(dir.resolve("keep/skip.log"), "x");
    Files.writeString(dir.resolve("pruned/f"), "x");
    PathBytes pruned = pb(dir.resolve("pruned"));
    PathBytes keep = pb(dir.resolve("keep"));
    TestSelector sel =
        new TestSelector(
            List.of(pb(dir)),
            (p, t) -> p.equals(keep) || p.display().endsWith(".log") ? null : TestSelector.DEFAULT,
            p -> !p.equals(pruned));
    CollectingSink sink = scan(sel, 2);
    assertNull(sink.get(keep), "not selected: no record");
    assertNotNull(sink.get(pb(dir.resolve("keep/deep/f"))), "not selected but descended");
    assertNull(sink.get(pb(dir.resolve("keep/skip.log"))));
    assertNotNull(sink.get(pruned), "selected but not descended");
    assertNull(sink.get(pb(dir.resolve("pruned/f"))));
  }

  @Test
  void shaDigestsOnRequest() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "abc");
    AttributeSet set =
        TestSelector.DEFAULT.without(Attribute.XXH3).with(Attribute.SHA256).with(Attribute.SHA512);
    CollectingSink sink = scan(TestSelector.all(set, pb(dir)), 1);
    FileRecord r = sink.get(pb(f));
    assertEquals(2, r.digests().size());
    assertNull(r.digest(HashAlgorithm.XXH3_128));
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        r.digest(HashAlgorithm.SHA256).hex());
    assertTrue(r.digest(HashAlgorithm.SHA512).hex().startsWith("ddaf35a193617aba"));
  }

  @Test
  void xattrsAclAndCapabilityAreCapturedSorted() throws Exception {
    assumeTrue(TestFiles.ensureTool("setfacl", "acl"), "setfacl missing (apt-get install acl)");
    assumeTrue(TestFiles.isRoot() && TestFiles.has("setcap"), "setcap needs root and libcap2-bin");
    Path f = Files.writeString(dir.resolve("f"), "x");
    Files.createDirectory(dir.resolve("d"));
    Files.createSymbolicLink(dir.resolve("l"), f);
    TestFiles.sh(
        "cd \"$1\" && setfattr -n user.note -v hi f && setfacl -m u:65534:r f && setcap cap_net_raw+ep f"
            + " && setfacl -d -m u:65534:rx d",
        dir.toString());
    CollectingSink sink =
        scan(TestSelector.all(TestSelector.DEFAULT.with(Attribute.XATTRS), pb(dir)), 2);
    assertEquals(
        List.of("security.capability", "system.posix_acl_access", "user.note"),
        sink.get(pb(f)).xattrs().stream().map(Xattr::name).toList());
    assertEquals("hi", sink.get(pb(f)).xattrs().get(2).displayValue());
    assertTrue(
        sink.get(pb(dir.resolve("d"))).xattrs().stream()
            .anyMatch(x -> x.name().equals("system.posix_acl_default")));
    assertEquals(
        List.of(),
        sink.get(pb(dir.resolve("l"))).xattrs(),
        "the symlink's own (none), not its target's");
    assertNotNull(sink.get(pb(f)).digest(HashAlgorithm.XXH3_128));
  }

  @Test
  void atimeIsNotChangedByAScan() throws Exception {
    Path f = TestFiles.write(dir.resolve("d/f"), new byte[] {1, 2, 3});
    Path big = TestFiles.write(dir.resolve("d/big"), new byte[3 << 20]);
    TestFiles.sh(
        "touch -a -d '2001-02-03 04:05:06' \"$1\" \"$2\" \"$3\"",
        f.toString(),
        big.toString(),
        dir.resolve("d").toString());
    FileTime fBefore = atime(f);
    FileTime bigBefore = atime(big);
    FileTime dBefore = atime(dir.resolve("d"));
    CollectingSink sink =
        scan(TestSelector.all(TestSelector.DEFAULT.with(Attribute.XATTRS), pb(dir)), 2);
    assertNotNull(sink.get(pb(big)).digest(HashAlgorithm.XXH3_128));
    assertEquals(fBefore, atime(f), "read path (pread) must not touch atime");
    assertEquals(bigBefore, atime(big), "mmap path must not touch atime");
    assertEquals(
        dBefore, atime(dir.resolve("d")), "getdents64 must not touch the directory's atime");
  }

  private static FileTime atime(Path p) throws Exception {
    return (FileTime) Files.getAttribute(p, "lastAccessTime", LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The name disappears between its listing and its lstat: the Selector, asked first, deletes it.
   */
  @Test
  void aFileThatVanishesMidScanIsReported() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "x");
    Files.writeString(dir.resolve("stays"), "y");
    PathBytes v = pb(victim);
    TestSelector sel =
        new TestSelector(
            List.of(pb(dir)),
            (p, t) -> {
              if (p.equals(v)) {
                try {
                  Files.deleteIfExists(victim);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
              return TestSelector.DEFAULT;
            },
            p -> true);
    CollectingSink sink = scan(sel, 1);
    assertEquals(1, sink.problems(ScanProblem.Kind.VANISHED).size(), sink.problems().toString());
    assertNull(sink.get(v));
    assertNotNull(sink.get(pb(dir.resolve("stays"))));
  }

  /**
   * A writer appends to a 64 MiB file while it is hashed: either every try saw it move (the record
   * says so and carries no digest) or a try was stable, and then its digest is that of the first
   * {@code size} bytes the record names.
   */
  @Test
  @Timeout(120)
  void aFileChangingDuringHashingIsRetriedThenReported() throws Exception {
    Path f = dir.resolve("log");
    TestFiles.sh("head -c 64M /dev/urandom > \"$1\"", f.toString());
    Process writer =
        new ProcessBuilder(
                "bash", "-c", "while :; do printf 0123456789 >> \"$1\"; done", "sh", f.toString())
            .start();
    try {
      // The scan begins once the writer has appended: a fixed pause could end before a loaded
      // machine started it, and the scan would then test nothing. Polled with a deadline.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.size(f) <= 64L << 20) {
        assertTrue(writer.isAlive(), "the writer ended");
        assertTrue(System.nanoTime() < deadline, "the writer did not append within 60 s");
        TimeUnit.MILLISECONDS.sleep(5);
      }
      CollectingSink sink = scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), 1);
      FileRecord r = sink.get(pb(f));
      writer.destroy();
      writer.waitFor(10, TimeUnit.SECONDS);
      if (r.problem() != null) {
        assertTrue(r.problem().contains("changed during hashing (3 tries)"), r.problem());
        assertTrue(r.digests().isEmpty());
        assertEquals(1, sink.problems(ScanProblem.Kind.CHANGED_DURING_HASH).size());
      } else {
        String prefix =
            TestFiles.sh("head -c " + r.size() + " \"$1\" | xxh128sum", f.toString())
                .substring(0, 32);
        assertEquals(
            prefix,
            r.digest(HashAlgorithm.XXH3_128).hex(),
            "the stable try's digest is of the size recorded");
      }
    } finally {
      writer.destroyForcibly();
    }
  }

  /** As root nothing is EACCES: the scan runs as nobody in a child JVM (setpriv). */
  @Test
  @Tag("kernel")
  void unreadableDirectoryAndFileAsNobody() throws Exception {
    assumeTrue(
        TestFiles.isRoot() && TestFiles.has("setpriv"),
        "needs root to drop to uid 65534 with setpriv");
    Files.createDirectories(dir.resolve("locked/inside"));
    Files.writeString(dir.resolve("locked/inside/f"), "x");
    Files.writeString(dir.resolve("secret"), "x");
    Files.writeString(dir.resolve("public"), "x");
    TestFiles.sh(
        "chmod 755 \"$1\" && chmod 700 \"$1/locked\" && chmod 600 \"$1/secret\" && chmod 644 \"$1/public\"",
        dir.toString());
    String out = ChildScan.run(dir, true);
    String secret = pb(dir.resolve("secret")).hex();
    String locked = pb(dir.resolve("locked")).hex();
    assertTrue(
        out.matches(
            "(?s).*P "
                + locked
                + " UNREADABLE_DIRECTORY openat2? "
                + dir.resolve("locked")
                + ": EACCES \\(Permission denied\\); contents not scanned.*"),
        out);
    assertTrue(out.contains("R " + locked + " dir "), "its own attributes are recorded:\n" + out);
    assertTrue(
        out.contains(
            "R "
                + secret
                + " file - open "
                + dir.resolve("secret")
                + " for hashing: EACCES (Permission denied); hash skipped, attributes kept"),
        out);
    assertTrue(out.contains("P " + secret + " UNREADABLE_FILE "), out);
    assertTrue(
        out.matches("(?s).*R " + pb(dir.resolve("public")).hex() + " file [0-9a-f]{32} -.*"), out);
  }

  @Test
  void aSinkThatThrowsStopsTheScan() {
    ScanSink failing =
        new ScanSink() {
          @Override
          public void record(PathBytes path, FileRecord record) {
            throw new IllegalStateException("disk full");
          }

          @Override
          public void problem(ScanProblem p) {}
        };
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new Scanner(ScanSettings.defaults())
                    .scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), failing));
    assertEquals("disk full", e.getMessage());
  }

  /**
   * Interrupting the caller stops the scan with InterruptedException, and every directory fd
   * (listings, queued chunks, roots) is closed: the process has the fds it had before.
   */
  @Test
  @Timeout(60)
  void interruptStopsTheScanAndLeaksNoFd() throws Exception {
    TestFiles.sh(
        "mkdir -p \"$1/flat\" \"$1/a/b/c\" && cd \"$1/flat\" && for i in $(seq 1 2000); do : > f$i; done",
        dir.toString());
    Scanner scanner = new Scanner(ScanSettings.defaults().withThreads(2));
    scanner.scan(
        TestSelector.all(TestSelector.DEFAULT, pb(dir)),
        new CollectingSink()); // warm-up: lazy JVM fds
    long before = openFds();
    assertEquals(0, before);
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    TestSelector sel =
        new TestSelector(
            List.of(pb(dir)),
            (p, t) -> {
              if (calls.incrementAndGet() == 100) {
                caller.interrupt();
              }
              return TestSelector.DEFAULT;
            },
            p -> true);
    CollectingSink sink = new CollectingSink();
    assertThrows(InterruptedException.class, () -> scanner.scan(sel, sink));
    assertTrue(sink.records.size() < 2000 + 5, "stopped early: " + sink.records.size());
    assertEquals(before, openFds(), "fds after an interrupted scan");
    scanner.scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), new CollectingSink());
    assertEquals(before, openFds(), "fds after a full scan");
  }

  /**
   * A tree far deeper than PATH_MAX (40 directories of 250-byte names, a 10 KB path) is walked
   * whole: every level and the files at the bottom are recorded and hashed, with no problem; the
   * directories are opened beneath anchors a few KB apart ({@link DirHandle#MAX_RELATIVE}), and
   * when the scan ends no fd is left open. Before, every directory whose path passed 4 KB was
   * "openat2: ENAMETOOLONG; contents not scanned".
   */
  @Test
  @Timeout(120)
  void aTreeDeeperThanPathMaxIsWalkedWholeAndLeaksNoFd() throws Exception {
    String name = "d".repeat(250);
    int depth = 40;
    try {
      TestFiles.sh(
          "cd \"$1\" && for i in $(seq "
              + depth
              + "); do mkdir \"$2\" && cd \"$2\" || exit 1; done"
              + " && for i in $(seq 300); do echo $i > f$i; done && ln -s ../.. up",
          dir.toString(),
          name);
      Scanner scanner = new Scanner(ScanSettings.defaults().withThreads(2));
      scanner.scan(
          TestSelector.all(TestSelector.DEFAULT, pb(dir)),
          new CollectingSink()); // warm-up: lazy JVM fds
      long before = openFdsIncludingDeep();
      CollectingSink sink = scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), 2);
      assertEquals(List.of(), sink.problems());
      assertEquals(1 + depth + 300 + 1, sink.records.size());
      PathBytes bottom = pb(dir);
      for (int i = 0; i < depth; i++) {
        bottom = bottom.resolve(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      assertTrue(bottom.length() > 10_000);
      FileRecord f =
          sink.get(bottom.resolve("f300".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      assertEquals(FileType.FILE, f.type());
      assertEquals(1, f.digests().size(), "hashed");
      assertEquals(
          FileType.SYMLINK,
          sink.get(bottom.resolve("up".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
              .type());
      assertEquals(before, openFdsIncludingDeep(), "fds after the scan");
    } finally {
      TestFiles.sh(
          "rm -rf \"$1\"/" + name,
          dir.toString()); // @TempDir's cleanup cannot reach below PATH_MAX
    }
  }

  /**
   * As {@link #openFds()}, also counting fds on directories too deep for /proc to name
   * (ENAMETOOLONG).
   */
  private long openFdsIncludingDeep() throws Exception {
    long n = 0;
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : s.toList()) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(dir)) {
            n++;
          }
        } catch (java.nio.file.FileSystemException e) {
          if (String.valueOf(e.getReason()).contains("too long")) {
            n++;
          }
        } catch (java.io.IOException gone) {
          // the fd of the listing itself, closed meanwhile
        }
      }
    }
    return n;
  }

  /** Open fds of this process on anything under the test's directory (the scan's own fds). */
  private long openFds() throws Exception {
    long n = 0;
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : s.toList()) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(dir)) {
            n++;
          }
        } catch (java.io.IOException gone) {
          // the fd of the listing itself, closed meanwhile
        }
      }
    }
    return n;
  }

  @Test
  void rootsBelowAnotherRootAreWalkedOnce() {
    List<PathBytes> roots =
        Scanner.distinctRoots(
            List.of(
                PathBytes.ofUtf8("/etc/ssh"),
                PathBytes.ofUtf8("/etc"),
                PathBytes.ofUtf8("/etcx"),
                PathBytes.ofUtf8("/etc")));
    assertEquals(List.of(PathBytes.ofUtf8("/etc"), PathBytes.ofUtf8("/etcx")), roots);
  }

  @Test
  void progressCountsUp() throws Exception {
    Files.write(dir.resolve("a"), new byte[1000]);
    Scanner s = new Scanner(ScanSettings.defaults());
    assertEquals(0, s.progress().entriesDone());
    s.scan(TestSelector.all(TestSelector.DEFAULT, pb(dir)), new CollectingSink());
    ScanProgress p = s.progress();
    assertEquals(2, p.entriesDiscovered());
    assertEquals(2, p.entriesDone());
    assertEquals(1000, p.bytesDiscovered());
    assertEquals(1000, p.bytesHashed());
    assertSame(0L, p.problems());
  }
}
