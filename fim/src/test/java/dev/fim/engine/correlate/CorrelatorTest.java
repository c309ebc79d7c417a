package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fim.engine.attribute.Attributable;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.engine.attribute.ProcSource;
import dev.fim.engine.attribute.Sighting;
import dev.fim.engine.compare.Change;
import dev.fim.engine.output.EventJson;
import dev.fim.engine.record.Recorder;
import dev.fim.engine.sink.EventSink;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correlator stage's decision, with hand-made sources in place of audit (the kernel path is
 * covered by the watch kernel tests): the order of the sources, which wins, and the reason text of
 * every miss, as the events record it in a real store. The reasons are those fim watch has always
 * written (WatcherKernelTest, WatchAuditKernelTest).
 */
class CorrelatorTest {
  private static final PathBytes PATH = PathBytes.ofUtf8("/srv/w/f");
  private static final long SEEN = 1_764_000_000_000_000_000L;
  private static final Actor ALICE =
      new Actor(
          1001L,
          "alice",
          0L,
          "root",
          4242,
          1,
          "/usr/bin/vim.basic",
          "vim",
          List.of("vim", "f"),
          3L,
          "pts/0");
  private static final Actor EXITING =
      new Actor(1001L, "alice", 0L, "root", 77, 1, null, "sh", null, 3L, null);
  private static final String AUDIT_MISS = "no audit record matched within 100 ms";

