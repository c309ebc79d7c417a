package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Column;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordCursor;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 1: a scoped {@code fim init PATH} (and update, accept) re-seals the whole
 * baseline, so it must not seal records it never verified, and no command makes a new key for a
 * baseline sealed with a lost one.
 */
class BaselineTrustTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;
  Path passwd;

  @BeforeEach
  void tree() throws Exception {
    EtcTree t = EtcTree.in(tmp, "# test config\n");
    tree = t.tree();
    db = t.db();
    key = t.key();
    conf = t.conf();
    passwd = tree.resolve("etc/passwd");
    Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\n");
    Files.createDirectories(tree.resolve("srv"));
    Files.writeString(tree.resolve("srv/index.html"), "hello\n");
  }

  Fim.Run fim(String... args) {
    return Fim.on(db, key, conf, args);
  }

  /**
   * The attacker changes /etc/passwd, makes a baseline of it in a database of their own (their own
   * key), and copies that one record into the victim's {@code baseline} column family (they can
   * write the database directory, not read the key). The check alone would catch it; the attack is
   * to wait for a routine scoped command on another tree, which used to re-seal everything, forged
   * record included.
   */
  private byte[] graftForgedPasswd() throws Exception {
    Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\nevil:x:0:0::/root:/bin/sh\n");
    Path theirDb = tmp.resolve("their-db");
    Fim.Run theirs = Fim.on(theirDb, tmp.resolve("their.key"), conf, "init", passwd.toString());
    assertEquals(0, theirs.exit(), theirs.toString());
    byte[] forged;
    try (Store s = Store.open(theirDb, Store.OpenMode.EXISTING);
        RecordCursor c = s.cursor(Column.BASELINE, PathBytes.ofUtf8(passwd.toString()))) {
      assertTrue(c.next());
      forged = c.rawValue();
    }
    try (Store s = Store.open(db, Store.OpenMode.EXISTING);
        RecordWriter w = s.newWriter(Column.BASELINE)) {
      w.putRaw(PathBytes.ofUtf8(passwd.toString()).toBytes(), forged);
    }
    return forged;
  }

  private byte[] meta(String name) throws Exception {
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      return s.getMeta(name);
    }
  }

  private void assertRefusedAndNothingWritten(Fim.Run run, byte[] sealBefore) throws Exception {
    assertEquals(ExitCodes.SEAL, run.exit(), run.toString());
    assertTrue(run.err().contains("baseline seal mismatch"), run.err());
    assertArrayEquals(sealBefore, meta("seal"), "the seal is unchanged");
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.SEAL, check.exit(), "the forged record is still not trusted: " + check);
  }

  @Test
  void scopedInitDoesNotSealAGraftedRecord() throws Exception {
    assertEquals(0, fim("init").exit());
    byte[] seal = meta("seal");
    graftForgedPasswd();
    assertRefusedAndNothingWritten(fim("init", tree.resolve("srv").toString()), seal);
  }

  @Test
  void scopedUpdateDoesNotSealAGraftedRecord() throws Exception {
    assertEquals(0, fim("init").exit());
    byte[] seal = meta("seal");
    graftForgedPasswd();
    assertRefusedAndNothingWritten(fim("update", tree.resolve("srv").toString()), seal);
  }

  @Test
  void acceptDoesNotSealAGraftedRecord() throws Exception {
    assertEquals(0, fim("init").exit());
    byte[] seal = meta("seal");
    graftForgedPasswd();
    Files.writeString(tree.resolve("srv/index.html"), "hello again\n");
    assertRefusedAndNothingWritten(
        fim("accept", tree.resolve("srv").toString(), "--note", "CHG-1"), seal);
  }

  @Test
  void scopedInitOnABaselineWithoutSealIsRefused() throws Exception {
    assertEquals(0, fim("init").exit());
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      s.putMetaAtomically(
          java.util.Collections.singletonMap("seal", null)); // the attacker deletes the seal
    }
    graftForgedPasswd();
    Fim.Run init = fim("init", tree.resolve("srv").toString());
    assertEquals(ExitCodes.SEAL, init.exit(), init.toString());
    assertTrue(init.err().contains("has no seal"), init.err());
  }

  @Test
  void scopedInitOfANewDatabaseNeedsNoSeal() {
    Fim.Run init = fim("init", tree.resolve("srv").toString());
    assertEquals(0, init.exit(), init.toString());
    assertEquals(
        0, fim("init", tree.resolve("etc").toString()).exit(), "a second tree, verified first");
    Fim.Run check = fim("check", tree.resolve("srv").toString(), tree.resolve("etc").toString());
    assertEquals(0, check.exit(), check.toString());
  }

  @Test
  void aDeletedKeyIsNotReplacedByANewOne() throws Exception {
    assertEquals(0, fim("init").exit());
    graftForgedPasswd();
    Files.delete(key);
    for (String[] args : new String[][] {{"init", tree.resolve("srv").toString()}, {"init"}}) {
      Fim.Run init = fim(args);
      assertEquals(ExitCodes.IO, init.exit(), init.toString());
      assertTrue(
          init.err()
              .contains(
                  "seal key "
                      + key
                      + " does not exist, but database "
                      + db
                      + " holds a baseline sealed with a key"),
          init.err());
      assertFalse(Files.exists(key), "no new key was made");
    }
  }

  @Test
  void theKeptRecordsStayWhenAScopedInitReplacesItsTree() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("srv/new.html"), "new\n");
    Fim.Run init = fim("init", tree.resolve("srv").toString());
    assertEquals(0, init.exit(), init.toString());
    try (Store s = Store.open(db, Store.OpenMode.EXISTING);
        RecordCursor c = s.cursor(Column.BASELINE)) {
      int n = 0;
      while (c.next()) {
        n++;
      }
      assertEquals(9, n, "tree; etc, hosts, passwd, ssh, sshd_config; srv and its two files");
      assertTrue(s.getRecord(Column.BASELINE, PathBytes.ofUtf8(passwd.toString())) != null);
    }
    assertEquals(0, fim("check").exit());
  }
}
