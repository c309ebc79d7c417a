package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.engine.source.Sources;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.WatchCoverage;
import dev.fim.store.Writer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 6's scenario table through the whole watcher with audit attribution: each command runs in a
 * child whose login uid is 1001 (as a login sets it) and usually exits long before fim compares the
 * change, so only the audit record can name it: {@code fim.attribution} must be {@code audit}, with
 * the kernel's exe and auid 1001.
 */
@Tag("kernel")
class WatchAuditKernelTest {
  private WatchHarness h;

  @AfterEach
  void cleanUp() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  /** Runs {@code script} with sh as login uid 1001 (root otherwise), in the tree. */
  private void asLogin1001(String script) throws Exception {
    h.run(List.of("sh", "-c", "echo 1001 > /proc/self/loginuid && exec sh -c \"$0\"", script));
  }

  private ChangeEvent only(List<ChangeEvent> es, Action action, String relative, String exePrefix) {
    assertEquals(1, es.size(), WatchHarness.describe(es));
    ChangeEvent e = es.get(0);
    assertEquals(action, e.action(), WatchHarness.describe(es));
    assertEquals(h.path(relative), e.path());
    assertEquals("audit", e.attribution().label(), () -> e.attributionReason() + " " + e.actor());
    assertEquals(1001L, e.actor().auid());
    assertTrue(
        e.actor().executable().startsWith(exePrefix), e.actor().executable() + " vs " + exePrefix);
    return e;
  }

  @Test
  void everyCommandOfTheTableIsAttributedFromAudit() throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(Sources.Backend.FANOTIFY);
    h.sh(
        "chmod 755 . && printf 'a\\n' > v && printf 'x\\n' > s && echo m > m && echo r > r && echo c > c"
            + " && echo b > b && echo p > p && echo u > u && chmod 666 u");
    h.start(200, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);

