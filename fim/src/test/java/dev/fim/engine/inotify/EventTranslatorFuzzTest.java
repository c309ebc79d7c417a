package dev.fim.engine.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target for the inotify event decoder (issue 12): {@link EventTranslator#translate}, which
 * walks the {@code struct inotify_event}s of one read(2) by their {@code len} fields and turns them
 * into changes naming paths. Any bytes with any length must be handled without an exception other
 * than the declared {@link NativeException}, in bounded time, reading nothing beyond {@code len},
 * and every path it reports lies below a watched directory.
 *
 * <p>Real inotify instance, no real watches: the table knows directories under a path that does not
 * exist, so the watches the translator adds or removes fail as for a directory that vanished
 * (ENOENT, EINVAL), which it handles.
 */
class EventTranslatorFuzzTest {
  private static final PathBytes ROOT = PathBytes.ofUtf8("/nonexistent-fim-fuzz/root");
  private static int inotifyFd = -1;

  @BeforeAll
  static void open() throws NativeException {
    inotifyFd = InotifyCalls.init();
  }

  @AfterAll
  static void close() {
    if (inotifyFd >= 0) {
      new DirCalls().close(inotifyFd);
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void translatesAnyBuffer(FuzzedDataProvider data) throws NativeException {
    int slack = data.consumeInt(0, 64);
    byte[] bytes = data.consumeRemainingAsBytes();
    List<String> zeros = translate(bytes, slack, (byte) 0);
    List<String> ones = translate(bytes, slack, (byte) 0xff);
    assertEquals(zeros, ones, "the translator read past len");
  }

  private static List<String> translate(byte[] bytes, int slack, byte fill) throws NativeException {
    // Watches 1-4: the root, two directories in it and one file root's parent (wd 1-4 are what a
    // fuzzer finds first).
    WatchTable table = new WatchTable();
    WatchTable.Watch root = table.put(1, ROOT);
    root.whole = true;
    root.root = ROOT;
    table.put(2, ROOT.resolve("a".getBytes())).whole = true;
    table.put(3, ROOT.resolve("a/b".getBytes())).whole = true;
    WatchTable.Watch parent = table.put(4, PathBytes.ofUtf8("/nonexistent-fim-fuzz/etc"));
    parent.fileRoots.add("passwd".getBytes());
    List<PathBytes> roots = List.of(ROOT, PathBytes.ofUtf8("/nonexistent-fim-fuzz/etc/passwd"));
    TreeWatcher watcher = new TreeWatcher(inotifyFd, table, p -> true);
    EventTranslator translator =
        new EventTranslator(inotifyFd, table, watcher, p -> true, roots, l -> {});

    ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length + slack).order(ByteOrder.nativeOrder());
    buf.put(bytes);
    while (buf.hasRemaining()) {
      buf.put(fill);
    }
    buf.clear();
    List<String> out = new ArrayList<>();
    translator.translate(
        buf,
        bytes.length,
        new ChangeListener() {
          @Override
          public void changed(PathBytes path, int what, boolean directory, int pid) {
            assertWatched(path);
            out.add("changed " + path.display() + " " + what + " " + directory);
          }

          @Override
          public void renamed(PathBytes from, PathBytes to, boolean directory, int pid) {
            assertWatched(from);
            assertWatched(to);
            out.add("renamed " + from.display() + " " + to.display() + " " + directory);
          }

          @Override
          public void lost(String reason, List<PathBytes> scope) {
            out.add("lost " + scope);
          }
        });
    return out;
  }

  private static void assertWatched(PathBytes p) {
    assertTrue(p.isUnder(PathBytes.ofUtf8("/nonexistent-fim-fuzz")), p.display());
  }
}
