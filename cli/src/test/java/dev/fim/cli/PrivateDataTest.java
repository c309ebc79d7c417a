package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 4: the database and the key are private to their owner. A real fim process under
 * umask 000 (the worst case) makes a database no other user can read, and a key that group or
 * others could read is refused.
 */
class PrivateDataTest {
  @TempDir Path tmp;

  private static final Set<PosixFilePermission> OWNER =
      PosixFilePermissions.fromString("rwx------");

  private static byte[] b(Object o) {
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void databaseAndKeyArePrivateUnderUmask000() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    Fim.Run init =
        Fim.process(
            Map.of(),
            "umask 000;",
            b("init"),
            b("--db"),
            b(t.db()),
            b("--key"),
            b(t.key()),
            b("-c"),
            b(t.conf()));
    assertEquals(0, init.exit(), init.toString());
    List<String> bad = new ArrayList<>();
    try (Stream<Path> s = Stream.concat(Stream.of(t.db(), t.key()), Files.list(t.db()))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!OWNER.containsAll(perms)) {
          bad.add(p.getFileName() + " " + PosixFilePermissions.toString(perms));
        }
      }
    }
    assertEquals(List.of(), bad, "nothing of the database or key is open to group or others");
  }

  @Test
  void keyReadableByOthersIsRefusedWithTheFix() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    assertEquals(0, Fim.on(t.db(), t.key(), t.conf(), "init").exit());
    Files.setPosixFilePermissions(t.key(), PosixFilePermissions.fromString("rw-r--r--"));
    Fim.Run check = Fim.on(t.db(), t.key(), t.conf(), "check");
    assertEquals(ExitCodes.IO, check.exit(), check.toString());
    assertTrue(
        check.err().contains("seal key " + t.key() + " has mode rw-r--r--")
            && check.err().contains("chmod 600 " + t.key()),
        check.err());
  }
}
