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
 * Issue 12, defect 4: the database was world-readable (directory 0755, table files 0644 under the usual umask 022),
 * so any local user could read which files exist under private directories, their hashes, and who changed what.
 */
class StorePermissionsTest {
  @TempDir Path tmp;

  private static final Set<PosixFilePermission> OWNER = PosixFilePermissions.fromString("rwx------");

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
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)), "while open too");
    }
    assertTrue(Files.list(db).anyMatch(p -> p.getFileName().toString().endsWith(".sst")), "a table file was written");
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
}
