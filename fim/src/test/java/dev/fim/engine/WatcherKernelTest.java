package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.source.Sources;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code fim watch}'s engine end to end against the real kernel, on both backends (fanotify needs
 * root; inotify runs as anyone): real processes make the changes (sh, cp, mv, rm, chmod, chown,
 * touch, vim, sed, python3), the events are asserted exactly, and {@link WatchHarness#barrier()}
 * proves that no other event followed.
 */
@Tag("kernel")
class WatcherKernelTest {
  private WatchHarness h;

  private WatchHarness watch(Sources.Backend backend) throws Exception {
    if (backend == Sources.Backend.FANOTIFY) {
      assumeTrue(
          Commands.isRoot(), "fanotify filesystem marks need CAP_SYS_ADMIN: run the tests as root");
    }
    h = new WatchHarness(backend);
    return h;
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void createAppendTruncateOverwriteAreOneEventEach(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo one > f && echo other > g");
    h.start();
    h.sh("echo new > n");
    assertOnly(h.barrier(), Action.CREATED, "n");
    h.sh("echo two >> f");
    ChangeEvent append = only(h.barrier(), Action.UPDATED, "f");
    assertTrue(
        append.changedAttributes().containsAll(List.of("content", "size")),
        append.changedAttributes()::toString);
    assertTrue(!append.changedAttributes().contains("inode"), "append keeps the inode");
    h.sh(": > f");
    ChangeEvent trunc = only(h.barrier(), Action.UPDATED, "f");
    assertEquals(
        "0",
        trunc.changes().stream()
            .filter(c -> c.attribute().equals("size"))
            .findFirst()
            .orElseThrow()
            .newValue());
    h.sh("cp g f");
    ChangeEvent cp = only(h.barrier(), Action.UPDATED, "f");
    assertTrue(cp.changedAttributes().contains("content"));
    assertEquals(Files.size(h.tree.resolve("f")), cp.after().size());
  }

  /**
   * A file below a path longer than PATH_MAX (20 directories of 250-byte names): the start-up scan
   * records it, and a change at the bottom is one update. /proc cannot name such a directory
   * (readlink: ENAMETOOLONG), so the fanotify source climbs ".." to resolve its handle; inotify
   * opens each directory to watch by its parent's fd; the compare stage re-captures the file
   * relative to its parent's fd.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aChangeBelowPathMaxIsOneUpdate(Sources.Backend backend) throws Exception {
    watch(backend);
    String name = "d".repeat(250);
    String down = "for i in $(seq 20); do cd " + name + " || exit 1; done";
    // bash, not sh: dash's cd gives up once $PWD passes PATH_MAX
    h.run(
        List.of(
            "bash",
            "-c",
            "for i in $(seq 20); do mkdir "
                + name
                + " && cd "
                + name
                + " || exit 1; done && echo one > bottom"));
    h.start();
    String bottom = (name + "/").repeat(20) + "bottom";
    h.run(List.of("bash", "-c", down + " && echo two >> bottom"));
    ChangeEvent e = only(h.barrier(), Action.UPDATED, bottom);
    assertTrue(
        e.changedAttributes().containsAll(List.of("content", "size")),
        e.changedAttributes()::toString);
    assertTrue(h.path(bottom).length() > 4096);
    h.run(List.of("bash", "-c", down + " && echo new > added"));
    assertOnly(h.barrier(), Action.CREATED, (name + "/").repeat(20) + "added");
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void chmodChownTouchAreAttributeChanges(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo x > f && chmod 644 f");
    h.start();
    h.sh("chmod 600 f");
    ChangeEvent chmod = only(h.barrier(), Action.ATTRIBUTES_MODIFIED, "f");
    var perm =
        chmod.changes().stream()
            .filter(c -> c.attribute().equals("permissions"))
            .findFirst()
            .orElseThrow();
    assertEquals("0644", perm.oldValue());
    assertEquals("0600", perm.newValue());
    if (Commands.isRoot()) {
      h.sh("chown 1001:1001 f");
      ChangeEvent chown = only(h.barrier(), Action.ATTRIBUTES_MODIFIED, "f");
      assertTrue(
          chown.changedAttributes().containsAll(List.of("owner", "group")),
          chown.changedAttributes()::toString);
    }
    h.sh("touch -d '2001-02-03 04:05:06' f");
    ChangeEvent touch = only(h.barrier(), Action.ATTRIBUTES_MODIFIED, "f");
    assertTrue(touch.changedAttributes().contains("mtime"), touch.changedAttributes()::toString);
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void renamesInsideOutOfAndIntoTheTree(Sources.Backend backend) throws Exception {
    watch(backend);
    Path outside = Files.createTempDirectory(Path.of("/var/tmp"), "fim-outside-");
    try {
      h.sh("echo a > a && mkdir d && echo in > d/x");
      h.start();
      h.sh("mv a b");
      ChangeEvent moved = only(h.barrier(), Action.MOVED, "b");
      assertEquals(h.path("a"), moved.oldPath());
      h.sh("mv b " + outside + "/b");
      assertOnly(h.barrier(), Action.DELETED, "b");
      h.sh("echo c > " + outside + "/c && mv " + outside + "/c c");
      assertOnly(h.barrier(), Action.CREATED, "c");
      h.sh("mv d e");
      List<ChangeEvent> dirMove = h.barrier();
      assertEquals(2, dirMove.size(), WatchHarness.describe(dirMove));
      for (ChangeEvent e : dirMove) {
        assertEquals(Action.MOVED, e.action());
      }
      h.sh("echo more >> e/x");
      assertOnly(h.barrier(), Action.UPDATED, "e/x");
      h.sh("mkdir " + outside + "/t && echo 1 > " + outside + "/t/y && mv " + outside + "/t t");
      List<ChangeEvent> in = h.barrier();
      assertEquals(Set.of(h.path("t"), h.path("t/y")), paths(in), WatchHarness.describe(in));
      in.forEach(e -> assertEquals(Action.CREATED, e.action()));
      h.sh("echo 2 >> t/y");
      assertOnly(h.barrier(), Action.UPDATED, "t/y");
    } finally {
      WatchHarness.deleteTree(outside);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void removalsAndNewTreesReportEveryPath(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo 1 > f && mkdir -p old/sub && echo 2 > old/sub/g && echo 3 > old/h");
    h.start();
    h.sh("rm f");
    assertOnly(h.barrier(), Action.DELETED, "f");
    h.sh("rm -r old");
    List<ChangeEvent> rm = h.barrier();
    assertEquals(
        Set.of(h.path("old"), h.path("old/sub"), h.path("old/sub/g"), h.path("old/h")),
        paths(rm),
        WatchHarness.describe(rm));
    rm.forEach(e -> assertEquals(Action.DELETED, e.action()));
    for (int i = 0; i < 5; i++) {
      String d = "n" + i;
      h.sh("mkdir -p " + d + "/b/c && echo y > " + d + "/b/c/f");
      List<ChangeEvent> mk = h.barrier();
      assertEquals(
          Set.of(h.path(d), h.path(d + "/b"), h.path(d + "/b/c"), h.path(d + "/b/c/f")),
          paths(mk),
          "round " + i + ": " + WatchHarness.describe(mk));
      mk.forEach(e -> assertEquals(Action.CREATED, e.action()));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void vimSedAndOsReplaceAreOneUpdateWithAnInodeChange(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("printf 'line\\n' > v && printf 'old\\n' > s && printf 'p\\n' > p");
    h.start();
    long inodeBefore = inode("v");
    h.run(List.of("vim", "-u", "NONE", "-N", "-es", "-c", "normal Gox", "-c", "wq", "v"));
    assertNotEquals(
        inodeBefore, inode("v"), "vim must have replaced the inode (tree is under /var/tmp)");
    ChangeEvent vim = only(h.barrier(), Action.UPDATED, "v");
    assertTrue(
        vim.changedAttributes().containsAll(List.of("content", "inode")),
        vim.changedAttributes()::toString);
    assertEquals(
        Long.toUnsignedString(inodeBefore),
        vim.changes().stream()
            .filter(c -> c.attribute().equals("inode"))
            .findFirst()
            .orElseThrow()
            .oldValue());

    h.sh("sed -i s/old/new/ s");
    ChangeEvent sed = only(h.barrier(), Action.UPDATED, "s");
    assertTrue(
        sed.changedAttributes().containsAll(List.of("content", "inode")),
        sed.changedAttributes()::toString);

    h.run(
        List.of(
            "python3",
            "-c",
            "import os\nwith open('p.tmp','w') as f: f.write('q\\n')\nos.replace('p.tmp','p')"));
    ChangeEvent py = only(h.barrier(), Action.UPDATED, "p");
    assertTrue(
        py.changedAttributes().containsAll(List.of("content", "inode")),
        py.changedAttributes()::toString);
    assertTrue(h.watcher().stats().transients() >= 1, "vim's and sed's temporaries are counted");
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void hardLinkIsACreatedPathWithTheSameInode(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo x > f");
    h.start();
    h.sh("ln f g");
    List<ChangeEvent> es = h.barrier();
    ChangeEvent g = es.stream().filter(e -> e.path().equals(h.path("g"))).findFirst().orElseThrow();
    assertEquals(Action.CREATED, g.action());
    assertEquals(inode("f"), g.after().ino());
    assertTrue(
        es.stream().noneMatch(e -> e.action() == Action.DELETED || e.action() == Action.MOVED),
        WatchHarness.describe(es));
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void oddByteNamesAreReportedExactly(Sources.Backend backend) throws Exception {
    watch(backend);
    h.start();
    // \377 (not UTF-8), a newline, and UTF-8 "é", created by sh under LC_ALL=C
    h.sh(
        "printf x > \"$(printf 'a\\377b')\" && printf y > \"$(printf 'nl\\nx')\" && printf z > \"$(printf 'caf\\303\\251')\"");
    List<ChangeEvent> es = h.barrier();
    byte[] root = h.tree.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Set<String> got = new HashSet<>();
    for (ChangeEvent e : es) {
      if (e.action() == Action.OVERFLOW) {
        continue; // a filesystem mark sees the whole busy disk; a queue overflow is rescanned and
        // still names them
      }
      assertEquals(Action.CREATED, e.action());
      byte[] p = e.path().toBytes();
      got.add(
          java.util.HexFormat.of()
              .formatHex(java.util.Arrays.copyOfRange(p, root.length + 1, p.length)));
    }
    assertEquals(Set.of("61ff62", "6e6c0a78", "636166c3a9"), got, WatchHarness.describe(es));
    h.sh("printf more >> \"$(printf 'a\\377b')\"");
    ChangeEvent up = only(h.barrier(), Action.UPDATED, null);
    assertArrayEquals(
        PathBytes.of(concat(root, new byte[] {'/', 'a', (byte) 0xff, 'b'})).toBytes(),
        up.path().toBytes());
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void changesWhileNotWatchingAreReportedAtStart(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo 1 > keep && echo 2 > gone && echo 3 > edit");
    h.start();
    h.barrier();
    h.stop();
    h.sh("rm gone && echo 4 >> edit && echo 5 > born && mv keep kept");
    h.start();
    List<ChangeEvent> es = h.barrier();
    // The four, and not the root directory's new mtime: its entries' own events say what happened.
    assertEquals(4, es.size(), WatchHarness.describe(es));
    assertEquals(Action.DELETED, find(es, "gone").action());
    assertEquals(Action.UPDATED, find(es, "edit").action());
    assertEquals(Action.CREATED, find(es, "born").action());
    ChangeEvent kept = find(es, "kept");
    assertEquals(Action.MOVED, kept.action());
    assertEquals(h.path("keep"), kept.oldPath());
    assertEquals("reconcile", kept.origin().label());
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void overflowRescanReportsEveryChangedFile(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("mkdir many");
    // A stalled consumer, as a slow log pipeline would be: the sink blocks the comparator, one
    // pending path at most fills the coalescer, its back-pressure holds the source thread, and the
    // kernel queue (16384 events) overflows for real while 20,000 files are written. Once the sink
    // moves again, FAN_Q_OVERFLOW / IN_Q_OVERFLOW reaches the engine, which must find every file by
    // rescanning.
    h.start(0, 1, 120_000_000_000L);
    h.closeGate();
    h.sh("echo first > trigger");
    h.run(
        List.of(
            "python3",
            "-c",
            "import os\nfor i in range(20000):\n"
                + "  with open('many/f%05d' % i, 'w') as f: f.write(str(i))"));
    h.openGate();
    ChangeEvent overflow = h.await(e -> e.action() == Action.OVERFLOW, "an overflow event");
    assertTrue(overflow.message().contains("overflow"), overflow.message());
    List<ChangeEvent> es = h.barrier();
    Set<PathBytes> created = new HashSet<>();
    for (ChangeEvent e : es) {
      if (e.action() == Action.CREATED) {
        created.add(e.path());
      }
    }
    for (int i = 0; i < 20000; i++) {
      PathBytes p = h.path(String.format("many/f%05d", i));
      assertTrue(created.contains(p), () -> "missing " + p.display());
    }
    assertTrue(h.watcher().stats().overflows() >= 1);
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void temporariesAreCountedOrOnRequestReported(Sources.Backend backend) throws Exception {
    watch(backend);
    h.start(
        1000,
        65536,
        WatchSettings.BACK_PRESSURE_NS,
        true); // a long window: the two commands land in one
    long before = h.watcher().stats().transients();
    h.sh("echo t > tmp && rm tmp");
    List<ChangeEvent> es = h.barrier();
    assertEquals(2, es.size(), WatchHarness.describe(es));
    assertEquals(Action.CREATED, es.get(0).action());
    assertEquals(Action.DELETED, es.get(1).action());
    for (ChangeEvent e : es) {
      assertEquals(h.path("tmp"), e.path());
      assertTrue(e.message().startsWith("temporary:"), e.message());
    }
    assertEquals(before + 1, h.watcher().stats().transients());
  }

  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void deletingTheWatchedRootReportsEveryPathBelowIt(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("mkdir d && echo 1 > d/x && echo 2 > y");
    h.start();
    h.run(List.of("rm", "-rf", h.tree.toString()));
    for (String p : List.of(".", ".barriers", "d", "d/x", "y")) {
      h.await(e -> e.action() == Action.DELETED && e.path().equals(h.path(p)), "deleted " + p);
    }
  }

  @org.junit.jupiter.api.Test
  void fanotifyNamesTheLoginUserTheEffectiveUserAndTheProgram() throws Exception {
    watch(Sources.Backend.FANOTIFY);
    h.sh("echo one > f && chmod 666 f && chmod 755 ."); // the temp dir is 0700: nobody must reach f
    h.start();
    // A child whose login uid is 1001 (as a login would set it), running python3 as nobody: the
    // write is the effective user's, the login user survives the uid change. It stays alive
    // (reading stdin) until its event is in, so /proc/PID is there to be read.
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "echo 1001 > /proc/self/loginuid && exec setpriv --reuid=65534 "
                    + "--regid=65534 --clear-groups /usr/bin/python3 -c 'import sys\nwith open(\"f\", \"a\") as f: f.write(\"two\\n\")\n"
                    + "sys.stdin.read()'")
            .directory(h.tree.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      ChangeEvent e =
          h.await(
              x -> x.path().equals(h.path("f")) && x.action() == Action.UPDATED, "python's write");
      assertEquals("proc", e.attribution().label());
      assertEquals(1001L, e.actor().auid());
      assertEquals(65534L, e.actor().uid());
      assertEquals("python3", e.actor().name());
      assertTrue(e.actor().executable().startsWith("/usr/bin/python3"), e.actor().executable());
      assertEquals("/usr/bin/python3", e.actor().args().get(0));
      assertEquals((int) p.pid(), e.actor().pid().intValue());
    } finally {
      p.getOutputStream().close();
      assertTrue(p.waitFor(WatchHarness.DEADLINE_MS, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
    // A new directory and a file in it by two processes: the file is its writer's, not the
    // directory's creator's.
    h.sh("mkdir sub");
    Process w =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                "import sys\nopen('sub/f', 'w').write('x')\n" + "sys.stdin.read()")
            .directory(h.tree.toFile())
            .start();
    try {
      ChangeEvent f = h.await(x -> x.path().equals(h.path("sub/f")), "sub/f");
      assertEquals(Action.CREATED, f.action());
      assertEquals((int) w.pid(), f.actor().pid().intValue(), f.actor()::toString);
    } finally {
      w.getOutputStream().close();
      assertTrue(w.waitFor(WatchHarness.DEADLINE_MS, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
  }

  // ---- helpers ----

  private ChangeEvent only(List<ChangeEvent> es, Action action, String relative) {
    assertEquals(
        1,
        es.size(),
        () ->
            "expected one "
                + action.label()
                + " "
                + relative
                + ", got "
                + WatchHarness.describe(es));
    ChangeEvent e = es.get(0);
    assertEquals(action, e.action(), WatchHarness.describe(es));
    if (relative != null) {
      assertEquals(h.path(relative), e.path(), WatchHarness.describe(es));
    }
    assertAttributed(e);
    return e;
  }

  /**
   * fanotify names the writer's pid, read from /proc as the event arrives: "proc" with the process,
   * or, for a process that was already gone (mv, chmod exit within a millisecond), "none" saying
   * so. inotify has no pid.
   */
  private void assertAttributed(ChangeEvent e) {
    if (h.backend == Sources.Backend.INOTIFY) {
      assertEquals("none", e.attribution().label());
      assertTrue(e.attributionReason().contains("inotify"), e.attributionReason());
    } else if (e.attribution().label().equals("none")) {
      assertTrue(
          e.attributionReason().contains("had exited before fim read /proc"),
          e.attributionReason());
    } else {
      assertEquals("proc", e.attribution().label());
      // A process caught while exiting still has its pid, uid and comm, but no exe or command line
      // any more.
      assertTrue(
          e.actor().pid() > 0 && (e.actor().executable() != null || e.actor().uid() != null),
          e.actor()::toString);
    }
  }

  private void assertOnly(List<ChangeEvent> es, Action action, String relative) {
    ChangeEvent e = only(es, action, relative);
    if (action == Action.DELETED) {
      assertNull(e.after());
    }
  }

  private ChangeEvent find(List<ChangeEvent> es, String relative) {
    return es.stream()
        .filter(e -> e.path().equals(h.path(relative)))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError("no event for " + relative + ": " + WatchHarness.describe(es)));
  }

  private static Set<PathBytes> paths(List<ChangeEvent> es) {
    Set<PathBytes> s = new HashSet<>();
    es.forEach(e -> s.add(e.path()));
    return s;
  }

  private long inode(String relative) throws Exception {
    return (Long) Files.getAttribute(h.tree.resolve(relative), "unix:ino");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * SIGTERM (here {@link Watcher#stop}) while the start-up recording still hashes must not wait for
   * it: a 256 GiB sparse file takes a minute or more to hash, the stop comes at once. Nothing
   * half-recorded is left, so the next start records the trees again instead of reporting every
   * path the first scan did not reach as created.
   */
  @Test
  void aStopDuringTheStartUpRecordingEndsItAndLeavesNothingHalfRecorded() throws Exception {
    h = new WatchHarness(Commands.isRoot() ? Sources.Backend.FANOTIFY : Sources.Backend.INOTIFY);
    h.sh("echo a > a && truncate -s 256G huge && echo z > z");
    int seen = h.statusLines().size();
    h.startNoWait(
        200,
        65536,
        WatchSettings.BACK_PRESSURE_NS,
        false,
        WatchSettings.AttributionMode.PROC,
        WatchSettings.RULE_CHECK_NS);
    long deadline = System.currentTimeMillis() + WatchHarness.DEADLINE_MS;
    while (!h.watcher()
        .scanning()) { // the stop must come while the scan runs, not before it begins
      assertTrue(System.currentTimeMillis() < deadline, "the start-up scan did not begin");
      Thread.onSpinWait();
    }
    h.stop();
    List<String> stopped = h.statusLines();
    assertTrue(
        stopped.subList(seen, stopped.size()).stream()
            .anyMatch(s -> s.startsWith("stopped before the start-up recording finished")),
        stopped::toString);
    try (Store store = Store.open(h.dbDir.resolve("db"), Store.OpenMode.READ_ONLY)) {
      assertFalse(store.hasAny(Column.CURRENT), "no half-recorded state is left");
    }
    Files.delete(h.tree.resolve("huge"));
    h.start();
    // A copy: the running watcher may add a status line while the list is read (an
    // ArrayList iterated meanwhile throws ConcurrentModificationException, also when the
    // message is built, which happens even when the assertion holds).
    List<String> restarted = h.statusLines();
    assertTrue(
        restarted.stream().anyMatch(s -> s.startsWith("recorded ")),
        () -> "the next start records again: " + restarted);
    assertEquals(List.of(), h.barrier(), "and reports nothing as created");
  }
}
