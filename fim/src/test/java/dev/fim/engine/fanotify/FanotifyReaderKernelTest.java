package dev.fim.engine.fanotify;

import static dev.fim.engine.Commands.isRoot;
import static dev.fim.engine.Commands.run;
import static dev.fim.engine.fanotify.FanotifyEvent.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.OpenFds;
import dev.fim.engine.ReaderThread;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reader against the real kernel: a FAN_MARK_FILESYSTEM group on the filesystem of a tree under
 * /var/tmp (not /tmp, which may be tmpfs: FID support there needs a newer kernel), changes made by
 * real processes, events awaited with a deadline (no sleeps). The mark covers the whole filesystem,
 * so other processes' events arrive too: the collector keeps only events whose directories resolve
 * inside the tree, which also exercises {@link HandleResolver}.
 */
@Tag("kernel")
class FanotifyReaderKernelTest {
  private static final long DEADLINE_MS = 20_000;
  private static final String TREE_PREFIX = "fim-fanotify-";

  private Path tree;
  private FanotifyReader reader;
  private Collector collector;
  private ReaderThread thread;
  private long fdsBefore;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(isRoot(), "needs CAP_SYS_ADMIN for FAN_MARK_FILESYSTEM");
    fdsBefore = ourFds();
    tree = Files.createTempDirectory(Path.of("/var/tmp"), TREE_PREFIX);
    reader = FanotifyReader.open();
    reader.mark(pb(tree));
    HandleResolver resolver = new HandleResolver();
    resolver.addFilesystem(pb(tree));
    collector = new Collector(resolver, pb(tree));
    thread = ReaderThread.start("fanotify-reader", () -> reader.run(collector));
  }

  @AfterEach
  void stopAndClean() throws Exception {
    if (reader == null) {
      return;
    }
    collector.release();
    reader.stop();
    assertTrue(thread.join(TimeUnit.SECONDS.toMillis(30)), "reader did not stop");
    reader.close();
    collector.resolver.close();
    run("rm", "-rf", tree.toString());
    assertEquals(fdsBefore, ourFds(), "fanotify/eventfd/tree fds leaked: " + fdList());
    assertEquals(List.of(), thread.failures());
    assertEquals(List.of(), collector.failures);
    assertEquals(0, reader.malformedCount());
  }

  @Test
  void createAppendChmodOfOneFile() throws Exception {
    Path f = tree.resolve("f.txt");
    long writer = run("bash", "-c", "printf hello > \"$1\"", "_", f.toString());
    collector.awaitMask(pb(tree), name("f.txt"), writer, FAN_CREATE | FAN_MODIFY | FAN_CLOSE_WRITE);
    Seen create = collector.first(s -> s.e.has(FAN_CREATE) && s.e.nameIs(name("f.txt")));
    assertNotNull(
        create.e.objectHandle(), "FAN_REPORT_TARGET_FID gives the child's handle on create");
    assertFalse(create.e.isDirectory());

    long appender = run("bash", "-c", "printf more >> \"$1\"", "_", f.toString());
    collector.awaitMask(pb(tree), name("f.txt"), appender, FAN_MODIFY | FAN_CLOSE_WRITE);

    long chmod = run("chmod", "600", f.toString());
    collector.awaitMask(pb(tree), name("f.txt"), chmod, FAN_ATTRIB);
    Seen attrib = collector.first(s -> s.e.pid() == chmod && s.e.has(FAN_ATTRIB));
    assertEquals(create.e.objectHandle(), attrib.e.objectHandle(), "same inode, same handle");
  }

  @Test
  void anIgnoredDirectoryHidesOnlyItsFilesContentWrites() throws Exception {
    Path db = Files.createDirectory(tree.resolve("db"));
    Path sub = Files.createDirectory(db.resolve("sub"));
    run(
        "bash",
        "-c",
        "printf x > \"$1\"; printf x > \"$2\"",
        "_",
        db.resolve("log").toString(),
        sub.resolve("deeper").toString());
    run("bash", "-c", "printf x > \"$1\"", "_", tree.resolve("neighbour").toString());
    assumeTrue(reader.ignoreFileContentIn(pb(db)), "kernel older than 6.0: no FAN_MARK_IGNORE");

    long dbWriter = run("bash", "-c", "printf more >> \"$1\"", "_", db.resolve("log").toString());
    long created = run("bash", "-c", "printf new > \"$1\"", "_", db.resolve("new").toString());
    long chmod = run("chmod", "600", db.resolve("log").toString());
    long deeper = run("bash", "-c", "printf more >> \"$1\"", "_", sub.resolve("deeper").toString());
    long neighbour =
        run("bash", "-c", "printf more >> \"$1\"", "_", tree.resolve("neighbour").toString());
    // Events come in order: once the neighbour's write is in, every earlier one has been read.
    collector.awaitMask(pb(tree), name("neighbour"), neighbour, FAN_MODIFY | FAN_CLOSE_WRITE);

    assertEquals(
        List.of(),
        collector.all(s -> s.e.pid() == dbWriter),
        "a write of a file directly in the ignored directory is not queued");
    // Everything else still comes: the directory's entries, attribute changes, its subdirectories.
    collector.awaitMask(pb(db), name("new"), created, FAN_CREATE);
    assertEquals(
        List.of(),
        collector.all(s -> s.e.pid() == created && s.e.has(FAN_MODIFY | FAN_CLOSE_WRITE)),
        "a new file's content in the ignored directory is ignored too; its creation is not");
    collector.awaitMask(pb(db), name("log"), chmod, FAN_ATTRIB);
    collector.awaitMask(pb(sub), name("deeper"), deeper, FAN_MODIFY | FAN_CLOSE_WRITE);

    reader.stopIgnoring(pb(db));
    long after = run("bash", "-c", "printf again >> \"$1\"", "_", db.resolve("log").toString());
    collector.awaitMask(pb(db), name("log"), after, FAN_MODIFY | FAN_CLOSE_WRITE);
  }

  @Test
  void renameWithinTheTreeIsOneEventWithBothEnds() throws Exception {
    Files.createDirectory(tree.resolve("sub"));
    Path from = tree.resolve("f.txt");
    run("bash", "-c", "printf x > \"$1\"", "_", from.toString());
    long mv = run("mv", from.toString(), tree.resolve("sub/g.txt").toString());
    // A later change is the barrier: once its event is in, every event of the mv has been read.
    long barrier = run("touch", tree.resolve("barrier").toString());
    collector.awaitMask(pb(tree), name("barrier"), barrier, FAN_CREATE);

    List<Seen> renames = collector.all(s -> s.e.has(FAN_RENAME));
    assertEquals(1, renames.size(), () -> "one FAN_RENAME: " + renames);
    Seen r = renames.get(0);
    assertEquals(mv, r.e.pid());
    assertArrayEquals(name("f.txt"), r.e.oldName());
    assertArrayEquals(name("g.txt"), r.e.newName());
    assertEquals(pb(tree), r.oldDir);
    assertEquals(pb(tree.resolve("sub")), r.newDir);
    assertNotNull(r.e.objectHandle());
    assertNull(r.e.dirHandle(), "FAN_RENAME carries OLD_/NEW_DFID_NAME, not DFID_NAME");
    // The two halves still come as well, for consumers that pair them.
    collector.awaitMask(pb(tree), name("f.txt"), mv, FAN_MOVED_FROM);
    collector.awaitMask(pb(tree.resolve("sub")), name("g.txt"), mv, FAN_MOVED_TO);

    long rm = run("rm", tree.resolve("sub/g.txt").toString());
    collector.awaitMask(pb(tree.resolve("sub")), name("g.txt"), rm, FAN_DELETE);
  }

  @Test
  void mkdirPAndAFileInside() throws Exception {
    long mkdir = run("mkdir", "-p", tree.resolve("a/b/c").toString());
    collector.awaitMask(pb(tree), name("a"), mkdir, FAN_CREATE | FAN_ONDIR);
    collector.awaitMask(pb(tree.resolve("a")), name("b"), mkdir, FAN_CREATE | FAN_ONDIR);
    collector.awaitMask(pb(tree.resolve("a/b")), name("c"), mkdir, FAN_CREATE | FAN_ONDIR);
    long writer =
        run("bash", "-c", "printf deep > \"$1\"", "_", tree.resolve("a/b/c/deep").toString());
    collector.awaitMask(
        pb(tree.resolve("a/b/c")), name("deep"), writer, FAN_CREATE | FAN_CLOSE_WRITE);
  }

  @Test
  void nonUtf8NameWithNewlineKeepsItsBytes() throws Exception {
    byte[] odd = {'x', (byte) 0xff, '\n', 'y'};
    long py =
        run(
            "python3",
            "-c",
            "import os,sys; d=os.fsencode(sys.argv[1]); open(d+b'/x\\xff\\ny','wb').write(b'1')",
            tree.toString());
    collector.awaitMask(pb(tree), odd, py, FAN_CREATE | FAN_CLOSE_WRITE);
  }

  @Test
  void deletedDirectoryHandleResolvesToNull() throws Exception {
    long mkdir = run("mkdir", tree.resolve("gone").toString());
    collector.awaitMask(pb(tree), name("gone"), mkdir, FAN_CREATE | FAN_ONDIR);
    FileHandleKey gone =
        collector.first(s -> s.e.has(FAN_CREATE) && s.e.nameIs(name("gone"))).e.objectHandle();
    assertNotNull(gone);
    try (HandleResolver own = new HandleResolver(2)) {
      own.addFilesystem(pb(tree));
      assertEquals(pb(tree.resolve("gone")), own.resolve(gone));
      assertEquals(pb(tree.resolve("gone")), own.resolve(gone));
      assertEquals(1, own.hits());
      long rmdir = run("rmdir", tree.resolve("gone").toString());
      collector.awaitMask(pb(tree), name("gone"), rmdir, FAN_DELETE | FAN_ONDIR);
      own.invalidate(collector.first(s -> s.e.has(FAN_DELETE) && s.e.nameIs(name("gone"))).e);
      assertEquals(0, own.cachedCount());
      assertNull(own.resolve(gone), "ESTALE: the directory is gone");
    }
  }

  @Test
  void overflowIsACallOnTheStream() throws Exception {
    Path many = Files.createDirectory(tree.resolve("many"));
    collector.pauseOnNextEvent();
    Files.writeString(tree.resolve("trigger"), "x");
    assertTrue(
        collector.blocked.await(DEADLINE_MS, TimeUnit.MILLISECONDS),
        "reader never delivered an event");
    // The kernel queue holds 16384 events by default (/proc/sys/fs/fanotify/max_queued_events);
    // each new name is
    // its own event (fanotify merges only events with the same object and name).
    run(
        "python3",
        "-c",
        "import os,sys\nd=sys.argv[1]\nfor i in range(20000):\n"
            + "    os.close(os.open(d+'/f%05d'%i, os.O_CREAT|os.O_WRONLY, 0o644))",
        many.toString());
    collector.release();
    collector.awaitOverflow();
  }

  @Test
  void markOfAMissingPathSaysSo() throws IOException {
    // The leak check counts what it should: the fanotify fd, the stop eventfd, the resolver's mount
    // fd.
    List<String> open = fdList();
    assertEquals(fdsBefore + 3, open.size(), () -> "open now: " + open);
    NativeException e =
        assertThrows(NativeException.class, () -> reader.mark(pb(tree.resolve("missing"))));
    assertEquals(Errno.ENOENT, e.errno());
    assertTrue(e.getMessage().endsWith("; the watched root does not exist"), e.getMessage());
  }

  /**
   * tmpfs (/dev/shm) reports FIDs with FAN_MARK_FILESYSTEM on newer kernels only; this records what
   * this kernel does, and skips with the kernel's answer where it refuses.
   */
  @Test
  void tmpfsFilesystemMark() throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeTrue(
        Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type()),
        "/dev/shm is not tmpfs");
    Path dir = Files.createTempDirectory(shm, TREE_PREFIX);
    try (FanotifyReader tmpfs = FanotifyReader.open();
        HandleResolver resolver = new HandleResolver()) {
      try {
        tmpfs.mark(pb(dir));
      } catch (NativeException e) {
        assumeTrue(false, "tmpfs refuses an FID filesystem mark on this kernel: " + e.getMessage());
      }
      resolver.addFilesystem(pb(dir));
      Collector shmCollector = new Collector(resolver, pb(dir));
      ReaderThread t = ReaderThread.start("fanotify-tmpfs-reader", () -> tmpfs.run(shmCollector));
      try {
        long writer = run("bash", "-c", "printf x > \"$1\"", "_", dir.resolve("t").toString());
        shmCollector.awaitMask(pb(dir), name("t"), writer, FAN_CREATE | FAN_CLOSE_WRITE);
        assertEquals(List.of(), shmCollector.failures());
      } finally {
        tmpfs.stop();
        assertTrue(t.join(TimeUnit.SECONDS.toMillis(30)), "tmpfs reader did not stop");
        assertEquals(List.of(), t.failures());
      }
    } finally {
      run("rm", "-rf", dir.toString());
    }
  }

  // --- collection
  // -------------------------------------------------------------------------------------------

  /** An event with its directories resolved when it arrived. */
  record Seen(FanotifyEvent e, PathBytes dir, PathBytes oldDir, PathBytes newDir) {}

  /** Keeps the events whose directories resolve inside the tree; the test thread waits on it. */
  static final class Collector implements FanotifyStream {
    final HandleResolver resolver;
    final byte[] prefix;
    final List<Seen> seen = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    int overflows;
    volatile boolean pause;
    final CountDownLatch blocked = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);

    Collector(HandleResolver resolver, PathBytes tree) {
      this.resolver = resolver;
      this.prefix = tree.toBytes();
    }

    void pauseOnNextEvent() {
      pause = true;
    }

    void release() {
      pause = false;
      released.countDown();
    }

    @Override
    public void event(FanotifyEvent e) {
      if (pause) {
        blocked.countDown();
        try {
          released.await();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      resolver.invalidate(e);
      try {
        PathBytes dir = resolve(e.dirHandle());
        PathBytes oldDir = resolve(e.oldDirHandle());
        PathBytes newDir = resolve(e.newDirHandle());
        if (inTree(dir) || inTree(oldDir) || inTree(newDir)) {
          synchronized (this) {
            seen.add(new Seen(e, dir, oldDir, newDir));
            notifyAll();
          }
        }
      } catch (NativeException ex) {
        synchronized (this) {
          failures.add(ex.getMessage());
        }
      }
    }

    private PathBytes resolve(FileHandleKey k) throws NativeException {
      return k == null ? null : resolver.resolve(k);
    }

    private boolean inTree(PathBytes p) {
      if (p == null || p.length() < prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (p.byteAt(i) != prefix[i]) {
          return false;
        }
      }
      return p.length() == prefix.length || p.byteAt(prefix.length) == '/';
    }

    @Override
    public synchronized void overflow() {
      overflows++;
      resolver.forgetAll();
      notifyAll();
    }

    @Override
    public synchronized void malformed(int count) {
      failures.add("malformed " + count);
      notifyAll();
    }

    /**
     * Waits until events in {@code dir} named {@code name} by {@code pid} together carry all of
     * {@code bits}.
     */
    synchronized void awaitMask(PathBytes dir, byte[] name, long pid, long bits)
        throws InterruptedException {
      long end = System.currentTimeMillis() + DEADLINE_MS;
      while (true) {
        long union = 0;
        for (Seen s : seen) {
          if (dir.equals(s.dir) && s.e.nameIs(name) && s.e.pid() == pid) {
            union |= s.e.mask();
          }
        }
        if ((union & bits) == bits) {
          return;
        }
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          fail(
              "no events with mask 0x"
                  + Long.toHexString(bits)
                  + " for "
                  + dir.display()
                  + "/"
                  + PathBytes.of(name).display()
                  + " by pid "
                  + pid
                  + " (union 0x"
                  + Long.toHexString(union)
                  + "); seen in the tree: "
                  + seen);
        }
        wait(left);
      }
    }

    synchronized void awaitOverflow() throws InterruptedException {
      long end = System.currentTimeMillis() + DEADLINE_MS * 3;
      while (overflows == 0) {
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          fail(
              "no FAN_Q_OVERFLOW after 20000 creates with the reader paused; events seen: "
                  + seen.size());
        }
        wait(left);
      }
    }

    synchronized Seen first(Predicate<Seen> p) {
      return seen.stream()
          .filter(p)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no such event in " + seen));
    }

    /** A copy: the reader thread may still be adding to the list. */
    synchronized List<String> failures() {
      return List.copyOf(failures);
    }

    synchronized List<Seen> all(Predicate<Seen> p) {
      return seen.stream().filter(p).collect(Collectors.toList());
    }
  }

  // --- helpers
  // ----------------------------------------------------------------------------------------------

  private static PathBytes pb(Path p) {
    return PathBytes.ofUtf8(p.toString());
  }

  private static byte[] name(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Our kinds of fds: fanotify groups, eventfds, and anything under a test tree. */
  private static long ourFds() throws IOException {
    return fdList().size();
  }

  private static List<String> fdList() throws IOException {
    return OpenFds.matching(
        t ->
            t.equals("anon_inode:[fanotify]")
                || t.equals("anon_inode:[eventfd]")
                || t.startsWith("/var/tmp/" + TREE_PREFIX)
                || t.startsWith("/dev/shm/" + TREE_PREFIX));
  }
}
