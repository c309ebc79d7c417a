package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored form of a change event: what it keeps, and values written by an older fim. */
class ChangeEventCodecTest {
  private static final Actor ALICE_VIM = new Actor(1001L, "alice", 0L, "root", 4242, 4200, "/usr/bin/vim.basic",
      "vim", List.of("vim", "/etc/hosts"), 3L, "pts/0");

  @Test
  void codecKeepsTheActorAndReadsValuesWrittenBeforeIt() {
    ChangeEvent e = new ChangeEvent(5, 9, Action.MOVED, PathBytes.ofUtf8("/b"), PathBytes.ofUtf8("/a"),
        Records.file(2, 0644, Records.xxh(2)), Records.file(2, 0644, Records.xxh(2)), List.of(), Origin.WATCH, Attribution.PROC,
        null, "a message", ALICE_VIM);
    ChangeEvent back = ChangeEventCodec.decode(ChangeEventCodec.encode(e));
    assertEquals(ALICE_VIM, back.actor());
    assertEquals("a message", back.message());
    assertArrayEquals(ChangeEventCodec.encode(e), ChangeEventCodec.encode(back), "a round trip keeps every field");

    // A value as the first version wrote it ends after the attribution reason: no message, no actor.
    ChangeEvent old = new ChangeEvent(5, 9, Action.DELETED, PathBytes.ofUtf8("/x"), null, null,
        Records.file(1, 0644, Records.xxh(1)), List.of(), Origin.CHECK, Attribution.NONE, "why");
    byte[] full = ChangeEventCodec.encode(old);
    byte[] v1 = java.util.Arrays.copyOf(full, full.length - 4 - 1); // minus the null message (-1) and actor byte
    ChangeEvent read = ChangeEventCodec.decode(v1);
    assertEquals(null, read.message());
    assertEquals(null, read.actor());
    assertEquals("why", read.attributionReason());
  }
}
