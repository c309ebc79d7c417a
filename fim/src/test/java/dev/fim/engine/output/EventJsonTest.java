package dev.fim.engine.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.FileRecord;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  /** A watch or history line names the agent that wrote it, with this build's version, last. */
  @Test
  void aLineOfItsOwnNamesTheAgentAndThisBuildsVersion() throws Exception {
    java.util.Properties built = new java.util.Properties();
    try (java.io.InputStream in = BuildInfo.class.getResourceAsStream(BuildInfo.RESOURCE)) {
      assertTrue(in != null, "the build wrote no " + BuildInfo.RESOURCE);
      built.load(in);
    }
    String version = built.getProperty("version");
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+\\S*"), version);
    assertEquals(version, BuildInfo.VERSION);
    ChangeEvent e =
        new ChangeEvent(
            1L,
            7,
            Action.CREATED,
            PathBytes.ofUtf8("/etc/x"),
            null,
            Records.file(5, 0644, Records.xxh(1)),
            null,
            List.of(),
            Origin.WATCH,
            Attribution.NONE,
            "test");
    String json = EventJson.toJson(e);
    assertTrue(
        json.endsWith(",\"agent\":{\"type\":\"fim\",\"version\":\"" + version + "\"}}"), json);
    com.fasterxml.jackson.core.JsonParser p =
        new com.fasterxml.jackson.core.JsonFactory().createParser(json);
    while (p.nextToken() != null) {} // valid JSON throughout
  }

  /**
   * In an array of a document (check's JSON, a report) the document names the agent, not each
   * event.
   */
  @Test
  void anEventInADocumentCarriesNoAgent() throws Exception {
    ChangeEvent e =
        new ChangeEvent(
            1L,
            7,
            Action.DELETED,
            PathBytes.ofUtf8("/etc/x"),
            null,
            null,
            Records.file(5, 0644, Records.xxh(1)),
            List.of(),
            Origin.CHECK,
            Attribution.NONE,
            "test");
    java.io.StringWriter w = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator g =
        new com.fasterxml.jackson.core.JsonFactory().createGenerator(w)) {
      EventJson.write(e, g);
    }
    assertTrue(!w.toString().contains("agent"), w.toString());
  }

  @Test
  void anOddVersionStaysValidJson() {
    assertEquals("1.0\\\"x\\u000a", BuildInfo.jsonEscape("1.0\"x\n"));
  }

  @Test
  void updatedEventHasEcsFieldsAndTheDiff() {
    FileRecord before = Records.file(1201, 0644, Records.xxh(1));
    FileRecord after = Records.file(1234, 0600, Records.xxh(2));
    ChangeEvent e =
        new ChangeEvent(
            1_764_064_800_123_456_000L,
            42,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            after,
            before,
            List.of(
                new AttributeChange("content", "a", "b"),
                new AttributeChange("inode", "1201", "1234")),
            Origin.CHECK,
            Attribution.NONE,
            "fim check does not observe writers");
    String json = EventJson.toJson(e);
    assertTrue(
        json.startsWith(
            "{\"@timestamp\":\"2025-11-25T10:00:00.123456Z\",\"event\":{\"action\":\"updated\",\"sequence\":42"),
        json);
    assertTrue(
        json.contains(
            "\"file\":{\"path\":\"/etc/hosts\",\"type\":\"file\",\"inode\":\"1234\",\"previous_inode\":\"1201\",\"size\":220,\"mode\":\"0600\""),
        json);
    assertTrue(json.contains("\"hash\":{\"xxh3_128\":\"02020202020202020202020202020202\"}"), json);
    assertTrue(json.contains("\"changes\":[\"content\",\"inode\"]"), json);
    assertTrue(
        json.contains(
            "\"fim\":{\"origin\":\"check\",\"attribution\":\"none\",\"attribution_reason\":\"fim check does not observe writers\",\"diff\":{\"content\":{\"old\":\"a\",\"new\":\"b\"}"),
        json);
    assertTrue(!json.contains("path_hex"), "a UTF-8 path needs no hex");
  }

  @Test
  void nonUtf8PathCarriesItsExactBytes() {
    PathBytes p = PathBytes.of(new byte[] {'/', 'x', (byte) 0xff, '\n'});
    ChangeEvent e =
        new ChangeEvent(
            0,
            1,
            Action.DELETED,
            p,
            null,
            null,
            Records.file(1, 0644, Records.xxh(1)),
            List.of(),
            Origin.CHECK,
            null,
            null);
    String json = EventJson.toJson(e);
    assertTrue(json.contains("\"path\":\"/x\\\\xff\\\\n\",\"path_hex\":\"2f78ff0a\""), json);
    assertEquals(-1, json.indexOf('\n'), "one event is one line");
  }

  private static final Actor ALICE_VIM =
      new Actor(
          1001L,
          "alice",
          0L,
          "root",
          4242,
          4200,
          "/usr/bin/vim.basic",
          "vim",
          List.of("vim", "/etc/hosts"),
          3L,
          "pts/0");

  @Test
  void actorBecomesEcsUserAndProcess() {
    ChangeEvent e =
        new ChangeEvent(
            0,
            7,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            Records.file(2, 0644, Records.xxh(2)),
            Records.file(1, 0644, Records.xxh(1)),
            List.of(new AttributeChange("inode", "1", "2")),
            Origin.WATCH,
            Attribution.PROC,
            null,
            null,
            ALICE_VIM);
    String json = EventJson.toJson(e);
    // DESIGN.md's event JSON: user.id/name the effective user, user.audit the login user, process.*
    // as in ECS
    assertTrue(
        json.contains(
            "\"user\":{\"id\":\"0\",\"name\":\"root\",\"audit\":{\"id\":\"1001\",\"name\":\"alice\"}}"),
        json);
    assertTrue(
        json.contains(
            "\"process\":{\"pid\":4242,\"executable\":\"/usr/bin/vim.basic\",\"name\":\"vim\","
                + "\"args\":[\"vim\",\"/etc/hosts\"],\"parent\":{\"pid\":4200}}"),
        json);
    assertTrue(json.contains("\"attribution\":\"proc\""), json);
    assertTrue(json.contains("\"session_id\":\"3\",\"tty\":\"pts/0\""), json);
  }

  /**
   * A change two processes made lists both under fim.writers, oldest first, with every field;
   * process/user stay the last writer; a change with no writers list has no fim.writers.
   */
  @Test
  void everyWriterIsListedUnderFimWritersOldestFirst() {
    ChangeEvent e =
        new ChangeEvent(
            1_000_000_000L,
            7,
            Action.CREATED,
            PathBytes.ofUtf8("/usr/bin/x"),
            null,
            Records.file(2, 04755, Records.xxh(2)),
            null,
            List.of(),
            Origin.WATCH,
            Attribution.AUDIT,
            null,
            null,
            ALICE_VIM);
    String plain = EventJson.toJson(e);
    assertTrue(!plain.contains("writers"), plain);
    String json =
        EventJson.toJson(
            e.withWriters(
                List.of(
                    new dev.fim.store.Writer(
                        10, "/usr/bin/cp", "cp", 1001L, 0L, "openat", 77L, 1_001_000_000L),
                    new dev.fim.store.Writer(
                        4242,
                        "/usr/bin/vim.basic",
                        "vim",
                        1001L,
                        0L,
                        "fchmodat",
                        null,
                        1_002_000_000L))));
    assertTrue(
        json.contains(
            "\"writers\":[{\"pid\":10,\"executable\":\"/usr/bin/cp\",\"name\":\"cp\","
                + "\"auid\":\"1001\",\"uid\":\"0\",\"syscall\":\"openat\",\"serial\":77,"
                + "\"time\":\"1970-01-01T00:00:01.001Z\"},{\"pid\":4242,"
                + "\"executable\":\"/usr/bin/vim.basic\",\"name\":\"vim\",\"auid\":\"1001\","
                + "\"uid\":\"0\",\"syscall\":\"fchmodat\",\"time\":\"1970-01-01T00:00:01.002Z\"}]"),
        json);
    assertTrue(json.contains("\"process\":{\"pid\":4242,"), json);
  }

  /**
   * An unset login uid's context under fim.* (ECS has no unit field): the unit and the parent
   * chain, nearest first.
   */
  @Test
  void anUnsetLoginCarriesItsSystemdUnitAndParentChain() {
    Actor cron =
        new Actor(
            Actor.UNSET_ID,
            null,
            0L,
            "root",
            812,
            640,
            "/usr/bin/dash",
            "sh",
            null,
            null,
            null,
            "cron.service",
            List.of(
                new Actor.Parent(640, "/usr/sbin/cron", Actor.UNSET_ID),
                new Actor.Parent(2, null, null),
                new Actor.Parent(1, "/usr/lib/systemd/systemd", 1000L)));
    ChangeEvent e =
        new ChangeEvent(
            0,
            7,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            Records.file(2, 0644, Records.xxh(2)),
            Records.file(1, 0644, Records.xxh(1)),
            List.of(),
            Origin.WATCH,
            Attribution.AUDIT,
            null,
            null,
            cron);
    String json = EventJson.toJson(e);
    assertTrue(
        json.contains(
            "\"user\":{\"id\":\"0\",\"name\":\"root\",\"audit\":{\"id\":\"4294967295\"}}"),
        json);
    assertTrue(
        json.contains(
            "\"systemd_unit\":\"cron.service\",\"parents\":[{\"pid\":640,\"executable\":"
                + "\"/usr/sbin/cron\",\"auid\":\"4294967295\"},{\"pid\":2},{\"pid\":1,\"executable\":"
                + "\"/usr/lib/systemd/systemd\",\"auid\":\"1000\"}]},\"agent\":"),
        json);
    // a login user's event has neither
    String alice =
        EventJson.toJson(
            new ChangeEvent(
                0,
                7,
                Action.UPDATED,
                PathBytes.ofUtf8("/etc/hosts"),
                null,
                null,
                null,
                List.of(),
                Origin.WATCH,
                Attribution.PROC,
                null,
                null,
                ALICE_VIM));
    assertTrue(!alice.contains("systemd_unit") && !alice.contains("parents"), alice);
  }

  /**
   * A chain that stopped at its bound with more ancestors above says so (JSON {@code
   * fim.parents_cut}, text "<- …"); one that reached pid 1 or a login, or ended short, does not.
   */
  @Test
  void aParentChainCutAtItsBoundIsMarked() {
    List<Actor.Parent> eight = new java.util.ArrayList<>();
    for (int i = 0; i < Actor.MAX_PARENTS; i++) {
      eight.add(new Actor.Parent(900 - i, "/usr/bin/sh", Actor.UNSET_ID));
    }
    Actor deep =
        new Actor(
            Actor.UNSET_ID,
            null,
            0L,
            "root",
            901,
            900,
            "/usr/bin/sh",
            "sh",
            null,
            null,
            null,
            "deep.service",
            eight);
    ChangeEvent e =
        new ChangeEvent(
            0,
            7,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            null,
            null,
            List.of(),
            Origin.WATCH,
            Attribution.PROC,
            null,
            null,
            deep);
    String json = EventJson.toJson(e);
    assertTrue(json.contains("}],\"parents_cut\":true"), json);
    assertTrue(EventText.who(e).endsWith("/usr/bin/sh[893] <- …"), EventText.who(e));
    List<Actor.Parent> toInit = new java.util.ArrayList<>(eight.subList(0, 7));
    toInit.add(new Actor.Parent(1, "/usr/lib/systemd/systemd", Actor.UNSET_ID));
    Actor complete = deep.withContext("deep.service", toInit);
    assertTrue(!complete.parentsCut());
    assertTrue(!deep.withContext("deep.service", eight.subList(0, 3)).parentsCut());
    String whole =
        EventJson.toJson(
            new ChangeEvent(
                0,
                7,
                Action.UPDATED,
                PathBytes.ofUtf8("/etc/hosts"),
                null,
                null,
                null,
                List.of(),
                Origin.WATCH,
                Attribution.PROC,
                null,
                null,
                complete));
    assertTrue(!whole.contains("parents_cut"), whole);
  }

  @Test
  void unknownAndAbsentLabelsAreRendered() {
    // What a reader makes of labels this version does not know, or that an old event lacks
    // (OriginAttributionTest).
    ChangeEvent unknown =
        new ChangeEvent(
            0,
            1,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            null,
            null,
            List.of(),
            Origin.UNKNOWN,
            Attribution.UNKNOWN,
            "a newer fim's source");
    String json = EventJson.toJson(unknown);
    assertTrue(json.contains("\"origin\":\"unknown\",\"attribution\":\"unknown\""), json);
    assertTrue(EventText.lineWithWho(unknown).contains("/etc/hosts"));
    ChangeEvent absent =
        new ChangeEvent(
            0,
            2,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/hosts"),
            null,
            null,
            null,
            List.of(),
            null,
            null,
            null);
    String none = EventJson.toJson(absent);
    assertTrue(none.contains("\"fim\":{\"attribution\":\"none\""), none);
  }
}
