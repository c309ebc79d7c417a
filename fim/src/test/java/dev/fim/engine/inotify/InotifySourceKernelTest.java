package dev.fim.engine.inotify;

import static dev.fim.engine.Commands.isRoot;
import static dev.fim.engine.Commands.run;
import static dev.fim.engine.source.ChangeListener.ATTRIB;
import static dev.fim.engine.source.ChangeListener.CLOSED_WRITE;
import static dev.fim.engine.source.ChangeListener.CREATED;
import static dev.fim.engine.source.ChangeListener.DELETED;
import static dev.fim.engine.source.ChangeListener.MODIFIED;
import static dev.fim.engine.source.ChangeListener.MOVED_FROM;
import static dev.fim.engine.source.ChangeListener.MOVED_TO;
import static dev.fim.engine.source.ChangeListener.SELF_GONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.OpenFds;
import dev.fim.engine.ReaderThread;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link InotifySource} against the real kernel: trees under /var/tmp, changes made by real
 * processes (sh, mv, rm, mkdir, chmod, touch, python3 for bulk), events awaited with a deadline.
 * Absence is asserted after a barrier: a file created in a watched directory whose event, once
 * seen, means every earlier event was read (one inotify queue, in order). Needs no root, except
 * where the test changes a sysctl.
 */
@Tag("kernel")
class InotifySourceKernelTest {
  private static final long DEADLINE_MS = 20_000;
  private static final String PREFIX = "fim-inotify-";
  private static final Predicate<PathBytes> ALL = p -> true;
  private static final Path SYSCTL = Path.of("/proc/sys/fs/inotify");

  private Path tree;
  private Path outside;
  private InotifySource source;
  private ReaderThread thread;
  private final Collector events = new Collector();
  private List<String> fdsBefore;
  private int barriers;

  @BeforeEach
  void makeTrees() throws IOException {
    fdsBefore = fdList();
    tree = Files.createTempDirectory(Path.of("/var/tmp"), PREFIX);
    outside = Files.createTempDirectory(Path.of("/var/tmp"), PREFIX + "outside-");
  }

  @AfterEach
  void stopAndClean() throws Exception {
    try {
      stopSource();
    } finally {
      run("rm", "-rf", tree.toString(), outside.toString());
    }
    assertEquals(fdsBefore, fdList(), "inotify/eventfd/tree fds leaked");
    if (thread != null) {
      assertEquals(List.of(), thread.failures());
    }
    assertEquals(List.of(), events.failures);
  }

  @Test
  void createModifyCloseWriteAttribDeleteNameTheirPaths() throws Exception {
    start(List.of(tree), ALL);
    assertEquals("inotify", source.name());
    assertEquals("inotify, 1 directory watches", source.description());
    Path f = tree.resolve("f");
    run("sh", "-c", "echo x > \"$1\"", "_", f.toString());
    events.await(pb(f), CREATED | MODIFIED | CLOSED_WRITE, false, 0);

    int mark = events.mark();
    run("sh", "-c", "echo y >> \"$1\"", "_", f.toString());
    events.await(pb(f), MODIFIED | CLOSED_WRITE, false, mark);
    mark = events.mark();
    run("chmod", "600", f.toString());
    events.await(pb(f), ATTRIB, false, mark);
    mark = events.mark();
    // Both times set is ATTRIB; mtime alone (touch -m) is MODIFY to inotify (fsnotify_change in
    // fsnotify.h).
    run("touch", "-d", "2001-02-03", f.toString());
    events.await(pb(f), ATTRIB, false, mark);
    run("rm", f.toString());
    events.await(pb(f), DELETED, false, 0);

    Path sub = tree.resolve("sub");
    run("mkdir", sub.toString());
    events.await(pb(sub), CREATED, true, 0);
    run("sh", "-c", "echo z > \"$1\"", "_", sub.resolve("g").toString());
    events.await(pb(sub.resolve("g")), CREATED | CLOSED_WRITE, false, 0);
    assertEquals(2, source.watchCount());
    run("rm", "-r", sub.toString());
    events.await(pb(sub.resolve("g")), DELETED, false, 0);
    events.await(pb(sub), DELETED, true, 0);
    awaitTrue(
        () -> source.watchCount() == 1,
        () -> "the removed directory's watch is dropped: " + source.watchCount());

    run("chmod", "700", tree.toString());
    events.await(pb(tree), ATTRIB, true, 0); // the root has no watched parent: its own watch tells
  }

