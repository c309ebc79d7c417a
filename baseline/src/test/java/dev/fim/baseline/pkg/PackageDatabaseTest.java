package dev.fim.baseline.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.FileType;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dpkg database reader against database trees written the way dpkg writes them (and the ways it
 * does not), and against the host's real database.
 */
class PackageDatabaseTest {
  @TempDir Path tmp;

  private Path db;
  private Path files;

  private void database(String status) throws IOException {
    db = tmp.resolve("dpkg");
    files = tmp.resolve("root");
    Files.createDirectories(db.resolve("info"));
    Files.createDirectories(files);
    Files.writeString(db.resolve("status"), status);
  }

  private static String md5(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
  }

  private static String stanza(String name, String version, String state, String extra) {
    return "Package: "
        + name
        + "\nStatus: install ok "
        + state
        + "\nArchitecture: amd64\nVersion: "
        + version
        + "\n"
        + extra
        + "\n";
  }

  private Path file(String rel, String content) throws IOException {
    Path p = files.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private void info(String key, String suffix, byte[] content) throws IOException {
    Files.write(db.resolve("info").resolve(key + suffix), content);
  }

  private static PathBytes pb(Path p) {
    return PathBytes.ofUtf8(p.toString());
  }

  @Test
  void ownerVersionAndMd5OfAnInstalledFile() throws Exception {
    database(stanza("hello", "2.10-3", "installed", ""));
    Path bin = file("usr/bin/hello", "hello v2\n");
    info("hello", ".list", ("/.\n" + files + "/usr\n" + bin + "\n").getBytes());
    info(
        "hello",
        ".md5sums",
        (md5("hello v2\n".getBytes()) + "  " + bin.toString().substring(1) + "\n").getBytes());
    try (PackageDatabase pkgs = new PackageDatabase(db)) {
      assertEquals(
          new PackageOrigin("hello", "2.10-3", true, null), pkgs.verify(pb(bin), FileType.FILE));
      assertEquals(new PackageOrigin("hello", "2.10-3", null, null), pkgs.owner(pb(bin)));
      // a directory the package lists: owned, never "verified" (md5sums covers regular files)
      assertEquals(
          new PackageOrigin("hello", "2.10-3", null, null),
          pkgs.verify(pb(files.resolve("usr")), FileType.DIRECTORY));
      assertNull(pkgs.verify(pb(files.resolve("usr/bin/other")), FileType.FILE));

      Files.writeString(bin, "hello v2 tampered\n");
      PackageOrigin tampered = pkgs.verify(pb(bin), FileType.FILE);
      assertEquals(Boolean.FALSE, tampered.verified());
      assertTrue(
          tampered.reason().contains("differs from the package's " + md5("hello v2\n".getBytes())),
          tampered.reason());
      assertEquals(1, pkgs.loads(), "the index is read once while dpkg changes nothing");
    }
  }

  @Test
  void conffileMd5ComesFromTheStatusFileAndMultiArchNamesCarryTheArchitecture() throws Exception {
    Path conf = tmp.resolve("root/etc/hello.conf");
    Path lib = tmp.resolve("root/usr/lib/x86_64-linux-gnu/libhello.so.1");
    database(
        stanza(
                "hello",
                "1.0",
                "installed",
                "Conffiles:\n "
                    + conf
                    + " "
                    + md5("a=1\n".getBytes())
                    + "\n /etc/old.conf 0123456789abcdef0123456789abcdef obsolete")
            + "\n"
            + stanza("libhello1", "1.0-2", "installed", "Multi-Arch: same"));
    file("etc/hello.conf", "a=1\n");
    file("usr/lib/x86_64-linux-gnu/libhello.so.1", "ELF\n");
    info("hello", ".list", (conf + "\n").getBytes());
    info("libhello1:amd64", ".list", (lib + "\n").getBytes());
    info(
        "libhello1:amd64",
        ".md5sums",
        (md5("ELF\n".getBytes()) + "  " + lib.toString().substring(1) + "\n").getBytes());
    try (PackageDatabase pkgs = new PackageDatabase(db)) {
      assertEquals(
          new PackageOrigin("hello", "1.0", true, null), pkgs.verify(pb(conf), FileType.FILE));
      assertEquals(
          new PackageOrigin("libhello1:amd64", "1.0-2", true, null),
          pkgs.verify(pb(lib), FileType.FILE));
      Files.writeString(conf, "a=2\n"); // the administrator's edit of a conffile
      assertEquals(Boolean.FALSE, pkgs.verify(pb(conf), FileType.FILE).verified());
    }
  }

  /**
   * A diverted path holds the diverting package's file (or the administrator's), never the shipping
   * package's; the diverted-to path holds the shipping package's, recorded under the original name.
   */
  @Test
  void diversionsAreNotMisattributed() throws Exception {
    Path orig = tmp.resolve("root/usr/bin/tool");
    Path moved = tmp.resolve("root/usr/bin/tool.distrib");
    Path local = tmp.resolve("root/usr/bin/mine");
    database(
        stanza("shipper", "1", "installed", "") + "\n" + stanza("diverter", "2", "installed", ""));
    file("usr/bin/tool", "diverter's tool\n");
    file("usr/bin/tool.distrib", "shipper's tool\n");
    file("usr/bin/mine", "local\n");
    info("shipper", ".list", (orig + "\n" + local + "\n").getBytes());
    info(
        "shipper",
        ".md5sums",
        (md5("shipper's tool\n".getBytes())
                + "  "
                + orig.toString().substring(1)
                + "\n"
                + md5("local\n".getBytes())
                + "  "
                + local.toString().substring(1)
                + "\n")
            .getBytes());
    info("diverter", ".list", (orig + "\n").getBytes());
    info(
        "diverter",
        ".md5sums",
        (md5("diverter's tool\n".getBytes()) + "  " + orig.toString().substring(1) + "\n")
            .getBytes());
    Files.writeString(
        db.resolve("diversions"),
        orig + "\n" + moved + "\ndiverter\n" + local + "\n" + local + ".orig\n:\n");
    try (PackageDatabase pkgs = new PackageDatabase(db)) {
      assertEquals(
          new PackageOrigin("diverter", "2", true, null), pkgs.verify(pb(orig), FileType.FILE));
      assertEquals(
          new PackageOrigin("shipper", "1", true, null), pkgs.verify(pb(moved), FileType.FILE));
      assertNull(
          pkgs.verify(pb(local), FileType.FILE),
          "a local diversion: the administrator's file, no package vouches for it");
    }
  }

  /**
   * Root-owned inputs still may be damaged or hostile: lines far beyond PATH_MAX, non-UTF-8 paths,
   * relative paths, an md5sums line that is not 32 hex digits, a missing md5sums file, a .list that
   * is a directory, a status file without a final newline. None crashes or misleads.
   */
  @Test
  void hostileDatabaseContentNeitherCrashesNorMisleads() throws Exception {
    database(
        stanza("odd", "1", "installed", "")
            + "\n"
            + stanza("nosums", "3", "installed", "")
            + "\nPackage: broken\nVersion: 9\n\nPackage: "
            + "x".repeat(200_000)
            + "\nStatus: install ok installed");
    byte[] oddName = {'o', 'd', 'd', '_', (byte) 0xff, '_', 'b'};
    Path dir = tmp.resolve("root/bin");
    Files.createDirectories(dir);
    Path oddFile = dir.resolve(new String(oddName, StandardCharsets.ISO_8859_1));
    byte[] oddPath = (dir + "/").getBytes();
    oddPath = concat(oddPath, oddName);
    // write the file under its raw bytes: the JVM's name encoding cannot express 0xff under C
    dev.fim.baseline.TestFiles.writeRaw(dir, oddName, "odd content\n");
    Path plain = file("bin/plain", "plain\n");
    Path fake = file("bin/fake", "fake\n");

    ByteArrayOutputStream list = new ByteArrayOutputStream();
    list.write(("/" + "a".repeat(1_000_000) + "\n").getBytes()); // a huge line: skipped
    list.write("relative/path\n\n/\n".getBytes());
    list.write(oddPath);
    list.write('\n');
    list.write((plain + "\n" + fake).getBytes()); // no final newline
    info("odd", ".list", list.toByteArray());

    ByteArrayOutputStream sums = new ByteArrayOutputStream();
    sums.write(("z".repeat(32) + "  " + plain.toString().substring(1) + "\n").getBytes());
    sums.write((md5("fake\n".getBytes()) + " " + fake.toString().substring(1) + "\n").getBytes());
    sums.write((md5("odd content\n".getBytes()) + "  ").getBytes());
    sums.write(java.util.Arrays.copyOfRange(oddPath, 1, oddPath.length));
    sums.write('\n');
    sums.write(("0".repeat(100_000) + "\n").getBytes());
    info("odd", ".md5sums", sums.toByteArray());
    Path nosums = file("bin/nosums", "n\n");
    info("nosums", ".list", (nosums + "\n").getBytes());
    Files.createDirectories(db.resolve("info/dir.list"));

    try (PackageDatabase pkgs = new PackageDatabase(db)) {
      PackageOrigin odd = pkgs.verify(PathBytes.of(oddPath), FileType.FILE);
      assertEquals(
          new PackageOrigin("odd", "1", true, null), odd, "a non-UTF-8 path, byte for byte");
      PackageOrigin bad = pkgs.verify(pb(plain), FileType.FILE);
      assertEquals(Boolean.FALSE, bad.verified(), "'zzz…' is no MD5: no record, not verified");
      assertEquals("its md5sums has no entry for it", bad.reason());
      assertEquals(
          Boolean.FALSE,
          pkgs.verify(pb(fake), FileType.FILE).verified(),
          "one space between MD5 and path is not dpkg's format");
      assertEquals(
          new PackageOrigin("nosums", "3", false, "it has no md5sums file"),
          pkgs.verify(pb(nosums), FileType.FILE));
      assertNull(pkgs.owner(PathBytes.ofUtf8("relative/path")));
      assertNull(pkgs.owner(PathBytes.ofUtf8("/")));
      assertNull(pkgs.owner(PathBytes.ofUtf8("/" + "a".repeat(1_000_000))));
      assertNull(pkgs.problem());
    }
    assertNotNull(oddFile);
  }

  @Test
  void aMissingDatabaseAnswersNothingAndSaysWhy() {
    try (PackageDatabase pkgs = new PackageDatabase(tmp.resolve("nothing"))) {
      assertNull(pkgs.verify(PathBytes.ofUtf8("/usr/bin/dpkg"), FileType.FILE));
      assertTrue(pkgs.problem().contains("does not exist"), pkgs.problem());
    }
  }

  /** The database is read again after dpkg changed it, and only then. */
  @Test
  void theIndexFollowsDpkgsChanges() throws Exception {
    database(stanza("one", "1", "installed", ""));
    Path a = file("a", "a\n");
    info("one", ".list", (a + "\n").getBytes());
    try (PackageDatabase pkgs = new PackageDatabase(db, 0, 0)) {
      assertEquals("one", pkgs.owner(pb(a)).name());
      assertEquals("one", pkgs.owner(pb(a)).name());
      assertEquals(1, pkgs.loads());
      Files.writeString(
          db.resolve("status"),
          stanza("two", "5", "installed", "") + "\n" + stanza("one", "1", "installed", ""));
      info("two", ".list", (a + "\n").getBytes());
      Files.delete(db.resolve("info/one.list"));
      assertEquals(new PackageOrigin("two", "5", null, null), pkgs.owner(pb(a)));
      assertEquals(2, pkgs.loads());
    }
  }

  /**
   * While dpkg keeps changing its database (a long upgrade), a path the last read knows is answered
   * from it (no full read per file), and a path it does not know makes a fresh read at once.
   */
  @Test
  void aChangingDatabaseIsReadAgainOnlyWhenDueOrWhenAPathIsNew() throws Exception {
    database(stanza("one", "1", "installed", ""));
    Path a = file("a", "a\n");
    Path b = file("b", "b\n");
    info("one", ".list", (a + "\n").getBytes());
    info(
        "one",
        ".md5sums",
        (md5("a\n".getBytes()) + "  " + a.toString().substring(1) + "\n").getBytes());
    try (PackageDatabase pkgs = new PackageDatabase(db, 0, Long.MAX_VALUE / 2)) {
      assertEquals(Boolean.TRUE, pkgs.verify(pb(a), FileType.FILE).verified());
      info("two", ".list", (b + "\n").getBytes());
      Files.writeString(
          db.resolve("status"),
          stanza("one", "1", "installed", "") + "\n" + stanza("two", "7", "installed", ""));
      // md5sums is read when asked: a changed record counts at once, without a full read
      info(
          "one",
          ".md5sums",
          (md5("other\n".getBytes()) + "  " + a.toString().substring(1) + "\n").getBytes());
      assertEquals(Boolean.FALSE, pkgs.verify(pb(a), FileType.FILE).verified());
      assertEquals(1, pkgs.loads(), "a known path: no full read while one is not due");
      assertEquals(
          new PackageOrigin("two", "7", false, "it has no md5sums file"),
          pkgs.verify(pb(b), FileType.FILE));
      assertEquals(2, pkgs.loads(), "a path the last read did not know: read again at once");

      // a new version in status counts at once (status alone is read again, not every list)
      Files.writeString(
          db.resolve("status"),
          stanza("one", "2", "installed", "") + "\n" + stanza("two", "7", "installed", ""));
      assertEquals("2", pkgs.verify(pb(a), FileType.FILE).version());
      assertEquals(2, pkgs.loads());
    }
  }

  /**
   * dpkg puts a package's files in place before it installs the package's md5sums: a file that did
   * not verify is asked again once dpkg changed its database, and only then.
   */
  @Test
  void awaitChangeReturnsWhenDpkgRecordsThePackage() throws Exception {
    database(stanza("one", "1", "installed", ""));
    Path a = file("a", "new\n");
    info("one", ".list", (a + "\n").getBytes());
    info(
        "one",
        ".md5sums",
        (md5("old\n".getBytes()) + "  " + a.toString().substring(1) + "\n").getBytes());
    try (PackageDatabase pkgs = new PackageDatabase(db, 0, Long.MAX_VALUE / 2)) {
      assertEquals(Boolean.FALSE, pkgs.verify(pb(a), FileType.FILE).verified());
      assertFalse(pkgs.awaitChange(50_000_000L), "nothing changed: false after the timeout");
      Thread dpkg =
          new Thread(
              () -> {
                try {
                  info(
                      "one",
                      ".md5sums",
                      (md5("new\n".getBytes()) + "  " + a.toString().substring(1) + "\n")
                          .getBytes());
                  Files.writeString(db.resolve("status"), stanza("one", "2", "installed", ""));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      dpkg.start();
      dpkg.join();
      assertTrue(pkgs.awaitChange(10_000_000_000L));
      assertEquals(new PackageOrigin("one", "2", true, null), pkgs.verify(pb(a), FileType.FILE));
    }
  }

  private long journalSteps;

  /**
   * dpkg's journal record {@code name} (it writes {@code tmp.i} and renames it so). The directory's
   * time is set one second on per record: dpkg's steps are milliseconds apart, beyond the kernel's
   * coarse file clock, which a test's writes are not.
   */
  private void journal(String name, String content) throws IOException {
    Path updates = Files.createDirectories(db.resolve("updates"));
    Files.writeString(updates.resolve(name), content);
    Files.setLastModifiedTime(
        updates,
        java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L + ++journalSteps * 1000));
  }

  /**
   * dpkg records each step of a package in its journal ({@code updates/NNNN}) and rewrites {@code
   * status} only at a checkpoint (when it exits): a package being installed has its list and
   * md5sums in {@code info/} and its version in the journal only. Its files carry that version, as
   * {@code dpkg-query} would say, and an owner asked for within {@link PackageDatabase#FOLLOW_NS}
   * of a look that found no version asks dpkg's database again.
   */
  @Test
  void thePackageDpkgIsInstallingHasTheVersionOfItsJournal() throws Exception {
    database(stanza("other", "1", "installed", ""));
    Path a = file("a", "a\n");
    info("new", ".list", (a + "\n").getBytes());
    info(
        "new",
        ".md5sums",
        (md5("a\n".getBytes()) + "  " + a.toString().substring(1) + "\n").getBytes());
    // before unpacking: half-installed, no version yet (a first install); tmp.i is not a record
    journal("0000", "Package: new\nStatus: install reinstreq half-installed\nArchitecture: all\n");
    journal("tmp.i", stanza("new", "9", "installed", ""));
    try (PackageDatabase pkgs = new PackageDatabase(db, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2)) {
      assertEquals(new PackageOrigin("new", null, true, null), pkgs.verify(pb(a), FileType.FILE));
      // unpacked: the new version and its conffiles are recorded
      journal("0001", stanza("new", "1.0-1", "unpacked", ""));
      assertEquals(
          new PackageOrigin("new", "1.0-1", null, null),
          pkgs.owner(pb(a)),
          "no version at the last look: asked again at once");
      assertEquals(
          new PackageOrigin("new", "1.0-1", true, null), pkgs.verify(pb(a), FileType.FILE));
      // the records apply in order: the later one wins
      journal("0002", stanza("new", "1.0-1", "installed", ""));
      journal("0010", stanza("new", "1.0-2", "installed", ""));
      assertEquals("1.0-2", pkgs.verify(pb(a), FileType.FILE).version());
      // the checkpoint: status has it all, the journal is empty
      Files.writeString(
          db.resolve("status"),
          stanza("other", "1", "installed", "") + "\n" + stanza("new", "1.0-2", "installed", ""));
      for (String name : new String[] {"0000", "0001", "0002", "0010", "tmp.i"}) {
        Files.delete(db.resolve("updates").resolve(name));
      }
      assertEquals(
          new PackageOrigin("new", "1.0-2", true, null), pkgs.verify(pb(a), FileType.FILE));
      assertEquals(1, pkgs.loads(), "the journal is read with status, not every list");
    }
  }

  /** The host's own dpkg database: dpkg owns /usr/bin/dpkg, and its content is dpkg's. */
  @Test
  void theHostsDpkgVouchesForItself() {
    Path dpkg = Path.of("/usr/bin/dpkg");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isRegularFile(PackageDatabase.DPKG.resolve("status")) && Files.exists(dpkg),
        "no dpkg on this host");
    try (PackageDatabase pkgs = PackageDatabase.dpkg()) {
      PackageOrigin p = pkgs.verify(PathBytes.ofUtf8("/usr/bin/dpkg"), FileType.FILE);
      assertEquals("dpkg", p.name());
      assertEquals(Boolean.TRUE, p.verified(), p.reason());
      assertNotNull(p.version());
      assertFalse(p.version().isBlank());
    }
  }

  /**
   * On a merged-/usr host a library dpkg records under /lib is the file the kernel names under
   * /usr/lib: fim sees the second name and must still find its package.
   */
  @Test
  void aMergedUsrPathFindsThePackageThatRecordsItsAlias() {
    Path lib = Path.of("/lib");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isSymbolicLink(lib) && Files.isRegularFile(PackageDatabase.DPKG.resolve("status")),
        "/lib is not a merged-/usr alias here");
    byte[] recorded = null;
    try (java.util.stream.Stream<Path> lists = Files.list(PackageDatabase.DPKG.resolve("info"))) {
      for (Path list :
          (Iterable<Path>) lists.filter(p -> p.toString().endsWith(".list"))::iterator) {
        for (String line : Files.readAllLines(list, StandardCharsets.ISO_8859_1)) {
          if (line.startsWith("/lib/")
              && Files.isRegularFile(Path.of(line), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            recorded = line.getBytes(StandardCharsets.ISO_8859_1);
            break;
          }
        }
        if (recorded != null) {
          break;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        recorded != null, "no package records a /lib file");
    byte[] seen = concat("/usr".getBytes(StandardCharsets.US_ASCII), recorded);
    try (PackageDatabase pkgs = PackageDatabase.dpkg()) {
      PackageOrigin p = pkgs.verify(PathBytes.of(seen), FileType.FILE);
      assertNotNull(p, "no owner for " + new String(seen, StandardCharsets.ISO_8859_1));
      assertEquals(Boolean.TRUE, p.verified(), p.reason());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
