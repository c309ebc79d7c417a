package dev.fim.engine.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fim.engine.inotify.WatchTable.Watch;
import dev.fim.store.PathBytes;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The wd ⇄ path table: subtrees are byte-prefix ranges that stop at '/', so "/a/b0" and "/a/b." are
 * not below "/a/b".
 */
class WatchTableTest {
  private static final byte[] ODD = {'/', 'a', '/', (byte) 0xff, '\n'};

  private static WatchTable table() {
    WatchTable t = new WatchTable();
    int wd = 1;
    for (String p : List.of("/a", "/a/b", "/a/b/c", "/a/b/c/d", "/a/b0", "/a/b.", "/a/ba", "/ab")) {
      t.put(wd++, PathBytes.ofUtf8(p));
    }
    t.put(wd, PathBytes.of(ODD));
    return t;
  }

  private static List<String> paths(List<Watch> ws) {
    return ws.stream().map(w -> w.path.display()).collect(Collectors.toList());
  }

  @Test
  void subtreeStopsAtTheSlash() {
    WatchTable t = table();
    assertEquals(List.of("/a/b", "/a/b/c", "/a/b/c/d"), paths(t.subtree(PathBytes.ofUtf8("/a/b"))));
    assertEquals(List.of("/a/b/c/d"), paths(t.subtree(PathBytes.ofUtf8("/a/b/c/d"))));
    assertEquals(List.of("/a/\\xff\\n"), paths(t.subtree(PathBytes.of(ODD))));
    assertEquals(
        List.of(), paths(t.subtree(PathBytes.ofUtf8("/a/x"))), "no watch there, nothing below");
    assertEquals(9, t.subtree(PathBytes.ofUtf8("/")).size(), "everything is below /");
  }

  @Test
  void moveRekeysTheSubtreeOnly() {
    WatchTable t = table();
    Watch c = t.at(PathBytes.ofUtf8("/a/b/c"));
    t.move(PathBytes.ofUtf8("/a/b"), PathBytes.of(new byte[] {'/', 'z', (byte) 0xfe}));
    assertSame(c, t.at(PathBytes.of(new byte[] {'/', 'z', (byte) 0xfe, '/', 'c'})));
    assertSame(c, t.get(c.wd));
    assertNull(t.at(PathBytes.ofUtf8("/a/b/c")));
    assertEquals(
        List.of("/z\\xfe", "/z\\xfe/c", "/z\\xfe/c/d"),
        paths(t.subtree(PathBytes.of(new byte[] {'/', 'z', (byte) 0xfe}))));
    assertEquals(
        List.of("/a", "/a/b.", "/a/b0", "/a/ba", "/a/\\xff\\n"),
        paths(t.subtree(PathBytes.ofUtf8("/a"))));
    assertEquals(9, t.size());
  }

  @Test
  void removeKeepsALaterOwnerOfThePath() {
    WatchTable t = table();
    Watch old = t.at(PathBytes.ofUtf8("/a/b/c/d"));
    // rmdir d; mkdir d: the new directory's watch is in before the old one's IN_IGNORED is read.
    Watch fresh = t.put(100, PathBytes.ofUtf8("/a/b/c/d"));
    t.remove(old.wd);
    assertSame(fresh, t.at(PathBytes.ofUtf8("/a/b/c/d")));
    assertNull(t.get(old.wd));
    assertEquals(9, t.size());
  }

  @Test
  void aKnownWdAtANewPathMoves() {
    WatchTable t = table();
    Watch b = t.put(2, PathBytes.ofUtf8("/elsewhere"));
    assertSame(b, t.at(PathBytes.ofUtf8("/elsewhere")));
    assertNull(t.at(PathBytes.ofUtf8("/a/b")));
    assertEquals(9, t.size());
  }
}
