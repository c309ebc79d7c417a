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
        "check", "none", "fim check does not observe writers");
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
        Records.file(1, 0644, Records.xxh(1)), List.of(), "check", null, null);
    String json = EventJson.toJson(e);
    assertTrue(json.contains("\"path\":\"/x\\\\xff\\\\n\",\"path_hex\":\"2f78ff0a\""), json);
    assertEquals(-1, json.indexOf('\n'), "one event is one line");
  }
}
