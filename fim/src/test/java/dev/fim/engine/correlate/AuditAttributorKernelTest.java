package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.engine.Commands;
import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attribution for real: commands run by a child whose login uid is 1001 change files in a watched
 * tree under /var/tmp (not /tmp: a tmpfs and editors' {@code backupskip} make /tmp unlike the trees
 * fim watches), and {@link AuditAttributor#await} names the login user, the kernel's exe, the
 * effective uid and the pid. After every test the host's audit state (enabled, pid, backlog limit)
 * and rules are what they were before.
 */
@Tag("kernel")
class AuditAttributorKernelTest {
  /**
   * The bound of a wait for a record: the defaults' 2 s fit a watch, but a loaded machine (a CI run
   * beside other builds) can hold the listener or the progress probe's process back longer, and a
   * test then fails at the bound. Waits that end as they should (the record, or the probe that
   * shows the stream passed) end long before it.
   */
  static final Duration WAIT = Duration.ofSeconds(20);

  static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(5);

  /**
   * (case, ms from the audit event's time to fim indexing it), printed at the end: not asserted.
   */
  static final List<String> LAGS = Collections.synchronizedList(new ArrayList<>());

  Path tree;
  AuditClient client;
  HostAudit host;
  AuditAttributor attributor;

  @BeforeEach
  void open() throws Exception {
    assumeTrue(
        Commands.isRoot(), "needs CAP_AUDIT_CONTROL to add audit rules (run the tests as root)");
    client = AuditClient.open();
    host = HostAudit.capture(client);
    tree = Files.createTempDirectory(Path.of("/var/tmp"), "fim-attr-").toRealPath();
    attributor = AuditAttributor.start(List.of(pathOf(tree)), settings());
  }

  @AfterEach
  void restore() throws Exception {
    if (client == null) {
      return;
    }
    try {
      if (attributor != null) {
        attributor.close();
      }
      host.assertRestored(client);
    } finally {
      client.close();
      if (tree != null) {
        try (Stream<Path> s = Files.walk(tree)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  @AfterAll
  static void printLags() {
    if (!LAGS.isEmpty()) {
      System.out.println("audit event indexed after its syscall's audit time: " + LAGS);
    }
  }

  /**
   * A key of this test run's own, so a fim running on the host (key fim) is never confused with the
   * test.
   */
  static AttributorSettings settings() {
    AttributorSettings d =
        AttributorSettings.defaults().withKey("fim-test-" + ProcessHandle.current().pid());
    // WAIT must not exceed maxWait, nor maxWait the retention.
    return new AttributorSettings(
        d.key(), Duration.ofSeconds(60), d.maxEvents(), d.backlogLimit(), WAIT, d.listener());
  }

  /** One way of changing a file, and who must be named for it. */
  record Case(
      String name,
      String setup,
      String target,
      String exe,
      long euid,
      List<String> argv,
      List<String> args) {
    Case(String name, String setup, String target, String exe, long euid, List<String> argv) {
      this(name, setup, target, exe, euid, argv, argv);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> changes() throws IOException {
    String sh =
        Path.of("/bin/sh").toRealPath().toString(); // dash on Debian: the exe is the real program
    String python = Path.of("/usr/bin/python3").toRealPath().toString();
    return Stream.of(
            new Case("sh append", "", "f", sh, 0, List.of("sh", "-c", "echo x >> f")),
            new Case("mv", "echo a > a", "b", "/usr/bin/mv", 0, List.of("/usr/bin/mv", "a", "b")),
            new Case("rm", "echo c > c", "c", "/usr/bin/rm", 0, List.of("/usr/bin/rm", "c")),
            new Case(
                "chmod",
                "echo d > d",
                "d",
                "/usr/bin/chmod",
                0,
                List.of("/usr/bin/chmod", "600", "d")),
            new Case(
                "sed -i",
                "echo x > e",
                "e",
                "/usr/bin/sed",
                0,
                List.of("/usr/bin/sed", "-i", "s/x/y/", "e")),
            new Case(
                "python os.replace",
                "echo p > p",
                "p",
                python,
                0,
                List.of(
                    "/usr/bin/python3",
                    "-c",
                    "import os\nopen('p.new', 'w').write('q')\nos.replace('p.new', 'p')")),
            new Case(
                "setpriv to nobody",
                "echo g > g && chmod 666 g && chmod 777 .",
                "g",
                sh,
                65534,
                List.of(
                    "/usr/bin/setpriv",
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    "/bin/sh",
                    "-c",
                    "echo y >> g"),
                List.of("/bin/sh", "-c", "echo y >> g"))) // setpriv execs sh
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void namesTheLoginUserTheKernelsExeAndTheEffectiveUid(Case c) throws Exception {
    if (!c.setup().isEmpty()) {
      Commands.run("sh", "-c", "cd '" + tree + "' && " + c.setup());
    }
    Path target = tree.resolve(c.target());
    long inodeBefore = Files.exists(target) ? inode(target) : 0;

    LoginChild child = LoginChild.run(tree, c.argv().toArray(String[]::new));

    // As the watcher will: path and inode from the file after the change (a removed file: what fim
    // knew), and the pid that fanotify names. The setup wrote the same file just before, as another
    // process: the pid makes the query wait for the command's own event instead of taking the
    // setup's.
    long inode = Files.exists(target) ? inode(target) : inodeBefore;
    long dev =
        Files.exists(target) ? (long) Files.getAttribute(target, "unix:dev") : PathItem.NO_DEV;
    ChangeQuery q =
        new ChangeQuery(pathOf(target), dev, inode, child.commandPid, child.startedNs, WINDOW_NS);
    AuditedChange e = attributor.await(q, WAIT).get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
    assertNotNull(
        e,
        () ->
            c
                + ": no audit event for "
                + target
                + " inode "
                + inode
                + "; "
                + attributor.counters()
                + " failure "
                + attributor.failure()
                + " held: "
                + held());
    Actor a = e.actor();
    assertEquals(LoginChild.LOGIN_UID, a.auid(), () -> c + ": " + e);
    assertEquals(c.exe(), a.executable(), () -> c + ": " + e);
    assertEquals(c.euid(), a.uid(), () -> c + ": " + e);
    assertEquals(child.commandPid, a.pid(), () -> c + ": " + e);
    assertEquals(child.bashPid(), a.ppid(), () -> c + ": " + e);
    assertEquals(c.euid() == 65534 ? "nobody" : "root", a.uidName(), () -> c + ": " + e);
    assertNotNull(a.args(), () -> c + ": no PROCTITLE: " + e);
    assertEquals(c.args(), a.args(), () -> c + ": " + e);
    assertTrue(e.success());
    assertEquals(0, attributor.counters().lostSerials(), () -> c + ": " + attributor.counters());
    assertNull(attributor.failure());
    // The short form the watcher calls gives the same actor.
    assertEquals(
        a, attributor.find(pathOf(target), inode, child.commandPid, child.startedNs, WINDOW_NS));
    LAGS.add(c.name() + " " + ms(e.receivedNs() - e.timeNs()));
  }

  /**
   * Two processes append to two files of one directory at the same time, 1000 times each: every
   * file is attributed to its own writer by inode and path alone (no pid in the query), and a wrong
   * pid in the query (the other writer's) does not steal it.
   */
  /**
   * Issue 15: on an idle audit stream a change without a record does not wait for the bound: fim's
   * progress probe (a {@code true} it starts, whose execve its own rule audits, key KEY-progress)
   * comes back through the kernel's queue, which shows the stream has passed the change, and the
   * wait ends as "passed", not at the bound. A change whose record exists is answered with it.
   */
  @Test
  void onAnIdleStreamTheProgressProbeEndsTheWaitBeforeTheBound() throws Exception {
    assertTrue(attributor.probing(), "the kernel took the probe's rule");
    Path never = tree.resolve("never-written");
    long handed = wallNs();
    AuditedChange none =
        attributor
            .awaitPassed(ChangeQuery.of(pathOf(never), 0, 0, handed, WINDOW_NS), handed, WAIT)
            .get(30, TimeUnit.SECONDS);
    assertNull(none);
    assertEquals(
        1,
        attributor.streamPassed(),
        () ->
            "ended because the stream passed the change; probes "
                + java.util.Arrays.toString(attributor.probes())
                + ", "
                + attributor.counters());
    assertEquals(0, attributor.waitsBounded(), "not at the bound");
    long[] probes = attributor.probes();
    assertTrue(probes[0] >= 1, "a probe went out");

    LoginChild w = LoginChild.start(tree, "/bin/sh", "-c", "echo x > written");
    w.await();
    Path written = tree.resolve("written");
    long after = wallNs();
    AuditedChange found =
        attributor
            .awaitPassed(
                ChangeQuery.of(pathOf(written), inode(written), 0, w.startedNs, WINDOW_NS),
                after,
                WAIT)
            .get(30, TimeUnit.SECONDS);
    assertNotNull(found);
    assertEquals(w.commandPid, found.actor().pid());
    assertEquals(0, attributor.waitsBounded());
  }

  /**
   * Issue 18, the probe's grace: a change that names a pid (fanotify) gives that pid's record a
   * short grace before the probe fires. A pid whose record never comes (here fim's own: the kernel
   * never audits the audit pid) on an idle stream still ends as "passed" by the probe, not at the
   * bound; a written file is answered with its writer.
   */
  @Test
  void aPidWhoseRecordNeverComesIsProbedAfterTheGraceAndEndsAsPassed() throws Exception {
    assertTrue(attributor.probing(), "the kernel took the probe's rule");
    Path never = tree.resolve("never-written");
    long handed = wallNs();
    int fimPid = (int) ProcessHandle.current().pid();
    assertNull(
        attributor.answer(
            ChangeQuery.of(pathOf(never), 0, fimPid, handed, WINDOW_NS), handed, WAIT));
    assertEquals(1, attributor.streamPassed(), () -> "ended as passed; " + attributor.counters());
    assertEquals(0, attributor.waitsBounded(), "not at the bound");
    assertTrue(attributor.probes()[0] >= 1, "the probe went out after the grace");

    LoginChild w = LoginChild.start(tree, "/bin/sh", "-c", "echo x > written");
    w.await();
    Path written = tree.resolve("written");
    AuditedChange found =
        attributor.answer(
            ChangeQuery.of(pathOf(written), inode(written), w.commandPid, w.startedNs, WINDOW_NS),
            wallNs(),
            WAIT);
    assertNotNull(found);
    assertEquals(w.commandPid, found.actor().pid());
    assertEquals(0, attributor.waitsBounded());
  }

  /**
   * Issue 18: the probe is one long-lived helper (no process per probe). A marker made by another
   * child of fim — the kernel audits it under the probe's rule, with the very token in flight —
   * does not count as progress; the helper's own answer does. A helper killed with SIGKILL is
   * replaced, and the next wait on an idle stream still ends as "passed", not at the bound.
   */
  @Test
  void aForgedProbeMarkerDoesNotCountAndAKilledHelperIsReplaced() throws Exception {
    assertTrue(attributor.probing(), "the kernel took the probe's rule");
    ProgressProbe probe = attributor.progressProbe();
    long helper = probe.helperPid();
    assertTrue(helper > 0, "the helper runs from the start");
    long returnedBefore = probe.returned();
    // The helper cannot answer while stopped: the only marker of this token is the forged one.
    // (`kill -STOP` is itself a child of fim's JVM calling kill(): a foreign record too.)
    new ProcessBuilder("kill", "-STOP", Long.toString(helper)).start().waitFor();
    try {
      awaitForeign(probe, 1);
      probe.fire();
      long token = probe.tokenInFlight();
      Process forger = new ProcessBuilder("/bin/sh", "-c", "kill -0 " + token).start();
      assertTrue(forger.waitFor() != 0, "kill -0 of a token fails (no such process)");
      awaitForeign(probe, 2);
      assertEquals(returnedBefore, probe.returned(), "the forged marker is no progress");
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(helper)).start().waitFor();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (probe.returned() < returnedBefore + 1 && System.nanoTime() < deadline) {
      Thread.yield();
    }
    assertEquals(returnedBefore + 1, probe.returned(), "the helper's own answer counts");

    ProcessHandle h = ProcessHandle.of(helper).orElseThrow();
    h.destroyForcibly();
    h.onExit().get(30, TimeUnit.SECONDS);
    long passedBefore = attributor.streamPassed();
    long handed = wallNs();
    AuditedChange none =
        attributor
            .awaitPassed(
                ChangeQuery.of(pathOf(tree.resolve("never")), 0, 0, handed, WINDOW_NS),
                handed,
                WAIT)
            .get(30, TimeUnit.SECONDS);
    assertNull(none);
    assertEquals(passedBefore + 1, attributor.streamPassed(), "ended by a probe's answer");
    assertEquals(0, attributor.waitsBounded(), "not at the bound");
    assertEquals(2, probe.helpersStarted(), "a new helper");
    assertTrue(probe.helperPid() != helper);
  }

  private static void awaitForeign(ProgressProbe probe, long n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (probe.foreign() < n && System.nanoTime() < deadline) {
      Thread.yield();
    }
    assertEquals(n, probe.foreign(), "records with the progress key not from the helper");
  }

  private static long wallNs() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Test
  void twoWritersAtOnceEachFileToItsOwnWriter() throws Exception {
    // After its first write each writer waits for the other's first write: their writes overlap for
    // sure, also on a loaded machine where one process could otherwise finish before the other
    // starts.
    String script =
        "import os, sys, time\n"
            + "while not os.path.exists('go'): time.sleep(0.001)\n"
            + "for i in range(1000):\n"
            + "    with open(sys.argv[1], 'a') as f: f.write('x')\n"
            + "    if i == 0:\n"
            + "        open(sys.argv[1] + '.started', 'w').close()\n"
            + "        while not os.path.exists(sys.argv[2] + '.started'): time.sleep(0.001)\n";
    LoginChild a = LoginChild.start(tree, "/usr/bin/python3", "-c", script, "a", "b");
    LoginChild b = LoginChild.start(tree, "/usr/bin/python3", "-c", script, "b", "a");
    Files.createFile(tree.resolve("go"));
    a.await();
    b.await();

    for (LoginChild[] pair : new LoginChild[][] {{a, b}, {b, a}}) {
      LoginChild writer = pair[0];
      LoginChild other = pair[1];
      Path file = tree.resolve(writer == a ? "a" : "b");
      ChangeQuery q = ChangeQuery.of(pathOf(file), inode(file), 0, writer.startedNs, WINDOW_NS);
      AuditedChange e = attributor.await(q, WAIT).get(WAIT.toSeconds() + 10, TimeUnit.SECONDS);
      assertNotNull(e, () -> file + ": " + attributor.counters());
      assertEquals(writer.commandPid, e.actor().pid(), () -> file + ": " + e);
      assertEquals(LoginChild.LOGIN_UID, e.actor().auid());
      ChangeQuery wrongPid =
          ChangeQuery.of(pathOf(file), inode(file), other.commandPid, writer.startedNs, WINDOW_NS);
      AuditedChange w =
          attributor.await(wrongPid, Duration.ofMillis(200)).get(10, TimeUnit.SECONDS);
      assertNotNull(w);
      assertEquals(writer.commandPid, w.actor().pid(), () -> file + " with the other's pid: " + w);
    }
    // Every event on a file is its writer's, and the two writers did overlap in time. The awaits
    // above end at the first match; on a loaded host the listener may still be reading the rest.
    awaitHeld(tree.resolve("a"), 1000);
    awaitHeld(tree.resolve("b"), 1000);
    long[] aSpan = span(a.commandPid, tree.resolve("a"));
    long[] bSpan = span(b.commandPid, tree.resolve("b"));
    assertTrue(
        aSpan[0] <= bSpan[1] && bSpan[0] <= aSpan[1],
        "the writers ran at the same time: "
            + ms(aSpan[1] - aSpan[0])
            + " and "
            + ms(bSpan[1] - bSpan[0]));
    assertEquals(0, attributor.counters().lost(), attributor.counters().toString());
  }

  /** Polls until the index holds {@code n} events on {@code file}, for at most 30 s. */
  void awaitHeld(Path file, int n) throws InterruptedException {
    PathBytes p = pathOf(file);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() - deadline < 0) {
      long held =
          attributor.held().stream()
              .filter(c -> c.items().stream().anyMatch(i -> p.equals(i.path())))
              .count();
      if (held >= n || attributor.failure() != null) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** [first, last] audit time of the events on {@code file}, asserting all are {@code pid}'s. */
  long[] span(int pid, Path file) {
    PathBytes p = pathOf(file);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int n = 0;
    for (AuditedChange c : attributor.held()) {
      if (c.items().stream().anyMatch(i -> p.equals(i.path()))) {
        assertEquals(pid, c.actor().pid(), () -> file + ": " + c);
        first = Math.min(first, c.timeNs());
        last = Math.max(last, c.timeNs());
        n++;
      }
    }
    assertEquals(1000, n, "one audited open per append of " + file);
    return new long[] {first, last};
  }

  /**
   * A shell that set its loginuid (an audited write, so the kernel cached its PROCTITLE) and then
   * execs the command: the kernel logs bash's command line for sh's write. The args are left
   * unknown rather than credited to sh; the exe, comm and pid are sh's.
   */
  @Test
  void argsAfterAnExecAreUnknownNotThePreviousPrograms() throws Exception {
    LoginChild child = LoginChild.startExec(tree, "sh", "-c", "echo x >> f");
    child.await();
    Path f = tree.resolve("f");
    AuditedChange e =
        attributor
            .await(
                ChangeQuery.of(pathOf(f), inode(f), child.commandPid, child.startedNs, WINDOW_NS),
                WAIT)
            .get(WAIT.toSeconds() + 10, TimeUnit.SECONDS);
    assertNotNull(e, () -> attributor.counters() + held());
    assertEquals(Path.of("/bin/sh").toRealPath().toString(), e.actor().executable(), e::toString);
    assertEquals("sh", e.actor().name(), e::toString);
    assertEquals(child.bashPid(), e.actor().pid(), e::toString);
    assertNull(e.actor().args(), e::toString);
  }

  static String ms(long ns) {
    return String.format("%.1fms", ns / 1e6);
  }

  String held() {
    StringBuilder sb = new StringBuilder();
    for (AuditedChange c : attributor.held()) {
      sb.append("\n  ").append(c);
    }
    return sb.toString();
  }

  static List<String> ruleTexts(AuditClient c) throws Exception {
    List<String> out = new ArrayList<>();
    for (byte[] r : c.listRules()) {
      out.add(RuleCompiler.toCommandLine(r));
    }
    return out;
  }

  static PathBytes pathOf(Path p) {
    return PathBytes.ofUtf8(p.toString());
  }

  static long inode(Path p) throws IOException {
    return (long) Files.getAttribute(p, "unix:ino");
  }
}
