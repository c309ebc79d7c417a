package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.sink.UnixDatagram;
import dev.fim.store.Action;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Issue 12 defect 5: the evidence (events, their index, approvals, watch coverage) is sealed as an
 * HMAC chain, and every reader verifies it. The attacker here can write the database directory but
 * cannot read the seal key: it opens the database with plain RocksDB ({@link Attacker}) and
 * deletes, reorders, edits and forges records, wipes the events column family, and rolls the head
 * back. Real trees, real RocksDB, real CLI commands (in-process).
 */
class EvidenceChainCommandsTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;

  @BeforeEach
  void history() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    tree = t.tree();
    db = t.db();
    key = t.key();
    conf = t.conf();
    assertEquals(0, fim("init").exit());
    append("etc/hosts", "10.0.0.9 backup\n");
    append("etc/ssh/sshd_config", "PermitRootLogin yes\n");
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    Fim.Run accept = fim("accept", tree.resolve("etc/hosts").toString(), "--note", "CHG-1");
    assertEquals(0, accept.exit(), accept.toString());
    assertVerified();
  }

  @AfterEach
  void syslogOff() {
    System.setProperty(SyslogAnchor.SOCKET_PROPERTY, "none");
  }

  Fim.Run fim(String... args) {
    return Fim.on(db, key, conf, args);
  }

  private void append(String file, String text) throws Exception {
    Files.writeString(tree.resolve(file), text, StandardOpenOption.APPEND);
  }

  /**
   * The readers all exit 0 on the untouched database (and the report says the evidence verified).
   */
  private void assertVerified() {
    Fim.Run h = fim("history");
    assertEquals(0, h.exit(), h.toString());
    Fim.Run w = fim("who", tree.resolve("etc/hosts").toString());
    assertEquals(0, w.exit(), w.toString());
    Fim.Run r = fim("report", "--since", "-1h", "--format", "json");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("\"evidence_chain\":{\"verified\":true"), r.out());
  }

  /**
   * Every reader refuses (exit 19) naming {@code what}; the report is written marked NOT VERIFIED.
   */
  private void assertDetected(String what) throws Exception {
    Fim.Run h = fim("history");
    assertEquals(ExitCodes.SEAL, h.exit(), h.toString());
    assertTrue(h.err().contains(what), h.toString());
    assertEquals("", h.out(), "history shows nothing from unverified evidence");
    Fim.Run w = fim("who", tree.resolve("etc/hosts").toString());
    assertEquals(ExitCodes.SEAL, w.exit(), w.toString());
    assertTrue(w.err().contains(what), w.toString());
    for (String f : List.of("text", "json", "csv", "html")) {
      Path out = tmp.resolve("report." + f);
      Files.deleteIfExists(out);
      Fim.Run r = fim("report", "--since", "-1h", "--format", f, "--output", out.toString());
      assertEquals(ExitCodes.SEAL, r.exit(), f + ": " + r);
      assertTrue(r.err().contains(what), r.toString());
      if (f.equals("csv")) {
        assertFalse(Files.exists(out), "a CSV has no room to say NOT VERIFIED: not written");
        assertTrue(r.err().contains("no CSV report is written"), r.toString());
        continue;
      }
      String text = Files.readString(out);
      assertTrue(text.contains("NOT VERIFIED"), f + ": the report itself says so:\n" + text);
      assertFalse(text.contains("verified: every event"), text);
    }
    assertTrue(
        Files.readString(tmp.resolve("report.json"))
            .contains("\"evidence_chain\":{\"verified\":false"));
  }

  @Test
  void deletingAnEventIsDetected() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      a.delete("events", a.keys("events").get(0));
    }
    assertDetected("1 of the 3 sealed events are missing");
  }

  @Test
  void wipingTheEventsColumnFamilyIsDetected() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      a.dropAndRecreate("events");
      a.dropAndRecreate("events_by_path");
    }
    assertDetected("the column family was emptied");
  }

  @Test
  void truncatingTheNewestEventsIsDetected() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      List<byte[]> keys = a.keys("events");
      a.delete("events", keys.get(keys.size() - 1));
    }
    assertDetected("sealed events are missing");
  }

  @Test
  void reorderingEventsIsDetected() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      List<byte[]> keys = a.keys("events");
      byte[] first = a.get("events", keys.get(0));
      byte[] second = a.get("events", keys.get(1));
      a.put("events", keys.get(0), second);
      a.put("events", keys.get(1), first);
    }
    assertDetected("the events were edited, replaced or reordered outside fim");
  }

  @Test
  void editingAnEventIsDetected() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      for (byte[] k : a.keys("events")) {
        byte[] v = a.get("events", k);
        if (new String(v, StandardCharsets.ISO_8859_1).contains("sshd_config")) {
          a.put(
              "events",
              k,
              replace(v, "sshd_config", "sshd_c0nfig")); // as if another file had changed
          break;
        }
      }
    }
    assertDetected("the events were edited, replaced or reordered outside fim");
  }

  @Test
  void forgingAnApprovalIsDetected() throws Exception {
    // Copy the one approval (of /etc/hosts) to the unapproved change of sshd_config: "approved" in
    // a report.
    try (Attacker a = Attacker.open(db)) {
      byte[] approval = a.get("approvals", a.keys("approvals").get(0));
      for (byte[] k : a.keys("events")) {
        if (a.get("approvals", k) == null) {
          a.put("approvals", k, approval);
        }
      }
    }
    assertDetected("approvals are not sealed");
  }

  @Test
  void deletingOrEditingAnApprovalIsDetected() throws Exception {
    byte[] k;
    byte[] original;
    try (Attacker a = Attacker.open(db)) {
      k = a.keys("approvals").get(0);
      original = a.get("approvals", k);
      a.put("approvals", k, replace(original, "CHG-1", "CHG-9"));
    }
    assertDetected("the approvals were edited, replaced or reordered outside fim");
    try (Attacker a = Attacker.open(db)) {
      a.delete("approvals", k);
    }
    assertDetected("of the 2 sealed approvals are missing");
  }

  @Test
  void editingOrDeletingTheHeadIsDetected() throws Exception {
    byte[] head;
    try (Attacker a = Attacker.open(db)) {
      head = a.get("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8));
      byte[] edited = head.clone();
      edited[9] ^= 1; // another sequence number
      a.put("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8), edited);
    }
    assertDetected("evidence chain head of " + db + " is not authentic");
    try (Attacker a = Attacker.open(db)) {
      a.delete("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8));
    }
    assertDetected("but no evidence chain head");
    // A writer refuses a forged head too (exit 19), and writes nothing.
    try (Attacker a = Attacker.open(db)) {
      byte[] edited = head.clone();
      edited[head.length - 1] ^= 1;
      a.put("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8), edited);
    }
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.SEAL, check.exit(), check.toString());
    assertTrue(check.err().contains("is not authentic"), check.toString());
  }

  /**
   * The attacker empties every sealed kind and deletes the head with them: no record is left to
   * miss and no head to count them, so the readers said "verified (nothing recorded)" and exit 0 —
   * the whole history erased without an alarm. A database that holds a sealed baseline (or a watch
   * state) had a head: every fim that writes one starts the chain.
   */
  @Test
  void wipingTheWholeEvidenceWithItsHeadIsDetected() throws Exception {
    try (Attacker a = Attacker.open(db)) {
      for (String cf : List.of("events", "events_by_path", "approvals")) {
        a.dropAndRecreate(cf);
      }
      for (byte[] k : a.keys("meta")) {
        if (new String(k, StandardCharsets.UTF_8).startsWith("watch_coverage/")) {
          a.delete("meta", k);
        }
      }
      a.delete("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8));
    }
    assertDetected("holds a baseline but no evidence chain head");
  }

  @Test
  void wrongKeyIsNotAuthentic() throws Exception {
    Path other = tmp.resolve("other.key");
    Files.write(other, new byte[32]);
    Files.setPosixFilePermissions(
        other, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Fim.Run h = Fim.on(db, other, conf, "history");
    assertEquals(ExitCodes.SEAL, h.exit(), h.toString());
    assertTrue(h.err().contains(other + " is not the key that sealed it"), h.toString());
    Files.delete(key);
    Fim.Run missing = fim("history");
    assertEquals(ExitCodes.SEAL, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("cannot be verified: seal key " + key), missing.toString());
  }

  @Test
  void reportVerifyRefusesUnverifiedEvidence() throws Exception {
    Path html = tmp.resolve("r.html");
    assertEquals(
        0, fim("report", "--since", "-1h", "--format", "html", "--output", html.toString()).exit());
    assertTrue(Files.readString(html).contains("Evidence chain:</b> verified"));
    assertEquals(0, fim("report", "--verify", html.toString()).exit());
    // Forge an approval: the report made again would now pass its digest check only if the forgery
    // went unseen.
    try (Attacker a = Attacker.open(db)) {
      byte[] approval = a.get("approvals", a.keys("approvals").get(0));
      for (byte[] k : a.keys("events")) {
        a.put("approvals", k, approval);
      }
    }
    Fim.Run v = fim("report", "--verify", html.toString());
    assertEquals(ExitCodes.SEAL, v.exit(), v.toString());
    assertTrue(
        v.err().contains("NOT verified: the database's evidence does not verify"), v.toString());
    assertTrue(v.err().contains("approvals are not sealed"), v.toString());
  }

  /**
   * The limit: a rollback of the whole evidence to an older consistent copy (old records with their
   * old head) passes the local verification; the off-host anchor (the digest syslog received) and
   * --expect-seal catch it.
   */
  @Test
  void rollbackPassesLocallyButTheSyslogAnchorAndExpectSealCatchIt() throws Exception {
    Path sock = tmp.resolve("log.sock");
    try (UnixDatagram.Receiver syslog = new UnixDatagram.Receiver(sock.toString(), 5)) {
      System.setProperty(SyslogAnchor.SOCKET_PROPERTY, sock.toString());
      byte[] oldHead;
      List<byte[]> oldEvents;
      try (Attacker a =
          Attacker.open(db)) { // the attacker keeps a copy of the evidence as it is now
        oldHead = a.get("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8));
        oldEvents = a.keys("events");
      }
      append("etc/hosts", "10.6.6.6 evil\n");
      Fim.Run check = fim("check");
      assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
      String line = null;
      for (String l = syslog.receiveQueued(); l != null; l = syslog.receiveQueued()) {
        line = l;
      }
      assertNotNull(line, "check sent its seal to syslog");
      assertTrue(
          line.matches(
              "<13>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d fim\\[\\d+\\]: evidence seal sequence=\\d+"
                  + " digest=[0-9a-f]{64} records=\\d+ db="
                  + java.util.regex.Pattern.quote(db.toString())),
          line);
      String digest = line.replaceAll(".* digest=([0-9a-f]{64}) .*", "$1");
      assertEquals(0, fim("history", "--expect-seal", digest).exit());

      // Roll back: remove what check recorded (event and index entries) and put the old head back.
      try (Attacker a = Attacker.open(db)) {
        for (byte[] k : a.keys("events")) {
          if (oldEvents.stream().noneMatch(o -> Arrays.equals(o, k))) {
            a.delete("events", k);
            for (byte[] ik : a.keys("events_by_path")) {
              if (Arrays.equals(a.get("events_by_path", ik), k)) {
                a.delete("events_by_path", ik);
              }
            }
          }
        }
        a.put("meta", "evidence_chain".getBytes(StandardCharsets.UTF_8), oldHead);
      }
      Fim.Run local = fim("history");
      assertEquals(0, local.exit(), "a consistent rollback cannot be seen locally: " + local);
      for (String[] cmd :
          List.of(
              new String[] {"history"},
              new String[] {"report", "--since", "-1h"},
              new String[] {"check"})) {
        List<String> args = new ArrayList<>(List.of(cmd));
        args.addAll(List.of("--expect-seal", digest));
        Fim.Run r = fim(args.toArray(String[]::new));
        assertEquals(ExitCodes.SEAL, r.exit(), r.toString());
        assertTrue(
            r.err().contains("--expect-seal: the evidence seal of " + db + " is "), r.toString());
        assertTrue(r.err().contains("rolled back"), r.toString());
      }
    }
  }

  @Test
  void anUnavailableSyslogIsANoteNotAFailure() throws Exception {
    System.setProperty(SyslogAnchor.SOCKET_PROPERTY, tmp.resolve("no-such.sock").toString());
    append("etc/hosts", "x\n");
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check
            .err()
            .contains(
                "fim: note: the evidence seal could not be sent to syslog (send to "
                    + tmp.resolve("no-such.sock")
                    + ": No such file or directory)"),
        check.toString());
    assertEquals(0, fim("history").exit());
  }

  /**
   * A database written before the chain existed: readers refuse it until a writer starts the chain,
   * which seals the records it finds then and says so; reports state where the chain starts.
   */
  @Test
  void aDatabaseFromBeforeTheChainStartsItAtTheNextWrite() throws Exception {
    Path old = tmp.resolve("old");
    try (Store s =
        Store.open(old, Store.OpenMode.CREATE)) { // as an older fim wrote it: no chain attached
      new EventLog(s)
          .append(
              List.of(
                  new ChangeEvent(
                      System.currentTimeMillis() * 1_000_000L,
                      0,
                      Action.UPDATED,
                      PathBytes.ofUtf8(tree.resolve("etc/hosts").toString()),
                      null,
                      null,
                      null,
                      List.of(),
                      Origin.CHECK,
                      Attribution.NONE,
                      "test")));
    }
    Path oldKey = tmp.resolve("old.key");
    dev.fim.store.seal.SealKey.loadOrCreate(oldKey);
    Fim.Run h = Fim.on(old, oldKey, conf, "history");
    assertEquals(ExitCodes.SEAL, h.exit(), h.toString());
    assertTrue(
        h.err().contains("no evidence chain head: a fim older than the evidence chain wrote it"),
        h.toString());
    Fim.Run init = Fim.on(old, oldKey, conf, "init");
    assertEquals(0, init.exit(), init.toString());
    assertTrue(
        init.err()
            .contains("the evidence chain starts now in " + old + ": the 2 records already there"),
        init.toString());
    Fim.Run after = Fim.on(old, oldKey, conf, "history");
    assertEquals(0, after.exit(), after.toString());
    Fim.Run report = Fim.on(old, oldKey, conf, "report", "--since", "-1h");
    assertEquals(0, report.exit(), report.toString());
    assertTrue(
        report
            .out()
            .contains(
                "Evidence:    verified: every event, approval and coverage interval is as fim"
                    + " sealed it; chain starts at event 2 ("),
        report.out());
    assertTrue(
        report
            .out()
            .contains(
                "the 2 records written before it were sealed as found then, not when recorded"),
        report.out());
  }

  private static byte[] replace(byte[] v, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + f.length <= v.length; i++) {
      if (Arrays.equals(v, i, i + f.length, f, 0, f.length)) {
        byte[] out = v.clone();
        System.arraycopy(to.getBytes(StandardCharsets.UTF_8), 0, out, i, f.length);
        return out;
      }
    }
    throw new AssertionError(from + " not in the record");
  }

  /**
   * The attacker's own RocksDB program: opens every column family of fim's database, without fim or
   * its key.
   */
  static final class Attacker implements AutoCloseable {
    private final DBOptions options;
    private final RocksDB db;
    private final List<ColumnFamilyDescriptor> descriptors;
    private final List<ColumnFamilyHandle> handles;

    private Attacker(
        DBOptions options, RocksDB db, List<ColumnFamilyDescriptor> d, List<ColumnFamilyHandle> h) {
      this.options = options;
      this.db = db;
      this.descriptors = d;
      this.handles = h;
    }

    static Attacker open(Path dir) throws Exception {
      List<byte[]> names;
      try (Options o = new Options()) {
        names = RocksDB.listColumnFamilies(o, dir.toString());
      }
      List<ColumnFamilyDescriptor> d = new ArrayList<>();
      for (byte[] n : names) {
        d.add(new ColumnFamilyDescriptor(n));
      }
      List<ColumnFamilyHandle> h = new ArrayList<>();
      DBOptions options = new DBOptions();
      return new Attacker(options, RocksDB.open(options, dir.toString(), d, h), d, h);
    }

    private int index(String cf) {
      for (int i = 0; i < descriptors.size(); i++) {
        if (new String(descriptors.get(i).getName(), StandardCharsets.US_ASCII).equals(cf)) {
          return i;
        }
      }
      throw new AssertionError("no column family " + cf);
    }

    private ColumnFamilyHandle cf(String name) {
      return handles.get(index(name));
    }

    List<byte[]> keys(String cf) {
      List<byte[]> out = new ArrayList<>();
      try (RocksIterator it = db.newIterator(cf(cf))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          out.add(it.key());
        }
      }
      return out;
    }

    byte[] get(String cf, byte[] k) throws Exception {
      return db.get(cf(cf), k);
    }

    void put(String cf, byte[] k, byte[] v) throws Exception {
      db.put(cf(cf), k, v);
    }

    void delete(String cf, byte[] k) throws Exception {
      db.delete(cf(cf), k);
    }

    /** Drops the column family and creates it again, empty. */
    void dropAndRecreate(String cf) throws Exception {
      int i = index(cf);
      db.dropColumnFamily(handles.get(i));
      handles.get(i).close();
      handles.set(i, db.createColumnFamily(descriptors.get(i)));
    }

    @Override
    public void close() {
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      db.close();
      options.close();
    }
  }
}
