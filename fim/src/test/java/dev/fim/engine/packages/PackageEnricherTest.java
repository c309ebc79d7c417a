package dev.fim.engine.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.baseline.pkg.PackageDatabase;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.Origin;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package of a file dpkg writes, against a dpkg database written step by step the way dpkg
 * writes it while a live process stands for the running dpkg.
 */
class PackageEnricherTest {
  private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(120);

  @TempDir Path tmp;

  /**
   * A first install: dpkg puts the file in place, then the package's list and md5sums in {@code
   * info/}, and only then records the package's version (in its journal, {@code updates/}; {@code
   * status} when it exits). A look in between finds the file verified and the package without a
   * version: the event waits for the version (it failed so under load in PackageWatchKernelTest,
   * version null where "1.0-1" was expected).
   */
  @Test
  void aDpkgWriteWaitsForTheVersionDpkgRecordsAfterTheListAndMd5sums() throws Exception {
    Path db = Files.createDirectories(tmp.resolve("dpkg"));
    Path info = Files.createDirectories(db.resolve("info"));
    Path updates = Files.createDirectories(db.resolve("updates"));
    Files.writeString(
        db.resolve("status"),
        "Package: other\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n");
    Path tool = Files.createDirectories(tmp.resolve("root")).resolve("tool");
    String content = "#!/bin/sh\necho one\n";
    Files.writeString(tool, content);
    Files.writeString(info.resolve("fimtest.list"), tool + "\n");
    Files.writeString(
        info.resolve("fimtest.md5sums"),
        HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("MD5")
                        .digest(content.getBytes(StandardCharsets.UTF_8)))
            + "  "
            + tool.toString().substring(1)
            + "\n");
    Process dpkg = new ProcessBuilder("cat").start(); // alive until its stdin closes
    try (PackageDatabase pkgs =
        new PackageDatabase(db, PackageDatabase.FOLLOW_NS, PackageDatabase.FOLLOW_NS)) {
      PackageEnricher enricher = new PackageEnricher(pkgs, DEADLINE_NS);
      ChangeEvent written = writtenByDpkg(tool, (int) dpkg.pid());
      CompletableFuture<ChangeEvent> enriched =
          CompletableFuture.supplyAsync(() -> enricher.enrich(written));
      long end = System.nanoTime() + DEADLINE_NS;
      while (pkgs.loads() == 0) { // its first look is done: the version was not recorded yet
        assertTrue(System.nanoTime() < end, "the enricher never looked");
        Thread.onSpinWait();
      }
      Files.writeString(
          updates.resolve("0000"),
          "Package: fimtest\nStatus: install reinstreq unpacked\nArchitecture: all\n"
              + "Version: 1.0-1\n");
      // dpkg's next step comes milliseconds later: past the kernel's coarse file clock
      Files.setLastModifiedTime(updates, FileTime.fromMillis(1_000_000_000_000L));
      assertEquals(
          new PackageOrigin("fimtest", "1.0-1", true, null),
          enriched.get(DEADLINE_NS, TimeUnit.NANOSECONDS).pkg());
    } finally {
      dpkg.destroy();
      dpkg.waitFor(DEADLINE_NS, TimeUnit.NANOSECONDS);
    }
  }

  private static ChangeEvent writtenByDpkg(Path p, int pid) {
    FileRecord after =
        new FileRecord(
            FileType.FILE, 0755, 0, 0, 20, 8, 0, 0, 1, 2, 1, null, null, List.of(), 0, null);
    Actor dpkg =
        new Actor(null, null, 0L, "root", pid, 1, "/usr/bin/dpkg", "dpkg", null, null, null);
    return new ChangeEvent(
        1L,
        1,
        Action.CREATED,
        PathBytes.ofUtf8(p.toString()),
        null,
        after,
        null,
        List.of(),
        Origin.WATCH,
        Attribution.PROC,
        null,
        null,
        dpkg);
  }
}
