package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.output.EventJson;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fim history} and {@code fim who} over real histories: recorded by real init/update/check
 * runs on a tree under /var/tmp, plus events with actors (as fim watch records them) appended
 * through {@link EventLog}.
 */
class HistoryCommandsTest {
  private static final String CHECK_REASON =
      "  by unknown (fim check compares states; it does not observe writers)";
  private static final String UPDATE_REASON =
      "  by unknown (fim update compares states; it does not observe writers)";
  // xxh128sum of the file contents below
  private static final String HOSTS_BEFORE =
      "xxh3_128:e74903c4de51357f0a857d1345a0e214"; // "127.0.0.1 localhost\n"
  private static final String HOSTS_AFTER =
      "xxh3_128:f182ccb606909ab0e7c9616d72b733fd"; // + "10.0.0.1 evil\n"
  private static final String ONE = "xxh3_128:06567c16a1de182538d12e73f626d650"; // "one\n"
  private static final String TWO = "xxh3_128:92b8d0e4f8fc8dd82096e784d42f2c6a"; // "two\n"
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
          List.of("vim", "hosts"),
          3L,
          "pts/0");
  private static final Actor CRON =
      new Actor(
          Actor.UNSET_ID, null, 0L, "root", 812, 1, "/usr/sbin/cron", "cron", null, null, null);

  private Path dir;
  private Path tree;
  private Path db;
  private Path conf;

  @BeforeEach
  void tree() throws Exception {
    // Under /var/tmp, not /tmp: like the other end-to-end tests, on a disk file system.
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-history-");
    tree = Files.createDirectories(dir.resolve("tree"));
    db = dir.resolve("db");
    Files.createDirectories(tree.resolve("etc"));
    Files.createDirectories(tree.resolve("etcx"));
    Files.writeString(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(tree.resolve("etc/motd"), "hi\n");
    Files.writeString(tree.resolve("etcx/file"), "one\n");
    conf = dir.resolve("fim.conf");
    // No times or inode numbers: every line of the history is known in advance but for when it was
    // recorded.
    Files.writeString(conf, "ALL = p+ftype+u+g+s+xxh3\n" + tree + " ALL\n");
  }

  @AfterEach
  void cleanUp() throws Exception {
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private Fim.Run fim(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(
        1,
        List.of(
            "--db",
            db.toString(),
            "--key",
            dir.resolve("seal.key").toString(),
            "-c",
            conf.toString()));
    return Fim.run(a.toArray(String[]::new));
  }

  private List<String> lines(String out) {
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }

  private List<ChangeEvent> stored() throws Exception {
    List<ChangeEvent> all = new ArrayList<>();
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      new EventLog(s).forEach(Long.MIN_VALUE, Long.MAX_VALUE, all::add);
    }
    return all;
  }

  private void append(ChangeEvent... events) throws Exception {
    try (Store s = Sealed.attach(Store.open(db, Store.OpenMode.CREATE), dir.resolve("seal.key"))) {
      new EventLog(s).append(List.of(events));
    }
  }

  private static long ns(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static ChangeEvent event(
      Instant t, Action a, Path path, Path oldPath, Actor actor, AttributeChange... changes) {
    return new ChangeEvent(
        ns(t),
        0,
        a,
        PathBytes.ofUtf8(path.toString()),
        oldPath == null ? null : PathBytes.ofUtf8(oldPath.toString()),
        null,
        null,
        List.of(changes),
        Origin.WATCH,
        actor == null ? Attribution.NONE : Attribution.PROC,
        actor == null ? "the process had exited" : null,
        null,
        actor);
  }

  /** An update (hosts appended, motd chmod) and then a check (etcx/file), as history lists them. */
  private String[] updateThenCheck() throws Exception {
    assertEquals(0, fim("init", tree.toString()).exit());
    Files.writeString(
        tree.resolve("etc/hosts"), "10.0.0.1 evil\n", java.nio.file.StandardOpenOption.APPEND);
    Files.setPosixFilePermissions(
        tree.resolve("etc/motd"), PosixFilePermissions.fromString("rw-------"));
    Fim.Run update = fim("update", tree.toString());
    assertEquals(ExitCodes.CHANGED, update.exit(), update.toString());
    Files.writeString(tree.resolve("etcx/file"), "two\n");
    Fim.Run check = fim("check", tree.toString());
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    List<ChangeEvent> events = stored();
    assertEquals(3, events.size(), events.toString());
    String updated = dev.fim.store.Timestamps.format(events.get(0).timeNs());
    String checked = dev.fim.store.Timestamps.format(events.get(2).timeNs());
    return new String[] {
      updated
          + " updated "
          + tree
          + "/etc/hosts  content: "
          + HOSTS_BEFORE
          + " -> "
          + HOSTS_AFTER
          + ", size: 20 -> 34"
          + UPDATE_REASON,
      updated
          + " attributes_modified "
          + tree
          + "/etc/motd  permissions: 0644 -> 0600"
          + UPDATE_REASON,
      checked + " updated " + tree + "/etcx/file  content: " + ONE + " -> " + TWO + CHECK_REASON
    };
  }

  @Test
  void historyListsWhatUpdateAndCheckRecordedNewestLast() throws Exception {
    String[] expected = updateThenCheck();
    Fim.Run all = fim("history");
    assertEquals(0, all.exit(), all.toString());
    assertEquals(List.of(expected), lines(all.out()), all.toString());
    assertEquals("", all.err());

    Fim.Run etc = fim("history", tree.resolve("etc").toString());
    assertEquals(
        List.of(expected[0], expected[1]), lines(etc.out()), "etc and below, not etcx:\n" + etc);
    Fim.Run etcx = fim("history", tree.resolve("etcx").toString() + "/");
    assertEquals(List.of(expected[2]), lines(etcx.out()), etcx.toString());
    Fim.Run file = fim("history", tree.resolve("etc/motd").toString());
    assertEquals(List.of(expected[1]), lines(file.out()), "a file is a tree of one:\n" + file);
  }

  @Test
  void jsonIsTheEventJsonOfEachStoredEventOnePerLine() throws Exception {
    updateThenCheck();
    Fim.Run json = fim("history", "--format", "json");
    assertEquals(0, json.exit(), json.toString());
    assertEquals(stored().stream().map(EventJson::toJson).toList(), lines(json.out()));
    var first = BaselineCommandsTest.flatten(lines(json.out()).get(0));
    assertEquals("updated", first.get("event.action"));
    assertEquals(tree + "/etc/hosts", first.get("file.path"));
    assertEquals("update", first.get("fim.origin"));
    assertEquals("none", first.get("fim.attribution"));
    var last = BaselineCommandsTest.flatten(lines(json.out()).get(2));
    assertEquals(tree + "/etcx/file", last.get("file.path"));
    assertEquals("check", last.get("fim.origin"));
  }

  @Test
  void whoListsThePathsLastChangesNewestFirstWithUserAndProcess() throws Exception {
    String[] history = updateThenCheck();
    Path hosts = tree.resolve("etc/hosts");
    Instant t = Instant.now().plusSeconds(1); // after the update's event
    append(
        event(
            t,
            Action.UPDATED,
            hosts,
            null,
            ALICE_VIM,
            new AttributeChange("content", "xxh3_128:aa", "xxh3_128:bb"),
            new AttributeChange("inode", "1201", "1234")),
        event(t.plusSeconds(2), Action.MOVED, tree.resolve("etc/hosts.old"), hosts, CRON),
        event(
            t.plusSeconds(1),
            Action.ATTRIBUTES_MODIFIED,
            hosts,
            null,
            null,
            new AttributeChange("permissions", "0644", "0600")),
        event(t.plusSeconds(3), Action.CREATED, tree.resolve("etc/hostsx"), null, ALICE_VIM));
    String[] expected = {
      dev.fim.store.Timestamps.format(ns(t.plusSeconds(2)))
          + " moved "
          + hosts
          + " -> "
          + tree
          + "/etc/hosts.old"
          + "  by (auid unset) as root, cron[812] /usr/sbin/cron",
      dev.fim.store.Timestamps.format(ns(t.plusSeconds(1)))
          + " attributes_modified "
          + hosts
          + "  permissions: 0644 -> 0600"
          + "  by unknown (the process had exited)",
      dev.fim.store.Timestamps.format(ns(t))
          + " updated "
          + hosts
          + "  content: xxh3_128:aa -> xxh3_128:bb, inode: 1201 -> 1234"
          + "  by alice (auid 1001) as root, vim[4242] /usr/bin/vim.basic",
      history[0]
    };

    Fim.Run who = fim("who", hosts.toString());
    assertEquals(0, who.exit(), who.toString());
    assertEquals(
        List.of(expected),
        lines(who.out()),
        "exactly hosts (as path or old path), newest first:\n" + who);
    Fim.Run two = fim("who", "-n", "2", hosts.toString());
    assertEquals(List.of(expected[0], expected[1]), lines(two.out()), two.toString());

    Fim.Run json = fim("who", "-n", "3", "--format", "json", hosts.toString());
    List<String> objects = lines(json.out());
    assertEquals(3, objects.size(), json.toString());
    var vim = BaselineCommandsTest.flatten(objects.get(2));
    assertEquals("alice", vim.get("user.audit.name"));
    assertEquals("1001", vim.get("user.audit.id"));
    assertEquals("root", vim.get("user.name"));
    assertEquals(4242, vim.get("process.pid"));
    assertEquals("/usr/bin/vim.basic", vim.get("process.executable"));
    assertEquals("proc", vim.get("fim.attribution"));

    Fim.Run history2 =
        fim(
            "history",
            tree.resolve("etc").toString(),
            "--since",
            dev.fim.store.Timestamps.format(ns(t)));
    assertEquals(
        List.of(
            expected[2],
            expected[1],
            expected[0],
            dev.fim.store.Timestamps.format(ns(t.plusSeconds(3)))
                + " created "
                + tree
                + "/etc/hostsx"
                + "  by alice (auid 1001) as root, vim[4242] /usr/bin/vim.basic"),
        lines(history2.out()),
        "history: the same events oldest first, with the rest of the tree:\n" + history2);
  }

  @Test
  void whoOfAPathWithoutChangesExitsOne() throws Exception {
    updateThenCheck();
    Fim.Run who = fim("who", tree.resolve("etc").toString());
    assertEquals(ExitCodes.NONE_FOUND, who.exit(), "the directory itself did not change:\n" + who);
    assertEquals("", who.out());
    assertTrue(
        who.err().startsWith("fim who: no changes of " + tree + "/etc recorded in database " + db),
        who.err());
    Fim.Run json = fim("who", "--format", "json", tree.resolve("etc/nothing").toString());
    assertEquals(1, json.exit(), json.toString());
    assertEquals("", json.out() + json.err(), "json: nothing at all");
  }

  @Test
  void sinceAndUntilBoundTheTimeAndPathsMatchByTree() throws Exception {
    Path a = tree.resolve("a");
    Path ab = tree.resolve("ab");
    append(
        event(Instant.parse("2026-11-20T12:00:00Z"), Action.CREATED, a, null, null),
        event(Instant.parse("2026-11-24T12:00:00Z"), Action.CREATED, ab, null, null),
        event(Instant.parse("2026-11-25T10:00:00Z"), Action.CREATED, a.resolve("x"), null, null),
        event(Instant.parse("2026-11-25T10:00:00.000000001Z"), Action.DELETED, a, null, null));
    String ab24 = "2026-11-24T12:00:00Z created " + ab + "  by unknown (the process had exited)";
    String x25 = "2026-11-25T10:00:00Z created " + a + "/x  by unknown (the process had exited)";
    String a25 =
        "2026-11-25T10:00:00.000000001Z deleted " + a + "  by unknown (the process had exited)";
    String a20 = "2026-11-20T12:00:00Z created " + a + "  by unknown (the process had exited)";

    assertEquals(
        List.of(ab24, x25, a25),
        lines(fim("history", "--since", "2026-11-24T12:00:00Z").out()),
        "inclusive");
    assertEquals(
        List.of(a20, ab24),
        lines(fim("history", "--until", "2026-11-25T10:00:00Z").out()),
        "exclusive");
    assertEquals(
        List.of(ab24, x25),
        lines(
            fim("history", "--since", "2026-11-23", "--until", "2026-11-25T10:00:00.000000001Z")
                .out()),
        "a date is local midnight, whatever the zone (±14 h)");
    assertEquals(
        List.of(x25, a25),
        lines(fim("history", "--since", "2026-11-25T11:00+01:00", a.toString()).out()));
    assertEquals(
        List.of(a20, x25, a25),
        lines(fim("history", a.toString()).out()),
        tree + "/a does not match /ab");
    assertEquals(List.of(ab24), lines(fim("history", ab.toString()).out()));
    assertEquals(List.of(a25, a20), lines(fim("who", a.toString()).out()), "who is exact: not a/x");

    Fim.Run none = fim("history", "--since", "2026-11-26T00:00:00Z");
    assertEquals(0, none.exit(), none.toString());
    assertEquals("", none.out());
    assertEquals(
        "fim history: no changes recorded since 2026-11-26T00:00:00Z in database " + db + "\n",
        none.err());
    Fim.Run noneJson = fim("history", "--format", "json", "--since", "2026-11-26T00:00:00Z");
    assertEquals(0, noneJson.exit(), noneJson.toString());
    assertEquals("", noneJson.out() + noneJson.err());

    Fim.Run reversed = fim("history", "--since", "2026-11-02", "--until", "2026-11-01");
    assertEquals(ExitCodes.USAGE, reversed.exit(), reversed.toString());
    assertTrue(
        reversed.err().startsWith("--since 2026-11-02 is after --until 2026-11-01"),
        reversed.err());
    Fim.Run bad = fim("history", "--since", "last tuesday");
    assertEquals(ExitCodes.USAGE, bad.exit(), bad.toString());
    assertTrue(bad.err().startsWith("--since: time 'last tuesday' is not understood"), bad.err());
  }

  @Test
  void relativeTimesCountBackFromNow() throws Exception {
    Path f = tree.resolve("f");
    Instant now = Instant.now();
    append(
        event(now.minus(Duration.ofDays(10)), Action.CREATED, f, null, null),
        event(now.minus(Duration.ofHours(2)), Action.UPDATED, f, null, null));
    List<String> day = lines(fim("history", "--since", "-24h").out());
    assertEquals(1, day.size(), day.toString());
    assertTrue(day.get(0).contains(" updated "), day.toString());
    List<String> old = lines(fim("history", "--until", "7d").out());
    assertEquals(1, old.size(), old.toString());
    assertTrue(old.get(0).contains(" created "), old.toString());
    assertEquals(2, lines(fim("history", "--since=30d", "--until=-30m").out()).size());
  }

  @Test
  void missingDatabaseIsTheUsualError() {
    Fim.Run r = fim("history");
    assertEquals(ExitCodes.DATABASE, r.exit(), r.toString());
    assertTrue(
        r.err().contains("no fim database in " + db + "; create the baseline first with: fim init"),
        r.err());
    assertEquals(ExitCodes.DATABASE, fim("who", "/etc/hosts").exit());
  }

  /**
   * A name that is not UTF-8, given on the command line under cron's LC_ALL=C, through a real JVM.
   */
  @Test
  void nonUtf8PathUnderLcAllC() throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", "cd '" + tree + "/etc' && printf a > $'bad\\xffname'")
            .start();
    assertEquals(0, p.waitFor());
    assertEquals(0, fim("init", tree.toString()).exit());
    p =
        new ProcessBuilder(
                "bash", "-c", "cd '" + tree + "/etc' && printf changed > $'bad\\xffname'")
            .start();
    assertEquals(0, p.waitFor());
    assertEquals(ExitCodes.CHANGED, fim("check", tree.toString()).exit());

    byte[] odd =
        concat(
            (tree + "/etc/bad").getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xff},
            "name".getBytes(StandardCharsets.UTF_8));
    Map<String, String> env = Map.of("LC_ALL", "C", "LANG", "C");
    byte[] dbArg = db.toString().getBytes(StandardCharsets.UTF_8);
    byte[] keyArg = dir.resolve("seal.key").toString().getBytes(StandardCharsets.UTF_8);
    Fim.Run who =
        Fim.process(
            env, "who".getBytes(), "--db".getBytes(), dbArg, "--key".getBytes(), keyArg, odd);
    assertEquals(0, who.exit(), who.toString());
    assertTrue(
        who.out()
            .matches(
                "\\S+ updated "
                    + tree
                    + "/etc/bad\\\\xffname  content: xxh3_128:\\w+ -> "
                    + "xxh3_128:\\w+, size: 1 -> 7"
                    + CHECK_REASON.replace("(", "\\(").replace(")", "\\)")
                    + "\n"),
        who.toString());

    Fim.Run json =
        Fim.process(
            env,
            "history".getBytes(),
            "--db".getBytes(),
            dbArg,
            "--key".getBytes(),
            keyArg,
            "--format".getBytes(),
            "json".getBytes(),
            odd);
    assertEquals(0, json.exit(), json.toString());
    assertEquals(1, lines(json.out()).size(), json.toString());
    assertTrue(
        json.out()
            .contains(
                "\"path\":\""
                    + tree
                    + "/etc/bad\\\\xffname\",\"path_hex\":\""
                    + PathBytes.of(odd).hex()
                    + "\""),
        json.toString());

    Fim.Run other =
        Fim.process(
            env,
            "who".getBytes(),
            "--db".getBytes(),
            dbArg,
            "--key".getBytes(),
            keyArg,
            concat((tree + "/etc/bad").getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xfe}));
    assertEquals(1, other.exit(), "\\xfe is another name:\n" + other);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
