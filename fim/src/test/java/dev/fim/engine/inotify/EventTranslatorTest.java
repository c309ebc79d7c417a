package dev.fim.engine.inotify;

import static dev.fim.engine.inotify.InotifyLayout.IN_CLOSE_WRITE;
import static dev.fim.engine.inotify.InotifyLayout.IN_CREATE;
import static dev.fim.engine.inotify.InotifyLayout.IN_MOVED_FROM;
import static dev.fim.engine.inotify.InotifyLayout.IN_MOVED_TO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.engine.QueueReader;
import dev.fim.engine.source.ChangeListener;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventTranslator} over batches built by hand: a rename whose halves a read(2) split (the
 * IN_MOVED_FROM ends one read, its IN_MOVED_TO starts the next) is held back and joined, as {@link
 * QueueReader} hands the held tail again with the next read's events; a half with no partner is a
 * move across the edge of the trees. Files only, so no watch is added or removed (the real inotify
 * instance has none).
 */
class EventTranslatorTest {
  private static final PathBytes ROOT = PathBytes.ofUtf8("/nonexistent-fim-translator/root");
  private static final int ROOT_WD = 1;
  private static final int SUB_WD = 2;

  private int inotifyFd = -1;
  private EventTranslator translator;
  private final List<String> told = new ArrayList<>();
  private final ChangeListener listener =
      new ChangeListener() {
        @Override
        public void changed(PathBytes path, int what, boolean directory, int pid) {
          told.add("changed " + path.display() + " " + what);
        }

        @Override
        public void renamed(PathBytes from, PathBytes to, boolean directory, int pid) {
          told.add("renamed " + from.display() + " " + to.display());
        }

        @Override
        public void lost(String reason, List<PathBytes> scope) {
          told.add("lost " + scope);
        }
      };

  @BeforeEach
  void open() throws NativeException {
    inotifyFd = InotifyCalls.init();
    WatchTable table = new WatchTable();
    WatchTable.Watch root = table.put(ROOT_WD, ROOT);
    root.whole = true;
    root.root = ROOT;
    table.put(SUB_WD, ROOT.resolve("sub".getBytes(StandardCharsets.UTF_8))).whole = true;
    translator =
        new EventTranslator(
            inotifyFd,
            table,
            new TreeWatcher(inotifyFd, table, p -> true),
            p -> true,
            List.of(ROOT),
            l -> {});
  }

  @AfterEach
  void close() {
    if (inotifyFd >= 0) {
      new DirCalls().close(inotifyFd);
    }
  }

  @Test
  void aRenameSplitAcrossTwoReadsIsHeldAndJoinedIntoOneRename() throws NativeException {
    byte[] create = event(ROOT_WD, IN_CREATE, 0, "a");
    byte[] from = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    byte[] to = event(SUB_WD, IN_MOVED_TO, 7, "b");
    byte[] write = event(ROOT_WD, IN_CLOSE_WRITE, 0, "w");

    // The first read ends with the IN_MOVED_FROM: the events before it are told, it is held.
    assertEquals(create.length, translate(concat(create, from), 0));
    assertEquals(List.of("changed " + root("a") + " " + ChangeListener.CREATED), takeTold());

    // The next read, appended to the held tail, starts with the IN_MOVED_TO.
    byte[] joined = concat(from, to, write);
    assertEquals(joined.length, translate(joined, from.length));
    assertEquals(
        List.of(
            "renamed " + root("a") + " " + root("sub/b"),
            "changed " + root("w") + " " + ChangeListener.CLOSED_WRITE),
        takeTold());
  }

  @Test
  void aHeldHalfWhosePartnerDoesNotComeIsAMoveOutOfTheTrees() throws NativeException {
    byte[] from = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    byte[] write = event(ROOT_WD, IN_CLOSE_WRITE, 0, "w");
    assertEquals(0, translate(from, 0));
    assertEquals(List.of(), takeTold());

    // More events came, without the partner: the held half is not held twice.
    byte[] joined = concat(from, write);
    assertEquals(joined.length, translate(joined, from.length));
    assertEquals(
        List.of(
            "changed " + root("a") + " " + ChangeListener.MOVED_FROM,
            "changed " + root("w") + " " + ChangeListener.CLOSED_WRITE),
        takeTold());

    // Nothing came within the wait: the held tail is handed alone, all of it held.
    assertEquals(0, translate(from, 0));
    assertEquals(from.length, translate(from, from.length));
    assertEquals(List.of("changed " + root("a") + " " + ChangeListener.MOVED_FROM), takeTold());
  }