  @Test
  void aRootWithATrailingSlashNamesPathsWithOneSlash() throws Exception {
    source = InotifySource.open(List.of(PathBytes.ofUtf8(tree + "//")), ALL);
    startReader();
    run("mkdir", tree.resolve("d").toString());
    events.await(pb(tree.resolve("d")), CREATED, true, 0);
    run("touch", tree.resolve("d/f").toString());
    events.await(pb(tree.resolve("d/f")), CREATED, false, 0);
    assertThrows(
        IllegalArgumentException.class,
        () -> InotifySource.open(List.of(PathBytes.ofUtf8("var/tmp")), ALL));
  }

  @Test
  void namesWithAnFfByteAndANewlineKeepTheirBytes() throws Exception {
    start(List.of(tree), ALL);
    byte[] t = pb(tree).toBytes();
    PathBytes dir = PathBytes.of(concat(t, new byte[] {'/', 'd', (byte) 0xff}));
    PathBytes file =
        PathBytes.of(concat(dir.toBytes(), new byte[] {'/', 'x', (byte) 0xff, '\n', 'y'}));
    run(
        "env",
        "LC_ALL=C",
        "sh",
        "-c",
        "cd \"$1\" && d=$(printf 'd\\377') && f=$(printf 'x\\377\\ny') && mkdir \"$d\" && echo 1 > \"$d/$f\"",
        "_",
        tree.toString());
    events.await(dir, CREATED, true, 0);
    events.await(file, CREATED, false, 0); // from the walk of the new directory or from its watch
    int mark = events.mark();
    run(
        "env",
        "LC_ALL=C",
        "sh",
        "-c",
        "cd \"$1\" && echo 2 >> \"$(printf 'd\\377')/$(printf 'x\\377\\ny')\"",
        "_",
        tree.toString());
    events.await(file, MODIFIED | CLOSED_WRITE, false, mark);
    assertEquals(
        List.of(),
        events.changesUnder(pb(tree)).stream()
            .filter(c -> !c.path.equals(dir) && !c.path.equals(file))
            .collect(Collectors.toList()));
  }

  /**
   * The watch on a new directory comes after the kernel made it: what is made inside meanwhile must
   * still count.
   */
  @Test
  void mkdirPAndAFileInsideAtOnceIsNeverMissed() throws Exception {
    start(List.of(tree), ALL);
    int rounds = 20;
    run(
        "sh",
        "-c",
        "cd \"$1\" && i=0; while [ $i -lt "
            + rounds
            + " ]; do i=$((i+1)); "
            + "mkdir -p a$i/b/c && echo y > a$i/b/c/f; done",
        "_",
        tree.toString());
    for (int i = 1; i <= rounds; i++) {
      events.await(pb(tree.resolve("a" + i + "/b/c/f")), CREATED, false, 0);
      events.await(pb(tree.resolve("a" + i + "/b/c")), CREATED, true, 0);
    }
    assertEquals(1 + 3 * rounds, source.watchCount());
    int mark = events.mark();
    run("sh", "-c", "echo more >> \"$1\"", "_", tree.resolve("a" + rounds + "/b/c/f").toString());
    events.await(pb(tree.resolve("a" + rounds + "/b/c/f")), MODIFIED | CLOSED_WRITE, false, mark);
  }

  @Test
  void directoryRenamedInsideTheTreeIsWatchedAtItsNewPath() throws Exception {
    run("mkdir", "-p", tree.resolve("d/sub").toString(), tree.resolve("x").toString());
    start(List.of(tree), ALL);
    assertEquals(4, source.watchCount());
    run("mv", tree.resolve("d").toString(), tree.resolve("x/e").toString());
    events.awaitRename(pb(tree.resolve("d")), pb(tree.resolve("x/e")), true);
    run("sh", "-c", "echo y > \"$1\"", "_", tree.resolve("x/e/sub/f").toString());
    events.await(pb(tree.resolve("x/e/sub/f")), CREATED | CLOSED_WRITE, false, 0);
    assertEquals(List.of(), events.changesUnder(pb(tree.resolve("d"))));
    assertEquals(
        List.of(),
        events.changesWith(MOVED_FROM | MOVED_TO),
        "a pair is one rename, not two halves");
    assertEquals(4, source.watchCount());
  }

