package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventLog}'s reads by tree and by path: which events match, in which order, within which
 * times.
 */
class EventLogTest {
  @TempDir Path tmp;
  private Store store;
  private EventLog log;

  @BeforeEach
  void history() throws Exception {
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    log = new EventLog(store);
    // Appended out of time order on purpose: reads must order by time, not by sequence or path.
    log.append(
        List.of(
            event(500, Action.UPDATED, "/a/x", null),
            event(100, Action.CREATED, "/a", null),
            event(
                300,
                Action.MOVED,
                "/a/y",
                "/a/x"), // both names below /a: indexed twice, listed once
            event(200, Action.UPDATED, "/ab", null), // a sibling whose name starts with "/a"
            event(400, Action.MOVED, "/b/z", "/a/y"), // moved out of /a: its old name is below /a
            event(250, Action.CREATED, "/a!", null), // sorts between "/a\0" and "/a/"
            event(600, Action.DELETED, "/a/x/deep", null)));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ChangeEvent event(long t, Action a, String path, String oldPath) {
    return new ChangeEvent(
        t,
        0,
        a,
        PathBytes.ofUtf8(path),
        oldPath == null ? null : PathBytes.ofUtf8(oldPath),
        null,
        null,
        List.of(),
        Origin.CHECK,
        Attribution.NONE,
        "test");
  }

  private List<String> tree(String root, long from, long until) throws StoreException {
    List<String> out = new ArrayList<>();
    log.forTree(PathBytes.ofUtf8(root), from, until, e -> out.add(e.timeNs() + " " + e.path()));
    return out;
  }

  @Test
  void treeIsTheRootAndEverythingBelowItOldestFirstEachOnce() throws Exception {
    assertEquals(
        List.of("100 /a", "300 /a/y", "400 /b/z", "500 /a/x", "600 /a/x/deep"),
        tree("/a", 0, Long.MAX_VALUE));
    assertEquals(List.of("200 /ab"), tree("/ab", 0, Long.MAX_VALUE), "/a's events are not /ab's");
    assertEquals(
        List.of("300 /a/y", "500 /a/x", "600 /a/x/deep"),
        tree("/a/x", 0, Long.MAX_VALUE),
        "an old path counts (the move away from /a/x at 300)");
    assertEquals(List.of(), tree("/nothing", 0, Long.MAX_VALUE));
  }

  @Test
  void rootSlashIsEveryEvent() throws Exception {
    assertEquals(
        List.of(
            "100 /a", "200 /ab", "250 /a!", "300 /a/y", "400 /b/z", "500 /a/x", "600 /a/x/deep"),
        tree("/", 0, Long.MAX_VALUE));
  }

  @Test
  void treeWindowIncludesFromAndExcludesUntil() throws Exception {
    assertEquals(List.of("300 /a/y", "400 /b/z", "500 /a/x"), tree("/a", 300, 600));
    assertEquals(List.of(), tree("/a", 601, 700));
    assertEquals(List.of("100 /a"), tree("/a", Long.MIN_VALUE, 101));
    assertEquals(List.of("200 /ab", "250 /a!"), tree("/", 200, 300));
    assertEquals(
        List.of("100 /a", "200 /ab"),
        tree("/", Long.MIN_VALUE, 201),
        "no lower bound: from the first");
  }

  @Test
  void latestForPathIsNewestFirstAndLimited() throws Exception {
    List<ChangeEvent> x = log.latestForPath(PathBytes.ofUtf8("/a/x"), 10);
    assertEquals(
        List.of(500L, 300L),
        x.stream().map(ChangeEvent::timeNs).toList(),
        "exact path, as path or old path");
    assertEquals(
        List.of(500L),
        log.latestForPath(PathBytes.ofUtf8("/a/x"), 1).stream().map(ChangeEvent::timeNs).toList());
    assertEquals(
        List.of(100L),
        log.latestForPath(PathBytes.ofUtf8("/a"), 10).stream().map(ChangeEvent::timeNs).toList(),
        "nothing below /a, nothing of /ab or /a!");
    assertEquals(List.of(), log.latestForPath(PathBytes.ofUtf8("/b"), 10));
  }

  @Test
  void nonUtf8NamesAreMatchedByTheirBytes() throws Exception {
    byte[] odd = "/a/\u00e9".getBytes(StandardCharsets.UTF_8);
    odd[odd.length - 1] = (byte) 0xff; // "/a/\xc3\xff": not UTF-8
    log.append(
        List.of(
            new ChangeEvent(
                700,
                0,
                Action.CREATED,
                PathBytes.of(odd),
                null,
                null,
                null,
                List.of(),
                Origin.CHECK,
                Attribution.NONE,
                "test")));
    assertEquals(1, log.latestForPath(PathBytes.of(odd), 10).size());
    List<String> below = tree("/a", 650, Long.MAX_VALUE);
    assertEquals(List.of("700 /a/\\xc3\\xff"), below);
  }

  /**
   * Outputs catch up by sequence: the events with {@code after < sequence <= through}, in sequence
   * order, although the history is kept in time order (appended out of time order above).
   */
  @Test
  void forSequencesReadsARangeInSequenceOrderWhateverTheTimes() throws Exception {
    assertEquals(7, log.storedHead());
    assertEquals(List.of("3@300", "4@200", "5@400"), sequences(2, 5));
    assertEquals(
        List.of("1@500", "2@100", "3@300", "4@200", "5@400", "6@250", "7@600"), sequences(0, 7));
    assertEquals(List.of("6@250", "7@600"), sequences(5, 100), "beyond the head: what there is");
    assertEquals(List.of(), sequences(7, 7));
  }

  private List<String> sequences(long after, long through) throws StoreException {
    List<String> out = new ArrayList<>();
    log.forSequences(after, through, e -> out.add(e.sequence() + "@" + e.timeNs()));
    return out;
  }

  /**
   * An output's cursor: none at first, then what was put; a value that is not a number is refused.
   */
  @Test
  void deliveryCursorsKeepTheLastDeliveredSequencePerOutput() throws Exception {
    assertEquals(-1, DeliveryCursors.get(store, "syslog:authpriv"));
    DeliveryCursors.put(store, "syslog:authpriv", 5);
    DeliveryCursors.put(store, "journal", 2);
    assertEquals(5, DeliveryCursors.get(store, "syslog:authpriv"));
    assertEquals(2, DeliveryCursors.get(store, "journal"));
    store.putMeta("delivered:journal", "x");
    StoreException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StoreException.class, () -> DeliveryCursors.get(store, "journal"));
    assertEquals(StoreException.Reason.CORRUPT, e.reason());
  }
}
