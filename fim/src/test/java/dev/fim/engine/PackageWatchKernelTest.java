package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.EventText;
import dev.fim.engine.source.Sources;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Package-manager changes under a real watch ({@code /proc} attribution, fanotify): real packages
 * built with {@code dpkg-deb} and installed with {@code dpkg -i} into the watched tree. dpkg's
 * files carry the package, its version and whether their content is the package's; a change by any
 * other writer names the package and never claims it verified.
 */
@Tag("kernel")
class PackageWatchKernelTest {
  private WatchHarness h;
  private TestDeb deb;
  private Path tool;
  private Path conf;

  @BeforeEach
  void start() throws Exception {
    String why = TestDeb.unavailable();
    assumeTrue(why == null, why);
    h = new WatchHarness(Sources.Backend.FANOTIFY).start();
    deb = new TestDeb();
    tool = h.tree.resolve("pkg/bin/tool");
    conf = h.tree.resolve("pkg/etc/tool.conf");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (deb != null) {
        deb.close(); // purges the package: never left installed
      }
    } finally {
      if (h != null) {
        h.close();
      }
    }
  }

  private ChangeEvent eventOf(List<ChangeEvent> es, Path p) {
    PathBytes want = PathBytes.ofUtf8(p.toString());
    for (int i = es.size() - 1; i >= 0; i--) {
      if (es.get(i).path().equals(want)) {
        return es.get(i);
      }
    }
    throw new AssertionError("no event for " + p + ": " + WatchHarness.describe(es));
  }

  @Test
  void dpkgsFilesCarryTheirPackageAndAreVerifiedAndAnotherWriterNeverIs() throws Exception {
    deb.install(
        deb.build(
            "1.0-1",
            TestDeb.files(tool, "#!/bin/sh\necho one\n", conf, "level=1\n"),
            List.of(conf),
            null));
    List<ChangeEvent> es = h.barrier();
    ChangeEvent t = eventOf(es, tool);
    assertEquals("/usr/bin/dpkg", t.actor().executable(), "attributed to dpkg from /proc");
    assertEquals(new PackageOrigin(deb.name, "1.0-1", true, null), t.pkg());
    assertEquals(
        new PackageOrigin(deb.name, "1.0-1", true, null),
        eventOf(es, conf).pkg(),
        "a conffile: verified against its record in dpkg's status file");
    ChangeEvent dir = eventOf(es, h.tree.resolve("pkg/bin"));
    assertEquals(
        new PackageOrigin(deb.name, "1.0-1", null, null),
        dir.pkg(),
        "a directory: owned, nothing to verify");
    String json = EventJson.toJson(t);
    assertTrue(
        json.contains("\"package\":{\"name\":\"" + deb.name + "\",\"version\":\"1.0-1\"}"), json);
    assertTrue(json.contains("\"package_verified\":true"), json);
    assertTrue(
        EventText.line(t).endsWith("package " + deb.name + " 1.0-1 verified"), EventText.line(t));

    // Another writer: the file is still the package's, and nothing vouches for the change.
    h.sh("echo two >> '" + tool + "'");
    ChangeEvent edit = eventOf(h.barrier(), tool);
    assertEquals(new PackageOrigin(deb.name, "1.0-1", null, null), edit.pkg());
    assertTrue(!EventJson.toJson(edit).contains("package_verified"), EventJson.toJson(edit));

    // A copy of a program under the name "dpkg" is not dpkg, even when it writes the package's
    // exact content: the writer is the kernel's executable path, not a name.
    // It stays alive until its event is in (it waits on a FIFO), so /proc still shows who it was.
    java.nio.file.Files.writeString(
        h.tree.resolve("w.sh"), "printf '#!/bin/sh\\necho one\\n' > pkg/bin/tool\nread x < hold\n");
    h.sh("cp /bin/sh ./dpkg && mkfifo hold");
    Process writer =
        new ProcessBuilder("./dpkg", "w.sh")
            .directory(h.tree.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      PathBytes toolPath = PathBytes.ofUtf8(tool.toString());
      ChangeEvent fake =
          h.await(
              e -> e.path().equals(toolPath) && e.sequence() > edit.sequence(),
              "the write of the program named dpkg");
      assertNotNull(fake.actor(), fake.attributionReason());
      assertEquals(h.tree.resolve("dpkg").toString(), fake.actor().executable());
      assertEquals(new PackageOrigin(deb.name, "1.0-1", null, null), fake.pkg());
    } finally {
      java.nio.file.Files.writeString(h.tree.resolve("hold"), "go\n");
      writer.waitFor(WatchHarness.DEADLINE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * dpkg journals the new version ({@code updates/}) before it configures the package and rewrites
   * {@code status} only when it is done: while the postinst runs (a service restart can take
   * seconds), the files it installed carry their version all the same. Read from {@code status}
   * alone, they had none (this test failed every time so; under load the other tests did now and
   * then). The postinst waits for the test to have the event (bounded, so a failed test cannot
   * leave dpkg behind).
   */
  @Test
  void whileThePostinstRunsThePackagesFilesCarryItsVersion() throws Exception {
    Path go = deb.workFile("go");
    Path pkg =
        deb.build(
            "4.0",
            TestDeb.files(tool, "#!/bin/sh\necho four\n"),
            List.of(),
            null,
            "#!/bin/sh\nn=0\nwhile [ ! -e '"
                + go
                + "' ] && [ $n -lt 2400 ]; do sleep 0.05; n=$((n+1)); done\n");
    java.util.concurrent.CompletableFuture<Void> install =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                deb.install(pkg);
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    try {
      PathBytes toolPath = PathBytes.ofUtf8(tool.toString());
      ChangeEvent t = h.await(e -> e.path().equals(toolPath), "dpkg's write of " + tool);
      assertEquals("/usr/bin/dpkg", t.actor().executable());
      assertEquals(new PackageOrigin(deb.name, "4.0", true, null), t.pkg());
    } finally {
      java.nio.file.Files.writeString(go, "go\n");
      install.get(TestDeb.DEADLINE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * dpkg itself writes content that is not what the package records (a forged or damaged package
   * whose md5sums does not match its data): the event says so, with both digests, and the text line
   * makes it stand out.
   */
  @Test
  void dpkgWritingContentThatIsNotThePackagesIsNotVerified() throws Exception {
    String content = "#!/bin/sh\necho payload\n";
    deb.install(
        deb.build(
            "2.0",
            TestDeb.files(tool, content),
            List.of(),
            Map.of(tool, TestDeb.md5("#!/bin/sh\necho harmless\n"))));
    ChangeEvent t = eventOf(h.barrier(), tool);
    assertEquals("/usr/bin/dpkg", t.actor().executable());
    PackageOrigin p = t.pkg();
    assertNotNull(p);
    assertEquals(deb.name, p.name());
    assertEquals("2.0", p.version());
    assertEquals(Boolean.FALSE, p.verified());
    assertEquals(
        "its MD5 "
            + TestDeb.md5(content)
            + " differs from the package's "
            + TestDeb.md5("#!/bin/sh\necho harmless\n"),
        p.reason());
    assertTrue(EventJson.toJson(t).contains("\"package_verified\":false"), EventJson.toJson(t));
    assertTrue(
        EventText.line(t).contains("NOT VERIFIED against " + deb.name + " 2.0 (its MD5 "),
        EventText.line(t));
  }

  /**
   * The installed file is tampered with, then dpkg reinstalls the same version: dpkg's write puts
   * the package's content back and is verified; the tampering before it was not.
   */
  @Test
  void aReinstallOverATamperedFileIsVerifiedAndTheTamperingWasNot() throws Exception {
    Path pkg = deb.build("3.0", TestDeb.files(tool, "#!/bin/sh\necho three\n"), List.of(), null);
    deb.install(pkg);
    h.barrier();
    h.sh("printf 'tampered\\n' > '" + tool + "'");
    ChangeEvent tamper = eventOf(h.barrier(), tool);
    assertEquals(new PackageOrigin(deb.name, "3.0", null, null), tamper.pkg());
    deb.install(pkg);
    ChangeEvent again = eventOf(h.barrier(), tool);
    assertEquals("/usr/bin/dpkg", again.actor().executable());
    assertEquals(new PackageOrigin(deb.name, "3.0", true, null), again.pkg());
  }
}
