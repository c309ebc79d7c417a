package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  @Test
  void updatedEventHasEcsFieldsAndTheDiff() {
    FileRecord before = Records.file(1201, 0644, Records.xxh(1));
    FileRecord after = Records.file(1234, 0600, Records.xxh(2));
    ChangeEvent e = new ChangeEvent(1_764_064_800_123_456_000L, 42, Action.UPDATED,
        PathBytes.ofUtf8("/etc/hosts"), null, after, before,
        List.of(new AttributeChange("content", "a", "b"), new AttributeChange("inode", "1201", "1234")),
        Origin.CHECK, Attribution.NONE, "fim check does not observe writers");
    String json = EventJson.toJson(e);
    assertTrue(json.startsWith("{\"@timestamp\":\"2025-11-25T10:00:00.123456Z\",\"event\":{\"action\":\"updated\",\"sequence\":42"), json);
    assertTrue(json.contains("\"file\":{\"path\":\"/etc/hosts\",\"type\":\"file\",\"inode\":\"1234\",\"previous_inode\":\"1201\",\"size\":220,\"mode\":\"0600\""), json);
    assertTrue(json.contains("\"hash\":{\"xxh3_128\":\"02020202020202020202020202020202\"}"), json);
    assertTrue(json.contains("\"changes\":[\"content\",\"inode\"]"), json);
    assertTrue(json.contains("\"fim\":{\"origin\":\"check\",\"attribution\":\"none\",\"attribution_reason\":\"fim check does not observe writers\",\"diff\":{\"content\":{\"old\":\"a\",\"new\":\"b\"}"), json);
    assertTrue(!json.contains("path_hex"), "a UTF-8 path needs no hex");
  }

  @Test
  void nonUtf8PathCarriesItsExactBytes() {
    PathBytes p = PathBytes.of(new byte[] {'/', 'x', (byte) 0xff, '\n'});
    ChangeEvent e = new ChangeEvent(0, 1, Action.DELETED, p, null, null,
        Records.file(1, 0644, Records.xxh(1)), List.of(), Origin.CHECK, null, null);
    String json = EventJson.toJson(e);
    assertTrue(json.contains("\"path\":\"/x\\\\xff\\\\n\",\"path_hex\":\"2f78ff0a\""), json);
    assertEquals(-1, json.indexOf('\n'), "one event is one line");
  }

  private static final Actor ALICE_VIM = new Actor(1001L, "alice", 0L, "root", 4242, 4200, "/usr/bin/vim.basic",
      "vim", List.of("vim", "/etc/hosts"), 3L, "pts/0");

  @Test
  void actorBecomesEcsUserAndProcess() {
    ChangeEvent e = new ChangeEvent(0, 7, Action.UPDATED, PathBytes.ofUtf8("/etc/hosts"), null,
        Records.file(2, 0644, Records.xxh(2)), Records.file(1, 0644, Records.xxh(1)),
        List.of(new AttributeChange("inode", "1", "2")), Origin.WATCH, Attribution.PROC, null, null, ALICE_VIM);
    String json = EventJson.toJson(e);
    // DESIGN.md's event JSON: user.id/name the effective user, user.audit the login user, process.* as in ECS
    assertTrue(json.contains("\"user\":{\"id\":\"0\",\"name\":\"root\",\"audit\":{\"id\":\"1001\",\"name\":\"alice\"}}"),
        json);
    assertTrue(json.contains("\"process\":{\"pid\":4242,\"executable\":\"/usr/bin/vim.basic\",\"name\":\"vim\","
        + "\"args\":[\"vim\",\"/etc/hosts\"],\"parent\":{\"pid\":4200}}"), json);
    assertTrue(json.contains("\"attribution\":\"proc\""), json);
    assertTrue(json.contains("\"session_id\":\"3\",\"tty\":\"pts/0\""), json);
  }

  @Test
  void codecKeepsTheActorAndReadsValuesWrittenBeforeIt() {
    ChangeEvent e = new ChangeEvent(5, 9, Action.MOVED, PathBytes.ofUtf8("/b"), PathBytes.ofUtf8("/a"),
        Records.file(2, 0644, Records.xxh(2)), Records.file(2, 0644, Records.xxh(2)), List.of(), Origin.WATCH, Attribution.PROC,
        null, "a message", ALICE_VIM);
    ChangeEvent back = ChangeEventCodec.decode(ChangeEventCodec.encode(e));
    assertEquals(ALICE_VIM, back.actor());
    assertEquals("a message", back.message());
    assertEquals(EventJson.toJson(e), EventJson.toJson(back));

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
