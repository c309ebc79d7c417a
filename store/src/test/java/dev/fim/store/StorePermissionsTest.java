package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 4: the database was world-readable (directory 0755, table files 0644 under the
 * usual umask 022), so any local user could read which files exist under private directories, their
 * hashes, and who changed what.
 */
class StorePermissionsTest {
  @TempDir Path tmp;

  private static final Set<PosixFilePermission> OWNER =
      PosixFilePermissions.fromString("rwx------");

  /** Every entry of the directory (and it) that group or others may use, with its mode. */
  private static List<String> notPrivate(Path dir) throws Exception {
    List<String> bad = new ArrayList<>();
    try (Stream<Path> s = Stream.concat(Stream.of(dir), Files.list(dir))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!OWNER.containsAll(perms)) {
          bad.add(p.getFileName() + " " + PosixFilePermissions.toString(perms));
        }
      }
    }
    return bad;
  }

  private static void writeSome(Store s) throws Exception {
    try (RecordWriter w = s.newWriter(Column.BASELINE)) {
      w.put(PathBytes.ofUtf8("/home/alice/private/plan.txt"), Records.file(1, 0600, new byte[16]));
    }
    s.flush(); // table files
  }

  @Test
  void newDatabaseIsPrivateToItsOwnerWhateverTheUmask() throws Exception {
    Path db = tmp.resolve("new/db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      writeSome(s);
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(db)),
          "while open too");
    }
    assertTrue(
        Files.list(db).anyMatch(p -> p.getFileName().toString().endsWith(".sst")),
        "a table file was written");
    assertEquals(List.of(), notPrivate(db));
  }

  @Test
  void existingWorldReadableDatabaseIsTightenedOnOpen() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      writeSome(s);
    }
    // as an older fim left it
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Stream<Path> files = Files.list(db)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      assertEquals(List.of(), notPrivate(db), "on open, before anything else is done");
    }
  }

  /**
   * Someone who can write the database directory (the attacker of docs/security.md) swaps a file
   * there for a symlink to a file outside between fim's lstat (a regular 0644 file: to tighten) and
   * its chmod, which followed the link: root took group and other permissions from any file it
   * names (/etc/passwd 0600 locks every user out of name lookups). The race is run until it is won
   * or 50,000 tightenings have passed.
   */
  @Test
  void aSymlinkSwappedInDuringTighteningIsNotFollowed() throws Exception {
    Path db = tmp.resolve("db");
    Files.createDirectory(db);
    Path victim = Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
    Path name = db.resolve("LOG.old.1");
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<Throwable> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    Path regular = Files.writeString(db.resolve(".r"), "x");
    Thread attacker =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  // a regular 0644 file (a hard link: no data written) and a symlink, each moved
                  // over the name in turn
                  Files.setPosixFilePermissions(
                      regular, PosixFilePermissions.fromString("rw-r--r--"));
                  Files.move(
                      Files.createLink(db.resolve(".r2"), regular),
                      name,
                      java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                  Files.move(
                      Files.createSymbolicLink(db.resolve(".l"), victim),
                      name,
                      java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    attacker.start();
    final int rounds = 50_000; // won after 1,715 here before the fix (2 s); 50,000 take about 8 s
    int n = 0;
    try {
      for (;
          n < rounds
              && Files.getPosixFilePermissions(victim).contains(PosixFilePermission.OTHERS_READ);
          n++) {
        Store.makePrivate(db);
      }
    } finally {
      done.set(true);
      attacker.join();
    }
    assertEquals(null, failed.get(), "the attacker's loop failed");
    assertEquals(
        "rw-r--r--",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)),
        "fim changed the mode of a file outside its database through a symlink, after "
            + n
            + " tightenings");
  }

  /**
   * fim's lock file was opened by name, following a symlink, then truncated and given fim's pid:
   * whoever can write the database directory made root empty any file ({@code fim.lock ->
   * /etc/shadow}) at the next command, no race needed.
   */
  @Test
  void aSymlinkedLockFileIsNotFollowed() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      writeSome(s);
    }
    Path victim =
        Files.writeString(tmp.resolve("shadow"), "root:$6$salt$hash:19000:0:99999:7:::\n");
    Files.delete(db.resolve("fim.lock"));
    Files.createSymbolicLink(db.resolve("fim.lock"), victim);
    StoreException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StoreException.class, () -> Store.open(db, Store.OpenMode.EXISTING).close());
    assertTrue(e.getMessage().contains("fim.lock"), e.getMessage());
    assertEquals(
        "root:$6$salt$hash:19000:0:99999:7:::\n",
        Files.readString(victim),
        "the file the link names");
  }
}
