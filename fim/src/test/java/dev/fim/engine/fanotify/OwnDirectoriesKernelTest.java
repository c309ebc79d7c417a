package dev.fim.engine.fanotify;

import static dev.fim.engine.Commands.isRoot;
import static dev.fim.engine.Commands.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.ReaderThread;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link FanotifySource} with fim's own database directory beside the watched tree, against the
 * real kernel (under /var/tmp, as {@link FanotifyReaderKernelTest}): the directory is quietened
 * only outside the trees, a change in the tree next to it is still seen, and a quietened directory
 * moved into the tree loses its mark before the move is passed on, so a write inside it after the
 * move is reported (otherwise the inode's ignore mark would hide writes inside the tree).
 */
@Tag("kernel")
class OwnDirectoriesKernelTest {
  private static final long DEADLINE_MS = 20_000;

  private Path base;
  private Path tree;
  private Path db;
  private FanotifySource source;
  private ReaderThread thread;
  private final Notices notices = new Notices();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(isRoot(), "needs CAP_SYS_ADMIN for FAN_MARK_FILESYSTEM");
    base = Files.createTempDirectory(Path.of("/var/tmp"), "fim-own-");
    tree = Files.createDirectory(base.resolve("tree"));
    db = Files.createDirectory(base.resolve("db"));
    run("bash", "-c", "printf x > \"$1\"", "_", db.resolve("log").toString());
    run("bash", "-c", "printf x > \"$1\"", "_", tree.resolve("neighbour").toString());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (source != null) {
      source.stop();
      assertTrue(thread.join(TimeUnit.SECONDS.toMillis(30)), "reader did not stop");
      source.close();
      assertEquals(List.of(), thread.failures());
    }
    if (base != null) {
      run("rm", "-rf", base.toString());
    }
  }

  private void start(List<PathBytes> own) throws Exception {
    source = FanotifySource.open(List.of(pb(tree)), own);
    thread = ReaderThread.start("fanotify-own", () -> source.run(notices));
  }

  /**
   * The database's path is checked, then opened again: a link to the watched tree put at that path
   * in between (whoever can rename entries above the database could) must not get the tree marked.
   * Here the path is such a link from the start, as the open would meet it: nothing is quietened
   * and a write in the tree is seen.
   */
  @Test
  void aLinkToTheTreeAtTheDatabasesPathIsNotQuietened() throws Exception {
    Path link = Files.createSymbolicLink(base.resolve("dblink"), tree);
    start(List.of(pb(db)));
    assumeTrue(!source.quietened().isEmpty(), "kernel older than 6.0: no FAN_MARK_IGNORE");
    source.stop();
    assertTrue(thread.join(TimeUnit.SECONDS.toMillis(30)), "reader did not stop");
    source.close();
    source = null;
    start(List.of(pb(link)));
    assertEquals(List.of(), source.quietened(), "the tree, reached through the link, was marked");
    long writer =
        run("bash", "-c", "printf more >> \"$1\"", "_", tree.resolve("neighbour").toString());
    notices.await(pb(tree.resolve("neighbour")), writer);
  }

  @Test
  void theDatabaseBesideTheTreeIsQuietenedAndAChangeNextToItIsSeen() throws Exception {
    start(List.of(pb(db)));
    assumeTrue(!source.quietened().isEmpty(), "kernel older than 6.0: no FAN_MARK_IGNORE");
    assertEquals(List.of(pb(db)), source.quietened());
    run("bash", "-c", "printf y >> \"$1\"", "_", db.resolve("log").toString());
    long writer =
        run("bash", "-c", "printf more >> \"$1\"", "_", tree.resolve("neighbour").toString());
    notices.await(pb(tree.resolve("neighbour")), writer);
  }

  @Test
  void aDirectoryInsideTheTreeOrHoldingItIsNotQuietened() throws Exception {
    Path inside = Files.createDirectory(tree.resolve("db"));
    start(List.of(pb(inside), pb(base), pb(tree)));
    assertEquals(List.of(), source.quietened());
    long writer = run("bash", "-c", "printf x > \"$1\"", "_", inside.resolve("log").toString());
    notices.await(pb(inside.resolve("log")), writer);
  }

  @Test
  void theDatabaseMovedIntoTheTreeLosesItsMarkAndWritesInsideAreSeen() throws Exception {
    start(List.of(pb(db)));
    assumeTrue(!source.quietened().isEmpty(), "kernel older than 6.0: no FAN_MARK_IGNORE");
    Path moved = tree.resolve("db");
    long mv = run("mv", db.toString(), moved.toString());
    notices.await(pb(moved), mv);
    long writer = run("bash", "-c", "printf z >> \"$1\"", "_", moved.resolve("log").toString());
    notices.await(pb(moved.resolve("log")), writer);
    assertEquals(List.of(), source.quietened());
  }

  @Test
  void aParentOfTheDatabaseMovedIntoTheTreeAlsoEndsTheMark() throws Exception {
    Path parent = Files.createDirectory(base.resolve("var"));
    Path inner = parent.resolve("db");
    run("mv", db.toString(), inner.toString());
    start(List.of(pb(inner)));
    assumeTrue(!source.quietened().isEmpty(), "kernel older than 6.0: no FAN_MARK_IGNORE");
    long mv = run("mv", parent.toString(), tree.resolve("var").toString());
    notices.await(pb(tree.resolve("var")), mv);
    Path log = tree.resolve("var/db/log");
    long writer = run("bash", "-c", "printf z >> \"$1\"", "_", log.toString());
    notices.await(pb(log), writer);
  }

  private static PathBytes pb(Path p) {
    return PathBytes.of(p.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The source's notices, by path and pid; the test thread waits on it. */
  private static final class Notices implements ChangeListener {
    private final List<String> seen = new ArrayList<>();

    @Override
    public synchronized void changed(PathBytes path, int what, boolean directory, int pid) {
      seen.add(path.display() + " " + pid);
      notifyAll();
    }

    @Override
    public synchronized void renamed(PathBytes from, PathBytes to, boolean directory, int pid) {
      seen.add(to.display() + " " + pid);
      notifyAll();
    }

    @Override
    public synchronized void lost(String reason, List<PathBytes> scope) {
      seen.add("lost: " + reason);
      notifyAll();
    }

    synchronized void await(PathBytes path, long pid) throws InterruptedException {
      String want = path.display() + " " + pid;
      long end = System.currentTimeMillis() + DEADLINE_MS;
      while (!seen.contains(want)) {
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          fail("no notice of " + want + "; seen: " + seen);
        }
        wait(left);
      }
    }
  }
}
