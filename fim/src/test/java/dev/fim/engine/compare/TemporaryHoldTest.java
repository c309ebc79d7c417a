package dev.fim.engine.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.attribute.Sighting;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hold's bookkeeping on a hand-moved clock: bound, deadlines, release. */
class TemporaryHoldTest {
  private static final long HOLD = 1_000;

  private static PathBytes p(String s) {
    return PathBytes.ofUtf8("/w/" + s);
  }

  private static FileRecord file(long ino, long mtime) {
    return new FileRecord(
        FileType.FILE,
        0644,
        0,
        0,
        1,
        8,
        mtime,
        mtime,
        1,
        ino,
        1,
        null,
        List.of(),
        List.of(),
        0,
        null);
  }

  @Test
  void boundedBeyondTheCapacityNothingIsHeldAndItIsCounted() {
    TemporaryHold h = new TemporaryHold(HOLD, 2);
    assertTrue(h.hold(p("a.dpkg-new"), file(1, 1), 0, Sighting.NONE, 0, false));
    assertTrue(h.hold(p("b.dpkg-new"), file(2, 1), 0, Sighting.NONE, 0, false));
    assertFalse(h.hold(p("c.dpkg-new"), file(3, 1), 0, Sighting.NONE, 0, false));
    assertEquals(1, h.refused());
    assertTrue(
        h.hold(p("a.dpkg-new"), file(1, 2), 0, Sighting.NONE, 5, false),
        "one already held is updated, also when full");
    assertEquals(2, h.size());
  }

  @Test
  void writingToAHeldFileDoesNotExtendItsHold() {
    TemporaryHold h = new TemporaryHold(HOLD, 10);
    h.hold(p("a"), file(1, 1), 7, Sighting.NONE, 0, false);
    h.hold(p("b"), file(2, 1), 8, Sighting.NONE, 500, false);
    h.hold(p("a"), file(1, 2), 9, Sighting.NONE, 900, false);
    assertEquals(List.of(), h.expired(999));
    List<TemporaryHold.Held> due = h.expired(1_000);
    assertEquals(1, due.size());
    assertEquals(p("a"), due.get(0).path());
    assertEquals(7, due.get(0).firstWallNs(), "first seen stays");
    assertEquals(2, due.get(0).record().mtimeNs(), "the latest state is reported");
    assertEquals(p("b"), h.expired(1_500).get(0).path());
    assertEquals(0, h.size());
  }

  @Test
  void aBackupLinkStaysOneOnlyWhileUntouched() {
    TemporaryHold h = new TemporaryHold(HOLD, 10);
    h.hold(p("k.dpkg-tmp"), file(5, 1), 0, Sighting.NONE, 0, true);
    h.hold(p("k.dpkg-tmp"), file(5, 1), 0, Sighting.NONE, 1, false);
    assertTrue(h.release(p("k.dpkg-tmp")).linkOfKnown(), "the same untouched inode");
    h.hold(p("k.dpkg-tmp"), file(5, 1), 0, Sighting.NONE, 0, true);
    h.hold(p("k.dpkg-tmp"), file(5, 2), 0, Sighting.NONE, 1, true);
    assertFalse(h.release(p("k.dpkg-tmp")).linkOfKnown(), "written to: content of its own");
  }

  @Test
  void releaseUnderAScopeAndAll() {
    TemporaryHold h = new TemporaryHold(HOLD, 10);
    h.hold(p("d/x~"), file(1, 1), 0, Sighting.NONE, 0, false);
    h.hold(p("dd/y~"), file(2, 1), 0, Sighting.NONE, 0, false);
    h.hold(p("z~"), file(3, 1), 0, Sighting.NONE, 0, false);
    List<TemporaryHold.Held> d = h.releaseUnder(List.of(p("d")));
    assertEquals(1, d.size(), "/w/dd is not below /w/d");
    assertEquals(p("d/x~"), d.get(0).path());
    assertNull(h.release(p("d/x~")));
    assertEquals(2, h.releaseAll().size());
    assertEquals(0, h.size());
  }

  @Test
  void aHoldOfZeroHoldsNothing() {
    TemporaryHold h = new TemporaryHold(0, 10);
    assertFalse(h.hold(p("a.dpkg-new"), file(1, 1), 0, Sighting.NONE, 0, false));
    assertEquals(0, h.refused());
  }
}