    asLogin1001("vim -u NONE -N -es -c 'normal Gox' -c wq v");
    ChangeEvent vim = only(h.barrier(), Action.UPDATED, "v", "/usr/bin/vim");
    assertTrue(vim.changedAttributes().contains("inode"));
    asLogin1001("sed -i s/x/y/ s");
    only(h.barrier(), Action.UPDATED, "s", "/usr/bin/sed");
    asLogin1001("mv m m2");
    ChangeEvent mv = only(h.barrier(), Action.MOVED, "m2", "/usr/bin/mv");
    assertEquals(h.path("m"), mv.oldPath());
    asLogin1001("rm r");
    only(h.barrier(), Action.DELETED, "r", "/usr/bin/rm");
    asLogin1001("chmod 600 c");
    only(h.barrier(), Action.ATTRIBUTES_MODIFIED, "c", "/usr/bin/chmod");
    asLogin1001("echo more >> b");
    only(h.barrier(), Action.UPDATED, "b", "/usr/bin/dash");
    asLogin1001(
        "/usr/bin/python3 -c \"import os; open('p.tmp','w').write('q'); os.replace('p.tmp','p')\"");
    ChangeEvent py = only(h.barrier(), Action.UPDATED, "p", "/usr/bin/python3");
    assertTrue(py.changedAttributes().contains("inode"));
    asLogin1001("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo w >> u'");
    ChangeEvent u = only(h.barrier(), Action.UPDATED, "u", "/usr/bin/dash");
    assertEquals(65534L, u.actor().uid(), "user.id is the new uid");
    assertEquals(1001L, u.actor().auid(), "user.audit.id survives the uid change");
  }

  /**
   * Issue 15: {@code cp true x && chmod 4755 x} is one created event (the quiet window merges
   * them); process and user are chmod's (the last writer) and {@code fim.writers} names cp's create
   * and chmod's fchmodat, in that order, with pid, exe, comm, auid, uid, syscall, serial and time.
   * With inotify (no pid in the notification) the wait for chmod's record is the stream's.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aNewSetuidFileNamesBothItsCreatorAndItsChmod(Sources.Backend backend) throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(backend);
    // A quiet window of 2 s, not 200 ms: the two commands are two processes, and on a loaded
    // machine the shell's fork and exec of chmod after cp took longer than 200 ms (one run of the
    // fim module beside other builds reported the creation by cp and the chmod apart)
    h.start(
        2000, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);
    asLogin1001("cp /usr/bin/true x && chmod 4755 x");
    ChangeEvent e = only(h.barrier(), Action.CREATED, "x", "/usr/bin/chmod");
    assertEquals(04755, e.after().mode() & 07777);
    List<Writer> ws = e.writers();
    assertEquals(2, ws.size(), ws::toString);
    assertEquals("/usr/bin/cp", ws.get(0).executable());
    assertEquals("cp", ws.get(0).name());
    assertTrue(ws.get(0).syscall().startsWith("open"), ws.get(0).syscall());
    assertEquals("/usr/bin/chmod", ws.get(1).executable());
    assertEquals("fchmodat", ws.get(1).syscall());
    for (Writer w : ws) {
      assertEquals(1001L, w.auid());
      assertEquals(0L, w.uid());
      assertTrue(w.pid() != null && w.serial() != null, w::toString);
    }
    assertTrue(ws.get(0).serial() < ws.get(1).serial(), ws::toString);
    assertTrue(ws.get(0).timeNs() <= ws.get(1).timeNs(), ws::toString);
    assertEquals(ws.get(1).pid(), e.actor().pid(), "process is the last writer");
    assertTrue(
        dev.fim.engine.output.EventText.who(e).contains("(also: cp[" + ws.get(0).pid() + "] open"),
        dev.fim.engine.output.EventText.who(e));
    assertTrue(
        dev.fim.engine.output.EventJson.toJson(e).contains("\"writers\":[{\"pid\":"),
        dev.fim.engine.output.EventJson.toJson(e));
  }

  /**
   * Issue 15's example, with the real shadow-utils on a throw-away account: {@code useradd} and
   * then {@code usermod -p} (as {@code chpasswd} would) both rewrite {@code shadow} (through {@code
   * shadow+} and a lock, renamed over it) moments apart, in a copy of /etc ({@code --prefix}, so
   * the host's accounts are never touched). Whether fim reports one change or two, both programs
   * are named for {@code shadow} — the last as its process, the earlier in {@code fim.writers} —
   * and no temporary ({@code shadow+}, {@code .lock}) is reported as a change of its own (the
   * backups {@code passwd-} and {@code shadow-} stay: they are new files).
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void useraddAndUsermodAreBothNamedForShadow(Sources.Backend backend) throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(backend);
    h.sh(
        "mkdir etc && for f in passwd group shadow gshadow; do grep '^root:' /etc/$f > etc/$f; done"
            + " && chmod 640 etc/shadow etc/gshadow");
    h.start(
        1000, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);
    asLogin1001(
        "useradd -P \"$PWD\" -M -s /usr/sbin/nologin fimtest15"
            + " && usermod -P \"$PWD\" -p '$6$fim$notarealhash' fimtest15");
    List<ChangeEvent> es = h.barrier();
    for (ChangeEvent e : es) {
      String name = e.path().display();
      assertTrue(
          !name.endsWith("+") && !name.endsWith(".lock"),
          "a temporary reported: " + WatchHarness.describe(es));
    }
    List<ChangeEvent> shadow =
        es.stream().filter(e -> e.path().equals(h.path("etc/shadow"))).toList();
    assertTrue(!shadow.isEmpty(), WatchHarness.describe(es));
    java.util.Set<String> named = new java.util.HashSet<>();
    for (ChangeEvent e : shadow) {
      assertEquals("audit", e.attribution().label(), () -> e.attributionReason() + " " + e.actor());
      assertEquals(1001L, e.actor().auid());
      named.add(e.actor().executable());
      for (Writer w : e.writers()) {
        named.add(w.executable());
        assertEquals(1001L, w.auid());
      }
    }
    assertEquals(
        java.util.Set.of("/usr/sbin/useradd", "/usr/sbin/usermod"),
        named,
        WatchHarness.describe(shadow));
    assertEquals(
        "/usr/sbin/usermod",
        shadow.get(shadow.size() - 1).actor().executable(),
        "the last change of shadow is usermod's");
    assertTrue(
        java.nio.file.Files.readString(h.tree.resolve("etc/shadow")).contains("fimtest15:$6$fim$"));
  }

  /**
   * Two processes append to one file within one quiet window: a login uid 1001 shell holds it open
   * for appending ({@code exec 3>>log}) and writes, and meanwhile a setpriv'd shell (uid 65534)
   * appends and closes. One updated event; both in {@code fim.writers} in the order they opened it,
   * the second as process/user. A change by one writer has no {@code fim.writers}.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void twoProcessesAppendingWithinOneQuietWindowAreBothWriters(Sources.Backend backend)
      throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(backend);
    h.sh("chmod 755 . && echo start > log && chmod 666 log && echo one > single");
    // a quiet window long enough that setpriv's start on a loaded host still falls into it
    h.start(
        1000, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);
    asLogin1001(
        "exec 3>>log; echo first >&3;"
            + " setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo second >> log';"
            + " exec 3>&-");
    List<ChangeEvent> es = h.barrier();
    ChangeEvent e = only(es, Action.UPDATED, "log", "/usr/bin/dash");
    List<Writer> ws = e.writers();
    assertEquals(2, ws.size(), () -> ws + " " + e.actor() + " " + WatchHarness.describe(es));
    assertEquals(0L, ws.get(0).uid(), ws::toString);
    assertEquals(65534L, ws.get(1).uid(), ws::toString);
    assertTrue(!ws.get(0).pid().equals(ws.get(1).pid()), ws::toString);
    assertEquals(65534L, e.actor().uid(), "user.id is the last writer's");
    assertEquals(1001L, e.actor().auid());
    assertEquals(
        "start\nfirst\nsecond\n",
        java.nio.file.Files.readString(java.nio.file.Path.of(h.path("log").display())));

    asLogin1001("echo again >> single");
    ChangeEvent one = only(h.barrier(), Action.UPDATED, "single", "/usr/bin/dash");
    assertEquals(List.of(), one.writers(), "one writer: the actor says it");
  }

  /**
   * Issue 15 item 4: a change made after a uid change ({@code setpriv --reuid=65534}, auid kept) is
   * attributed to uid 65534 from its own audit record while two CPU hogs compete with fim and the
   * writer, five times over, on both backends; none falls back.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aWriteAfterAUidChangeIsTheNewUidsUnderCpuLoad(Sources.Backend backend) throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(backend);
    h.sh("chmod 755 . && echo u > u && chmod 666 u");
    h.start(200, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);
    List<Process> hogs = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        hogs.add(new ProcessBuilder("sha256sum", "/dev/zero").start());
      }
      for (int round = 0; round < 5; round++) {
        asLogin1001("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo w >> u'");
        ChangeEvent u = only(h.barrier(), Action.UPDATED, "u", "/usr/bin/dash");
        assertEquals(65534L, u.actor().uid(), "round " + round + ": user.id is the new uid");
        assertEquals(1001L, u.actor().auid(), "round " + round);
      }
    } finally {
      for (Process p : hogs) {
        p.destroyForcibly().waitFor();
      }
    }
    assertEquals(0, h.watcher().stats().auditFallbacks(), () -> h.watcher().stats().toString());
  }

  @Test
  void manyWritersAtOnceAreEachAttributedToTheirOwnFile() throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(Sources.Backend.FANOTIFY);
    h.sh("for i in 0 1 2 3 4 5 6 7; do echo $i > w$i; done");
    h.start(200, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);
    // eight processes at once, each appending to its own file; their pids tell them apart
    h.sh(
        "for i in 0 1 2 3 4 5 6 7; do /usr/bin/python3 -c \"import os; open('w$i','a').write(str(os.getpid()))\" & done;"
            + " wait");
    List<ChangeEvent> es = h.barrier();
    assertEquals(8, es.size(), WatchHarness.describe(es));
    for (ChangeEvent e : es) {
      assertEquals("audit", e.attribution().label(), () -> e.attributionReason());
      String content =
          new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(e.path().display())));
      String writerPid = content.substring(content.indexOf('\n') + 1);
      assertEquals(writerPid, String.valueOf(e.actor().pid()), e.path().display());
    }
  }

  @Test
  void aRuleDeletedBehindFimsBackIsAnEventAndIsAddedAgain() throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    assumeTrue(
        java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/auditctl")),
        "needs auditctl (package auditd, installed by bin/test-all) to delete the rule as an admin would");
    h = new WatchHarness(Sources.Backend.FANOTIFY);
    h.start(
        200,
        65536,
        WatchSettings.BACK_PRESSURE_NS,
        false,
        WatchSettings.AttributionMode.AUDIT,
        java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200));
    String rule = "-a always,exit -F arch=b64 -F dir=" + h.tree + " -F perm=wa -F key=fim";
    h.run(
        List.of(
            "/usr/sbin/auditctl",
            "-d",
            "always,exit",
            "-F",
            "arch=b64",
            "-F",
            "dir=" + h.tree,
            "-F",
            "perm=wa",
            "-F",
            "key=fim"));
    ChangeEvent e = h.await(x -> x.action() == Action.OVERFLOW, "the rule-removal event");
    assertTrue(
        e.message().contains("removed outside fim") && e.message().contains(rule), e.message());
    Process list = new ProcessBuilder("/usr/sbin/auditctl", "-l").redirectErrorStream(true).start();
    String rules = new String(list.getInputStream().readAllBytes());
    assertEquals(0, list.waitFor());
    assertTrue(rules.contains("dir=" + h.tree), "added again: " + rules);
  }

  @Test
  void auditLossIsAnOverflowEventAndTheRunIsRecordedAsCoverage() throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    long startNs = System.currentTimeMillis() * 1_000_000L;
    h = new WatchHarness(Sources.Backend.FANOTIFY);
    h.start(200, 65536, WatchSettings.BACK_PRESSURE_NS, false, WatchSettings.AttributionMode.AUDIT);
    try (AuditClient client = AuditClient.open()) {
      AuditStatus before = client.status();
      assumeTrue(
          before.failure() != 2, "audit failure mode is panic: losing records would halt the host");
      // A real loss: the kernel drops records beyond its rate limit and counts them in its lost
      // counter.
      client.setRateLimit(5);
      try {
        h.sh("for i in $(seq 1 300); do echo $i > f$i; done");
        ChangeEvent e = h.await(x -> x.action() == Action.OVERFLOW, "the audit-loss event");
        assertEquals("audit records were lost", e.attributionReason());
        assertTrue(
            e.message().startsWith("audit lost ") && e.message().contains("dropped by the kernel"),
            e.message());
      } finally {
        client.setRateLimit(before.rateLimit());
      }
    }
    h.stop();
    try (Store store = Store.open(h.dbDir.resolve("db"), Store.OpenMode.READ_ONLY)) {
      List<WatchCoverage.Interval> runs = WatchCoverage.overlapping(store, startNs, Long.MAX_VALUE);
      assertEquals(1, runs.size(), runs.toString());
      WatchCoverage.Interval run = runs.get(0);
      assertTrue(run.ended(), "an orderly stop ends the interval");
      assertTrue(run.startNs() >= startNs && run.endNs() > run.startNs(), run.toString());
      assertEquals("fanotify", run.backend());
      assertEquals(dev.fim.store.Attribution.AUDIT, run.attribution());
      assertEquals(List.of(PathBytes.ofUtf8(h.tree.toString())), run.trees());
    }
  }
}