  @TempDir Path tmp;
  private Store store;
  private Recorder recorder;
  private final List<ChangeEvent> emitted = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    recorder =
        new Recorder(
            store,
            List.of(
                new EventSink() {
                  @Override
                  public void emit(ChangeEvent e) {
                    emitted.add(e);
                  }

                  @Override
                  public void flush() {}
                }));
  }

  @AfterEach
  void close() throws Exception {
    recorder.close();
    store.close();
  }

  /**
   * An audit stand-in: answers with {@code actor}, or misses as the real one does when its wait
   * ends.
   */
  private static final class FakeAudit implements AttributionSource {
    final Actor actor;
    final List<Attributable> asked = new ArrayList<>();

    FakeAudit(Actor actor) {
      this.actor = actor;
    }

    @Override
    public Attribution kind() {
      return Attribution.AUDIT;
    }

    @Override
    public Answer attribute(Attributable c) {
      asked.add(c);
      return actor != null ? Answer.found(actor, null) : Answer.missed(AUDIT_MISS);
    }
  }

  private static FileRecord file(long ino) {
    return new FileRecord(
        FileType.FILE,
        0100644,
        0,
        0,
        3,
        8,
        SEEN,
        SEEN,
        2049,
        ino,
        1,
        null,
        List.of(),
        List.of(),
        0,
        null);
  }

  private static Change updated(Sighting seen) {
    return new Change(
        SEEN, Action.UPDATED, PATH, null, file(12), file(11), List.of(), Origin.WATCH, null, seen);
  }

  private ChangeEvent run(List<AttributionSource> sources, Change c) throws Exception {
    Correlator stage = new Correlator(sources, recorder);
    stage.change(c);
    stage.commit();
    assertEquals(1, emitted.size(), emitted::toString);
    return emitted.get(0);
  }

  /**
   * The real audit source without an audit stream: it must skip before asking it (else a
   * NullPointerException), as it does for changes watch did not see as they happened and for
   * temporaries.
   */
  private static AuditSource auditThatMustSkip() {
    return new AuditSource(
        null, 100_000_000L, 200_000_000L, java.time.Duration.ofMillis(500), () -> SEEN);
  }

  private static ProcSource proc(String context) {
    return new ProcSource(null, context);
  }

  @Test
  void anAuditAnswerWinsAndIsAskedWithTheNewInodeAndTheNoticesPid() throws Exception {
    FakeAudit audit = new FakeAudit(ALICE);
    ChangeEvent e =
        run(
            List.of(audit, proc("no audit record"), new NoWriter()),
            updated(new Sighting(4242, EXITING)));
    assertEquals(Attribution.AUDIT, e.attribution());
    assertSame(ALICE, e.actor());
    assertNull(e.attributionReason());
    assertEquals(12, audit.asked.get(0).inode(), "the object after the change");
    assertEquals(4242, audit.asked.get(0).sighting().pid());
    assertEquals(SEEN, audit.asked.get(0).seenNs());
    String json = EventJson.toJson(e);
    assertEquals(
        true, json.contains("\"fim\":{\"origin\":\"watch\",\"attribution\":\"audit\""), json);
  }

  /**
   * An audit record of a daemon (login uid unset) names the process but not its unit nor who
   * started it: the stored event takes them from what /proc showed of the same pid as the event
   * arrived. Another pid's sighting (the last notification was someone else's) or a set login uid
   * adds nothing.
   */
  @Test
  void anAuditActorWithAnUnsetLoginTakesTheUnitAndParentsSeenOfTheSamePid() throws Exception {
    List<Actor.Parent> chain =
        List.of(
            new Actor.Parent(640, "/usr/sbin/cron", Actor.UNSET_ID),
            new Actor.Parent(1, "/usr/lib/systemd/systemd", Actor.UNSET_ID));
    Actor fromAudit =
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
            Actor.UNSET_ID,
            null);
    Actor seen =
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
            Actor.UNSET_ID,
            null,
            "cron.service",
            chain);
    ChangeEvent e =
        run(
            List.of(new FakeAudit(fromAudit), proc("no audit record"), new NoWriter()),
            updated(new Sighting(812, seen)));
    assertEquals(Attribution.AUDIT, e.attribution());
    assertEquals(fromAudit.withContext("cron.service", chain), e.actor());

    Actor other =
        new Actor(
            Actor.UNSET_ID,
            null,
            0L,
            "root",
            813,
            640,
            "/usr/bin/dash",
            "sh",
            null,
            Actor.UNSET_ID,
            null,
            "other.service",
            chain);
    assertSame(fromAudit, Correlator.withContext(fromAudit, new Sighting(813, other)));
    assertSame(
        ALICE,
        Correlator.withContext(ALICE, new Sighting(4242, seen.withContext("x.service", chain))));
    assertSame(fromAudit, Correlator.withContext(fromAudit, null));

    // No sighting of that pid (inotify names no process): /proc is read now, and its context is
    // taken only while the pid is still the audited program with its login unset.
    assertEquals(
        fromAudit.withContext("cron.service", chain),
        Correlator.withContext(fromAudit, null, pid -> pid == 812 ? seen : null));
    assertEquals(
        fromAudit.withContext("cron.service", chain),
        Correlator.withContext(fromAudit, new Sighting(813, other), pid -> seen));
    Actor reused =
        new Actor(
            Actor.UNSET_ID,
            null,
            0L,
            "root",
            812,
            1,
            "/usr/sbin/nginx",
            "nginx",
            null,
            Actor.UNSET_ID,
            null,
            "nginx.service",
            chain);
    assertSame(fromAudit, Correlator.withContext(fromAudit, null, pid -> reused));
    assertSame(fromAudit, Correlator.withContext(fromAudit, null, pid -> null));
    assertSame(ALICE, Correlator.withContext(ALICE, null, pid -> seen));
    // a sighting of the same pid without context is not second-guessed by a later read
    Actor seenPlain =
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
            Actor.UNSET_ID,
            null);
    assertSame(
        fromAudit, Correlator.withContext(fromAudit, new Sighting(812, seenPlain), pid -> seen));
  }

  @Test
  void anAuditTimeoutFallsBackToWhatProcSawAndSaysWhy() throws Exception {
    ChangeEvent e =
        run(
            List.of(new FakeAudit(null), proc("no audit record"), new NoWriter()),
            updated(new Sighting(4242, ALICE)));
    assertEquals(Attribution.PROC, e.attribution());
    assertSame(ALICE, e.actor());
    assertEquals(AUDIT_MISS, e.attributionReason());
  }

  @Test
  void anAuditTimeoutAndAProcessCaughtExitingKeepBothReasons() throws Exception {
    ChangeEvent e =
        run(
            List.of(new FakeAudit(null), proc("no audit record"), new NoWriter()),
            updated(new Sighting(77, EXITING)));
    assertEquals(Attribution.PROC, e.attribution());
    assertEquals(
        AUDIT_MISS
            + "; process 77 was exiting when fim read /proc/77: its executable and command line "
            + "were gone",
        e.attributionReason());
  }

  @Test
  void nobodyFoundIsNoneWithEveryReasonInOrder() throws Exception {
    ChangeEvent e =
        run(
            List.of(new FakeAudit(null), proc("no audit record"), new NoWriter()),
            updated(new Sighting(99, null)));
    assertEquals(Attribution.NONE, e.attribution());
    assertNull(e.actor());
    assertEquals(
        AUDIT_MISS + "; no audit record; process 99 had exited before fim read /proc/99",
        e.attributionReason());
    assertEquals(true, EventJson.toJson(e).contains("\"attribution\":\"none\""));
  }

  @Test
  void withoutAuditProcAloneDecidesAndInotifyNamesNoProcess() throws Exception {
    ChangeEvent e =
        run(
            List.of(proc("audit not in use (--attribution proc)"), new NoWriter()),
            updated(Sighting.NONE));
    assertEquals(Attribution.NONE, e.attribution());
    assertEquals(
        "audit not in use (--attribution proc); the backend (inotify) reports no process",
        e.attributionReason());
  }

  @Test
  void withoutAuditAProcSightingIsProcWithoutAReason() throws Exception {
    ChangeEvent e =
        run(
            List.of(proc("audit not in use (x)"), new NoWriter()),
            updated(new Sighting(4242, ALICE)));
    assertEquals(Attribution.PROC, e.attribution());
    assertNull(e.attributionReason());
  }

  @Test
  void aTemporaryIsNotJoinedWithAuditButKeepsItsSighting() throws Exception {
    Change temp =
        new Change(
            SEEN,
            Action.CREATED,
            PATH,
            null,
            null,
            null,
            List.of(),
            Origin.WATCH,
            "temporary: created and removed within the quiet window",
            new Sighting(4242, EXITING));
    ChangeEvent e =
        run(List.of(auditThatMustSkip(), proc("no audit record"), new NoWriter()), temp);
    assertEquals(Attribution.PROC, e.attribution());
    assertEquals("temporary: created and removed within the quiet window", e.message());
  }

  @Test
  void scansAndLossesAreNoneFromTheNoneSourceAndNeverAskAudit() throws Exception {
    Correlator stage =
        new Correlator(
            List.of(auditThatMustSkip(), proc("no audit record"), new NoWriter()), recorder);
    stage.change(
        new Change(
            SEEN,
            Action.DELETED,
            PATH,
            null,
            null,
            file(11),
            List.of(),
            Origin.RECONCILE,
            null,
            null));
    stage.change(
        new Change(
            SEEN,
            Action.CREATED,
            PATH,
            null,
            file(12),
            null,
            List.of(),
            Origin.RESCAN,
            null,
            null));
    stage.change(
        new Change(
            SEEN,
            Action.OVERFLOW,
            PATH,
            null,
            null,
            null,
            List.of(),
            Origin.RESCAN,
            "queue overflow; rescanned /srv/w: 1 change found",
            null));
    stage.commit();
    assertEquals(
        List.of(
            "found by a reconcile at start: the writer is unknown",
            "found by a rescan after lost events: the writer is unknown",
            "events were lost"),
        emitted.stream().map(ChangeEvent::attributionReason).toList());
    assertEquals(
        true,
        emitted.stream().allMatch(e -> e.attribution() == Attribution.NONE && e.actor() == null));
    assertEquals("queue overflow; rescanned /srv/w: 1 change found", emitted.get(2).message());
    assertEquals(3, stage.count(Attribution.NONE));
    assertEquals(0, stage.count(Attribution.AUDIT));
  }

  @Test
  void theEventKeepsTheComparatorsFactsAndIsCounted() throws Exception {
    Correlator stage = new Correlator(List.of(new FakeAudit(ALICE), new NoWriter()), recorder);
    PathBytes old = PathBytes.ofUtf8("/srv/w/e");
    stage.change(
        new Change(
            SEEN,
            Action.MOVED,
            PATH,
            old,
            file(12),
            file(12),
            List.of(),
            Origin.WATCH,
            null,
            new Sighting(4242, null)));
    stage.commit();
    ChangeEvent e = emitted.get(0);
    assertEquals(Action.MOVED, e.action());
    assertEquals(old, e.oldPath());
    assertEquals(Origin.WATCH, e.origin());
    assertEquals(1, e.sequence(), "recorded in the store");
    assertEquals(1, stage.count(Attribution.AUDIT));
  }

  @Test
  void theAuditWaitEndsAtTheWindowAfterTheChangeWasSeenAndIsBounded() {
    long ms = 1_000_000L;
    assertEquals(
        100 * ms,
        AuditSource.waitNs(SEEN, SEEN, 100 * ms, 500 * ms),
        "seen just now: the whole window");
    assertEquals(
        40 * ms, AuditSource.waitNs(SEEN, SEEN + 60 * ms, 100 * ms, 500 * ms), "the rest of it");
    assertEquals(
        0, AuditSource.waitNs(SEEN, SEEN + 150 * ms, 100 * ms, 500 * ms), "past it: no wait");
    assertEquals(
        500 * ms, AuditSource.waitNs(SEEN, SEEN, 2000 * ms, 500 * ms), "never more than the bound");
  }
}
