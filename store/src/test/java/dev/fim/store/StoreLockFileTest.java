package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fim's lock file names its holder in a line of {@link Store#HOLDER_BYTES} bytes written over
 * whatever was there (issue 18, session 17: no truncation to zero, which freed the file's block).
 */
class StoreLockFileTest {
  @TempDir Path tmp;

  @Test
  void theHolderLineReplacesALongerOrShorterOneWhole() throws Exception {
    Path db = tmp.resolve("db");
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      assertHolderIsThisProcess(db);
    }
    String pid = Long.toString(ProcessHandle.current().pid());
    // What an older fim, another program or a torn write may have left: longer than the line, and
    // shorter with a note after it.
    for (String left : new String[] {"9".repeat(100) + " lends\n", "1 lends\n", ""}) {
      Files.writeString(db.resolve("fim.lock"), left, StandardCharsets.US_ASCII);
      try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
        assertHolderIsThisProcess(db);
        assertEquals(0, DatabaseLoan.lender(db), "a holder that does not lend: " + left);
      }
    }
    assertTrue(pid.length() < Store.HOLDER_BYTES);
  }

  private static void assertHolderIsThisProcess(Path db) throws Exception {
    Path lock = db.resolve("fim.lock");
    assertEquals(Store.HOLDER_BYTES, Files.size(lock));
    String line = Files.readString(lock, StandardCharsets.US_ASCII);
    assertTrue(line.endsWith("\n"), line);
    assertEquals(Long.toString(ProcessHandle.current().pid()), line.trim());
    assertEquals(Long.toString(ProcessHandle.current().pid()), Store.readLockFile(db));
  }
}