  @Test
  void aNewHalfAtTheEndOfTheJoinedBatchIsHeldInTurn() throws NativeException {
    byte[] fromA = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    byte[] toA = event(ROOT_WD, IN_MOVED_TO, 7, "b");
    byte[] fromC = event(ROOT_WD, IN_MOVED_FROM, 8, "c");
    byte[] toC = event(SUB_WD, IN_MOVED_TO, 8, "d");
    assertEquals(0, translate(fromA, 0));
    byte[] joined = concat(fromA, toA, fromC);
    assertEquals(fromA.length + toA.length, translate(joined, fromA.length));
    assertEquals(List.of("renamed " + root("a") + " " + root("b")), takeTold());
    byte[] next = concat(fromC, toC);
    assertEquals(next.length, translate(next, fromC.length));
    assertEquals(List.of("renamed " + root("c") + " " + root("sub/d")), takeTold());
  }

  @Test
  void halvesOfOneBatchAreARenameAndNothingIsHeld() throws NativeException {
    byte[] from = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    byte[] to = event(ROOT_WD, IN_MOVED_TO, 7, "b");
    byte[] batch = concat(from, to);
    assertEquals(batch.length, translate(batch, 0));
    assertEquals(List.of("renamed " + root("a") + " " + root("b")), takeTold());
  }

  /**
   * Interleaved renames: the tail after the unpaired IN_MOVED_FROM holds the IN_MOVED_TO of an
   * earlier one. Holding would hand that IN_MOVED_TO again without its claim, so nothing is held:
   * the earlier pair is a rename, the unpaired half told as it is.
   */
  @Test
  void aTailHoldingThePartnerOfAnEarlierHalfIsNotHeld() throws NativeException {
    byte[] fromA = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    byte[] fromC = event(ROOT_WD, IN_MOVED_FROM, 8, "c");
    byte[] toA = event(ROOT_WD, IN_MOVED_TO, 7, "b");
    byte[] batch = concat(fromA, fromC, toA);
    assertEquals(batch.length, translate(batch, 0));
    assertEquals(
        List.of(
            "renamed " + root("a") + " " + root("b"),
            "changed " + root("c") + " " + ChangeListener.MOVED_FROM),
        takeTold());
  }

  @Test
  void aHalfFarFromTheEndIsNotHeld() throws NativeException {
    byte[] from = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(from);
    int writes = 0;
    while (b.size() - from.length <= QueueReader.MAX_HELD) {
      b.writeBytes(event(ROOT_WD, IN_CLOSE_WRITE, 0, "w"));
      writes++;
    }
    byte[] batch = b.toByteArray();
    assertEquals(batch.length, translate(batch, 0));
    assertEquals(1 + writes, takeTold().size());
  }

  @Test
  void theWholeBatchOverloadHoldsNothing() throws NativeException {
    byte[] from = event(ROOT_WD, IN_MOVED_FROM, 7, "a");
    ByteBuffer buf = direct(from);
    translator.translate(buf, from.length, listener);
    assertEquals(List.of("changed " + root("a") + " " + ChangeListener.MOVED_FROM), takeTold());
  }

  // --- helpers

  private int translate(byte[] batch, int held) throws NativeException {
    return translator.translate(direct(batch), batch.length, held, listener);
  }

  private List<String> takeTold() {
    List<String> out = List.copyOf(told);
    told.clear();
    return out;
  }

  private static String root(String relative) {
    return ROOT.display() + "/" + relative;
  }

  private static ByteBuffer direct(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
    buf.put(bytes).clear();
    return buf;
  }

  /** One {@code struct inotify_event}, its name NUL-padded to 16 bytes as the kernel pads it. */
  private static byte[] event(int wd, int mask, int cookie, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    int len = (n.length / 16 + 1) * 16;
    ByteBuffer b =
        ByteBuffer.allocate(InotifyLayout.HEADER_SIZE + len).order(ByteOrder.nativeOrder());
    b.putInt(wd).putInt(mask).putInt(cookie).putInt(len).put(n);
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