  @Test
  void directoryMovedOutLosesItsWatchesAndItsOldPathsStaySilent() throws Exception {
    run("mkdir", "-p", tree.resolve("d/sub").toString());
    start(List.of(tree), ALL);
    assertEquals(3, source.watchCount());
    run("mv", tree.resolve("d").toString(), outside.resolve("d").toString());
    events.await(pb(tree.resolve("d")), MOVED_FROM, true, 0);
    awaitTrue(
        () -> source.watchCount() == 1,
        () -> "watches of the moved-out tree removed: " + source.watchCount());
    int mark = events.mark();
    run(
        "sh",
        "-c",
        "echo y > \"$1\"/sub/f && touch \"$1\"/g && chmod 700 \"$1\"/sub",
        "_",
        outside.resolve("d").toString());
    barrier(tree);
    assertEquals(
        List.of(),
        events.changesSince(mark).stream().filter(c -> !isBarrier(c)).collect(Collectors.toList()));
  }

  @Test
  void directoryMovedInIsWatchedAndWhatIsInsideIsReportedCreated() throws Exception {
    run("mkdir", "-p", outside.resolve("m/n").toString());
    run("sh", "-c", "echo y > \"$1\"", "_", outside.resolve("m/n/file").toString());
    start(List.of(tree), ALL);
    assertEquals(1, source.watchCount());
    run("mv", outside.resolve("m").toString(), tree.resolve("m").toString());
    events.await(pb(tree.resolve("m")), MOVED_TO, true, 0);
    events.await(pb(tree.resolve("m/n")), CREATED, true, 0);
    events.await(pb(tree.resolve("m/n/file")), CREATED, false, 0);
    assertEquals(3, source.watchCount());
    run("sh", "-c", "echo z > \"$1\"", "_", tree.resolve("m/n/g").toString());
    events.await(pb(tree.resolve("m/n/g")), CREATED | CLOSED_WRITE, false, 0);
  }

  @Test
  void fileRenamesArePairsAndMovesAcrossTheEdgeAreHalves() throws Exception {
    run("sh", "-c", "echo x > \"$1\"/a && mkdir \"$1\"/sub", "_", tree.toString());
    start(List.of(tree), ALL);
    run("mv", tree.resolve("a").toString(), tree.resolve("b").toString());
    events.awaitRename(pb(tree.resolve("a")), pb(tree.resolve("b")), false);
    run("mv", tree.resolve("b").toString(), tree.resolve("sub/c").toString());
    events.awaitRename(pb(tree.resolve("b")), pb(tree.resolve("sub/c")), false);
    assertEquals(List.of(), events.changesWith(MOVED_FROM | MOVED_TO), "pairs are not also halves");
    // Many renames at once: each is a pair, or (split across two reads) a MOVED_FROM and a
    // MOVED_TO.
    int n = 300;
    run(
        "python3",
        "-c",
        "import os,sys\nd=sys.argv[1]\nfor i in range(int(sys.argv[2])):\n"
            + "    open(d+'/r%d'%i,'w').close()\n"
            + "for i in range(int(sys.argv[2])):\n    os.rename(d+'/r%d'%i, d+'/s%d'%i)",
        tree.toString(),
        String.valueOf(n));
    for (int i = 0; i < n; i++) {
      PathBytes from = pb(tree.resolve("r" + i));
      PathBytes to = pb(tree.resolve("s" + i));
      events.awaitRenameOrHalves(from, to, false);
    }
    run("mv", tree.resolve("sub/c").toString(), outside.resolve("c").toString());
    events.await(pb(tree.resolve("sub/c")), MOVED_FROM, false, 0);
    run("mv", outside.resolve("c").toString(), tree.resolve("c2").toString());
    events.await(pb(tree.resolve("c2")), MOVED_TO, false, 0);
  }

