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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
    h.start(200, 65536, Watcher.BACK_PRESSURE_NS, false, Watcher.Attribution.AUDIT);

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

  @Test
  void manyWritersAtOnceAreEachAttributedToTheirOwnFile() throws Exception {
    assumeTrue(Commands.isRoot(), "audit rules and fanotify filesystem marks need root");
    h = new WatchHarness(Sources.Backend.FANOTIFY);
    h.sh("for i in 0 1 2 3 4 5 6 7; do echo $i > w$i; done");
    h.start(200, 65536, Watcher.BACK_PRESSURE_NS, false, Watcher.Attribution.AUDIT);
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
        Watcher.BACK_PRESSURE_NS,
        false,
        Watcher.Attribution.AUDIT,
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
    h.start(200, 65536, Watcher.BACK_PRESSURE_NS, false, Watcher.Attribution.AUDIT);
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
      assertEquals("audit", run.attribution());
      assertEquals(List.of(PathBytes.ofUtf8(h.tree.toString())), run.trees());
    }
  }
}