  /**
   * The kernel queues a rename's IN_MOVED_FROM and IN_MOVED_TO one after the other, and a read(2)
   * between the two (the reader woken by the first, the renaming process preempted before the
   * second: likely on a loaded machine) ends its batch with the IN_MOVED_FROM alone. Every rename
   * inside the trees must still come as one rename naming its old path: the reader waits briefly
   * for the other half (a held .dpkg-new is folded into its final name only through the rename). A
   * writer changes another file meanwhile, so the batches hold other events between and around the
   * halves; the renames go to another directory too (two watches).
   */
  @Test
  void everyRenameInsideTheTreesIsOnePairAlsoWithAConcurrentWriter() throws Exception {
    run("mkdir", tree.resolve("sub").toString());
    start(List.of(tree), ALL);
    int n = 2000;
    // The writer ends when killed, or when its shell is gone (it then has another parent).
    String writer =
        "import os,sys,time\nparent=os.getppid()\nwhile os.getppid()==parent:\n"
            + "    with open(sys.argv[1]+'/w','w') as f: f.write('x')\n"
            + "    time.sleep(0.0002)"; // paced: a flood could overflow the queue
    String renamer =
        "import os,sys\nd=sys.argv[1]\nfor i in range(int(sys.argv[2])):\n"
            + "    open(d+'/r%d'%i,'w').close()\n"
            + "    os.rename(d+'/r%d'%i, d+('/s%d' if i%2==0 else '/sub/s%d')%i)";
    run(
        "sh",
        "-c",
        "python3 -c \"$3\" \"$1\" & w=$!; python3 -c \"$4\" \"$1\" \"$2\"; s=$?;"
            + " kill $w; wait $w; exit $s",
        "_",
        tree.toString(),
        String.valueOf(n),
        writer,
        renamer);
    barrier(tree); // every event of the renames has been read and told
    // A queue overflow (a reader starved for long on a loaded machine) loses events: the renames
    // then cannot be checked one by one, and the overflow's own handling is tested elsewhere.
    assumeTrue(
        events.lossesSoFar().isEmpty(), () -> "the queue overflowed: " + events.lossesSoFar());
    java.util.Set<Rename> renames = events.renames();
    List<Rename> missing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PathBytes from = pb(tree.resolve("r" + i));
      PathBytes to = pb(tree.resolve((i % 2 == 0 ? "s" : "sub/s") + i));
      if (!renames.contains(new Rename(from, to, false))) {
        missing.add(new Rename(from, to, false));
      }
    }
    List<Change> halves = events.changesWith(MOVED_FROM | MOVED_TO);
    assertEquals(
        0,
        missing.size(),
        () ->
            missing.size()
                + " of "
                + n
                + " renames did not come as renames, e.g. "
                + missing.subList(0, Math.min(5, missing.size()))
                + "; halves: "
                + halves.subList(0, Math.min(10, halves.size())));
    assertEquals(List.of(), halves, "renames inside the trees reported as halves");
  }

  @Test
  void deletedRootIsSelfGone() throws Exception {
    Path r = tree.resolve("r");
    run("mkdir", "-p", r.resolve("x").toString());
    run("sh", "-c", "echo y > \"$1\"", "_", r.resolve("x/f").toString());
    start(List.of(r), ALL);
    assertEquals(2, source.watchCount());
    run("rm", "-r", r.toString());
    events.await(pb(r.resolve("x/f")), DELETED, false, 0);
    events.await(pb(r.resolve("x")), DELETED, true, 0);
    events.await(pb(r), SELF_GONE, true, 0);
    awaitTrue(() -> source.watchCount() == 0, () -> "all watches dropped: " + source.watchCount());
  }

  @Test
  void movedRootIsSelfGoneAndItsNewPathIsNotWatched() throws Exception {
    Path r = tree.resolve("r");
    Path o = tree.resolve("o");
    run("mkdir", "-p", r.resolve("x").toString(), o.toString());
    start(List.of(r, o), ALL);
    assertEquals(3, source.watchCount());
    run("mv", r.toString(), tree.resolve("r2").toString());
    events.await(pb(r), SELF_GONE, true, 0);
    awaitTrue(
        () -> source.watchCount() == 1,
        () -> "only the other root is left: " + source.watchCount());
    int mark = events.mark();
    run("sh", "-c", "echo y > \"$1\"", "_", tree.resolve("r2/x/f").toString());
    barrier(o);
    assertEquals(
        List.of(),
        events.changesSince(mark).stream().filter(c -> !isBarrier(c)).collect(Collectors.toList()));
  }

  @Test
  void fileRootIsWatchedThroughItsParentByName() throws Exception {
    Path conf = tree.resolve("conf");
    Path b = tree.resolve("b");
    run(
        "sh",
        "-c",
        "echo 1 > \"$1\"/conf && echo 1 > \"$1\"/other && mkdir \"$1\"/b",
        "_",
        tree.toString());
    start(List.of(conf, b), ALL);
    assertEquals(2, source.watchCount(), "the file's directory and the directory root");
    run("sh", "-c", "echo 2 >> \"$1\"/other && echo 2 >> \"$1\"/conf", "_", tree.toString());
    events.await(pb(conf), MODIFIED | CLOSED_WRITE, false, 0);
    // An editor's save: write a new file, rename it over the old name. The root stays watched.
    run(
        "sh",
        "-c",
        "echo 3 > \"$1\"/conf.new && mv \"$1\"/conf.new \"$1\"/conf",
        "_",
        tree.toString());
    events.await(pb(conf), MOVED_TO, false, 0);
    int mark = events.mark();
    run("sh", "-c", "echo 4 >> \"$1\"/conf && mkdir \"$1\"/newdir", "_", tree.toString());
    events.await(pb(conf), MODIFIED | CLOSED_WRITE, false, mark);
    barrier(b);
    List<Change> others =
        events.changesUnder(pb(tree)).stream()
            .filter(c -> !c.path.equals(pb(conf)) && !isBarrier(c))
            .collect(Collectors.toList());
    assertEquals(List.of(), others, "only the root's name counts in its directory");
    assertEquals(2, source.watchCount(), "a directory beside a file root is not watched");
    run("rm", conf.toString());
    events.await(pb(conf), DELETED, false, 0);
  }

  @Test
  void descendPrunesDirectoriesButTheirEntriesInTheParentCount() throws Exception {
    run("mkdir", "-p", tree.resolve("keep/k").toString(), tree.resolve("skip/s").toString());
    Predicate<PathBytes> descend =
        p -> !Arrays.equals(p.name(), "skip".getBytes(StandardCharsets.US_ASCII));
    start(List.of(tree), descend);
    assertEquals(3, source.watchCount(), "tree, keep, keep/k");
    int mark = events.mark();
    run(
        "sh",
        "-c",
        "echo y > \"$1\"/skip/s/f && mkdir -p \"$1\"/new/skip/deep",
        "_",
        tree.toString());
    events.await(pb(tree.resolve("new/skip")), CREATED, true, 0);
    barrier(tree.resolve("keep/k"));
    assertEquals(
        List.of(),
        events.changesSince(mark).stream()
            .filter(
                c ->
                    c.path.isUnder(pb(tree.resolve("skip")))
                        || c.path.isUnder(pb(tree.resolve("new/skip/deep"))))
            .collect(Collectors.toList()));
    assertEquals(4, source.watchCount(), "new is watched, new/skip is not");
  }

  /**
   * A reader that does not read lets the queue overflow; the loss names the sysctl; the tree is
   * watched again.
   */
  @Test
  void queueOverflowIsALossForTheRootsAndNewDirectoriesAreWatchedAfterIt() throws Exception {
    long max = InotifyCalls.limit(InotifyCalls.MAX_QUEUED_EVENTS);
    assumeTrue(
        max <= 1_000_000,
        "fs.inotify.max_queued_events=" + max + " is too large to overflow in a test");
    source = InotifySource.open(List.of(pb(tree)), ALL);
    // Not reading yet: each new name is one event at least (inotify merges only identical
    // consecutive events).
    run(
        "python3",
        "-c",
        "import os,sys\nd=sys.argv[1]\nfor i in range(int(sys.argv[2])):\n"
            + "    os.close(os.open(d+'/f%07d'%i, os.O_CREAT|os.O_WRONLY, 0o644))",
        tree.toString(),
        String.valueOf(max + 100));
    run(
        "mkdir",
        "-p",
        tree.resolve("late/x").toString()); // its IN_CREATE is lost with the overflow
    startReader();
    Loss loss = events.awaitLoss(l -> l.reason.startsWith("inotify queue overflow"));
    assertEquals("inotify queue overflow (fs.inotify.max_queued_events=" + max + ")", loss.reason);
    assertEquals(List.of(pb(tree)), loss.scope);
    // The loss comes after the roots were walked again: what is made from now on is seen, no gap
    // for a rescan.
    run("sh", "-c", "echo y > \"$1\"", "_", tree.resolve("late/x/f").toString());
    events.await(pb(tree.resolve("late/x/f")), CREATED | CLOSED_WRITE, false, 0);
    assertEquals(3, source.watchCount());
  }

  /**
   * An unmount takes the watches on that filesystem with it; what is visible at the path again gets
   * watched.
   */
  @Test
  void unmountIsALossAndTheDirectoryBelowIsWatchedAfterIt() throws Exception {
    assumeTrue(isRoot(), "needs root to mount a tmpfs");
    Path m = tree.resolve("m");
    run("mkdir", "-p", m.toString(), tree.resolve("b").toString());
    run("mount", "-t", "tmpfs", "fim-inotify-test", m.toString());
    try {
      run("mkdir", m.resolve("x").toString());
      start(List.of(tree), ALL);
      assertEquals(4, source.watchCount(), "tree, b, the tmpfs root at m, m/x");
      run("umount", m.toString());
      Loss loss = events.awaitLoss(l -> l.reason.contains("unmounted"));
      assertTrue(loss.scope.get(0).isUnder(pb(m)), loss.toString());
      // The loss comes after the roots were walked again: m is the directory of the tree's
      // filesystem now.
      run("touch", m.resolve("f").toString());
      events.await(pb(m.resolve("f")), CREATED, false, 0);
      assertEquals(3, source.watchCount(), "tree, b, m");
    } finally {
      new ProcessBuilder("umount", m.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(); // only if the test failed early
    }
  }

  @Test
  void watchLimitAtOpenSaysWhichSysctlToRaise() throws Exception {
    assumeTrue(isRoot(), "needs root to lower fs.inotify.max_user_watches");
    run("mkdir", "-p", tree.resolve("a/b").toString());
    NativeException e =
        withMaxUserWatches(
            1,
            () ->
                assertThrows(
                    NativeException.class, () -> InotifySource.open(List.of(pb(tree)), ALL)));
    assertEquals(Errno.ENOSPC, e.errno());
    assertTrue(e.path().isUnder(pb(tree)), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("inotify_add_watch " + e.path().display() + ": ENOSPC"),
        e.getMessage());
    assertTrue(e.getMessage().contains("(fs.inotify.max_user_watches=1, "), e.getMessage());
    assertTrue(
        e.getMessage().contains("raise it with sysctl fs.inotify.max_user_watches="),
        e.getMessage());
  }

  @Test
  void watchLimitForANewDirectoryIsALossAndWatchingGoesOn() throws Exception {
    assumeTrue(isRoot(), "needs root to lower fs.inotify.max_user_watches");
    run("mkdir", "-p", tree.resolve("a").toString());
    start(List.of(tree), ALL);
    Path fresh = tree.resolve("new");
    Loss loss =
        withMaxUserWatches(
            source.watchCount(),
            () -> {
              run("mkdir", fresh.toString());
              return events.awaitLoss(l -> l.reason.contains("max_user_watches"));
            });
    assertEquals(List.of(pb(fresh)), loss.scope);
    assertTrue(loss.reason.startsWith("inotify_add_watch " + fresh + ": ENOSPC"), loss.reason);
    assertTrue(
        loss.reason.contains("raise it with sysctl fs.inotify.max_user_watches="), loss.reason);
    events.await(pb(fresh), CREATED, true, 0);
    run("sh", "-c", "echo y > \"$1\"", "_", tree.resolve("a/f").toString());
    events.await(pb(tree.resolve("a/f")), CREATED | CLOSED_WRITE, false, 0);
    assertEquals(2, source.watchCount());
  }

  @Test
  void stopReturnsPromptlyAlsoBeforeRun() throws Exception {
    start(List.of(tree), ALL);
    source.stop();
    assertTrue(thread.join(TimeUnit.SECONDS.toMillis(30)), "run did not return after stop");
    source.stop(); // idempotent
    try (InotifySource early = InotifySource.open(List.of(pb(tree)), ALL)) {
      early.stop();
      early.run(events); // returns at once
      early.close();
    }
  }

  @Test
  void openCloseAndFailedOpenLeaveNoFds() throws Exception {
    for (int i = 0; i < 5; i++) {
      InotifySource s = InotifySource.open(List.of(pb(tree)), ALL);
      List<String> open = fdList();
      assertEquals(
          fdsBefore.size() + 2, open.size(), () -> "the instance and the stop eventfd: " + open);
      s.close();
      assertEquals(0, s.watchCount());
    }
    NativeException e =
        assertThrows(
            NativeException.class,
            () -> InotifySource.open(List.of(pb(tree), pb(tree.resolve("missing"))), ALL));
    assertEquals(Errno.ENOENT, e.errno());
    assertEquals(pb(tree.resolve("missing")), e.path());
  }

  // --- running the source
  // -------------------------------------------------------------------------------------

  private void start(List<Path> roots, Predicate<PathBytes> descend) throws NativeException {
    source =
        InotifySource.open(
            roots.stream().map(InotifySourceKernelTest::pb).collect(Collectors.toList()), descend);
    startReader();
  }

  private void startReader() {
    thread = ReaderThread.start("inotify-reader", () -> source.run(events));
  }

  private void stopSource() throws InterruptedException {
    if (source == null) {
      return;
    }
    source.stop();
    if (thread != null) {
      assertTrue(thread.join(TimeUnit.SECONDS.toMillis(30)), "reader did not stop");
    }
    source.close();
    source.close();
  }

  /**
   * Creates a file in {@code dir} (watched) and waits for it: every event before it has been
   * handled then.
   */
  private void barrier(Path dir) throws Exception {
    Path b = dir.resolve("barrier-" + ++barriers);
    run("touch", b.toString());
    events.await(pb(b), CREATED, false, 0);
  }

  private static boolean isBarrier(Change c) {
    return new String(c.path.name(), StandardCharsets.ISO_8859_1).startsWith("barrier-");
  }

  interface Action<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code action} with fs.inotify.max_user_watches at {@code limit}; restores the exact old
   * value. (Read with {@link InotifyCalls#limit}: {@link Files#readString} sees only the first
   * digit of a sysctl file.)
   */
  private static <T> T withMaxUserWatches(long limit, Action<T> action) throws Exception {
    Path f = SYSCTL.resolve(InotifyCalls.MAX_USER_WATCHES);
    long saved = InotifyCalls.limit(InotifyCalls.MAX_USER_WATCHES);
    assertTrue(saved > 0, "fs.inotify.max_user_watches unreadable");
    try {
      Files.writeString(f, Long.toString(limit));
      assertEquals(limit, InotifyCalls.limit(InotifyCalls.MAX_USER_WATCHES));
      return action.run();
    } finally {
      Files.writeString(f, Long.toString(saved));
      assertEquals(
          saved,
          InotifyCalls.limit(InotifyCalls.MAX_USER_WATCHES),
          "fs.inotify.max_user_watches restored");
    }
  }

  private static void awaitTrue(
      BooleanSupplier condition, java.util.function.Supplier<String> message)
      throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > end) {
        fail(message.get());
      }
      Thread.sleep(
          10); // polling a counter of the reader thread; the deadline, not the sleep, decides
    }
  }

  // --- collecting
  // ---------------------------------------------------------------------------------------------

  record Change(PathBytes path, int what, boolean directory) {
    @Override
    public String toString() {
      return "changed("
          + path.display()
          + ", 0x"
          + Integer.toHexString(what)
          + (directory ? ", dir)" : ")");
    }
  }

  record Rename(PathBytes from, PathBytes to, boolean directory) {
    @Override
    public String toString() {
      return "renamed(" + from.display() + " -> " + to.display() + (directory ? ", dir)" : ")");
    }
  }

  record Loss(String reason, List<PathBytes> scope) {}

  /** Everything the source said, in order; the test thread waits on it. */
  static final class Collector implements ChangeListener {
    final List<Object> seen = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    @Override
    public void changed(PathBytes path, int what, boolean directory, int pid) {
      add(new Change(path, what, directory), pid);
    }

    @Override
    public void renamed(PathBytes from, PathBytes to, boolean directory, int pid) {
      add(new Rename(from, to, directory), pid);
    }

    @Override
    public void lost(String reason, List<PathBytes> scope) {
      add(new Loss(reason, List.copyOf(scope)), 0);
    }

    private synchronized void add(Object call, int pid) {
      if (pid != 0) {
        failures.add("inotify cannot know the pid, yet got " + pid + " in " + call);
      }
      seen.add(call);
      notifyAll();
    }

    synchronized int mark() {
      return seen.size();
    }

    /**
     * Waits until the changes of {@code path} since {@code from} together carry all of {@code
     * bits}, and checks that they all say {@code directory}.
     */
    synchronized void await(PathBytes path, int bits, boolean directory, int from)
        throws InterruptedException {
      awaitCondition(
          () -> {
            int union = 0;
            for (Change c : changesOf(from)) {
              if (c.path.equals(path)) {
                assertEquals(directory, c.directory, () -> "directory flag of " + c);
                union |= c.what;
              }
            }
            return (union & bits) == bits;
          },
          () -> "changes 0x" + Integer.toHexString(bits) + " of " + path.display());
    }

    synchronized void awaitRename(PathBytes from, PathBytes to, boolean directory)
        throws InterruptedException {
      Rename want = new Rename(from, to, directory);
      awaitCondition(() -> seen.contains(want), want::toString);
    }

    synchronized void awaitRenameOrHalves(PathBytes from, PathBytes to, boolean directory)
        throws InterruptedException {
      Rename want = new Rename(from, to, directory);
      Change fromHalf = new Change(from, MOVED_FROM, directory);
      Change toHalf = new Change(to, MOVED_TO, directory);
      awaitCondition(
          () -> seen.contains(want) || seen.contains(fromHalf) && seen.contains(toHalf),
          want::toString);
    }

    synchronized java.util.Set<Rename> renames() {
      return seen.stream()
          .filter(o -> o instanceof Rename)
          .map(o -> (Rename) o)
          .collect(Collectors.toSet());
    }

    synchronized Loss awaitLoss(Predicate<Loss> which) throws InterruptedException {
      awaitCondition(() -> losses().stream().anyMatch(which), () -> "a loss");
      return losses().stream().filter(which).findFirst().orElseThrow();
    }

    synchronized List<Change> changesSince(int from) {
      return changesOf(from);
    }

    synchronized List<Change> changesUnder(PathBytes dir) {
      return changesOf(0).stream().filter(c -> c.path.isUnder(dir)).collect(Collectors.toList());
    }

    synchronized List<Change> changesWith(int bits) {
      return changesOf(0).stream().filter(c -> (c.what & bits) != 0).collect(Collectors.toList());
    }

    private List<Change> changesOf(int from) {
      return seen.subList(from, seen.size()).stream()
          .filter(o -> o instanceof Change)
          .map(o -> (Change) o)
          .collect(Collectors.toList());
    }

    synchronized List<Loss> lossesSoFar() {
      return losses();
    }

    private List<Loss> losses() {
      return seen.stream()
          .filter(o -> o instanceof Loss)
          .map(o -> (Loss) o)
          .collect(Collectors.toList());
    }

    private void awaitCondition(BooleanSupplier condition, java.util.function.Supplier<String> what)
        throws InterruptedException {
      long end = System.currentTimeMillis() + DEADLINE_MS;
      while (!condition.getAsBoolean()) {
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          fail("no " + what.get() + " within " + DEADLINE_MS + " ms; seen: " + tail());
        }
        wait(left);
      }
    }

    private String tail() {
      List<Object> last = seen.subList(Math.max(0, seen.size() - 60), seen.size());
      return (seen.size() > last.size() ? "… " : "") + last;
    }
  }

  // --- helpers
  // ------------------------------------------------------------------------------------------------

  private static PathBytes pb(Path p) {
    return PathBytes.ofUtf8(p.toString());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Our kinds of fds: inotify instances, eventfds, and anything under a test tree. */
  private static List<String> fdList() throws IOException {
    return OpenFds.matching(
        t ->
            t.equals("anon_inode:inotify")
                || t.equals("anon_inode:[eventfd]")
                || t.startsWith("/var/tmp/" + PREFIX));
  }
}
