package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.EventLog;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fim init / check / update end to end: real files, a real RocksDB, the real CLI. */
class BaselineCommandsTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;

  @BeforeEach
  void tree() throws Exception {
    EtcTree t = EtcTree.in(tmp, "# test config\n");
    tree = t.tree();
    db = t.db();
    key = t.key();
    conf = t.conf();
    Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    Files.write(tree.resolve("etc/empty"), new byte[0]);
    Files.createSymbolicLink(tree.resolve("etc/link"), Path.of("hosts"));
  }

  Fim.Run fim(String... args) {
    return Fim.on(db, key, conf, args);
  }

  @Test
  void initThenCheckFindsNothing() {
    Fim.Run init = fim("init");
    assertEquals(0, init.exit(), init.toString());
    assertTrue(
        init.out().contains("fim init: baseline of 5 files and 3 directories"), init.toString());
    Fim.Run check = fim("check");
    assertEquals(0, check.exit(), check.toString());
    assertTrue(
        check.out().contains("Summary: 0 added, 0 removed, 0 changed, 0 problems"),
        check.toString());
  }

  @Test
  void checkReportsEachKindWithTheAideBitmaskAndRecordsEvents() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(
        tree.resolve("etc/hosts"), "10.0.0.1 evil\n", java.nio.file.StandardOpenOption.APPEND);
    Files.setPosixFilePermissions(
        tree.resolve("etc/passwd"), PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.writeString(tree.resolve("etc/new"), "x");
    Files.delete(tree.resolve("etc/ssh/sshd_config"));

    Fim.Run check = fim("check");
    assertEquals(
        ExitCodes.ADDED | ExitCodes.REMOVED | ExitCodes.CHANGED, check.exit(), check.toString());
    String out = check.out();
    assertTrue(
        out.contains("Summary: 1 added, 1 removed, 4 changed"),
        out); // hosts, passwd, etc/ and etc/ssh/ (mtime)
    assertTrue(out.contains("Added:\n  f " + tree.resolve("etc/new") + "\n"), out);
    assertTrue(out.contains("Removed:\n  f " + tree.resolve("etc/ssh/sshd_config") + "\n"), out);
    assertTrue(
        out.contains("  f " + tree.resolve("etc/passwd") + "\n      permissions: 0644 → 0666\n"),
        out);
    assertTrue(out.contains("      content: xxh3_128:"), out);
    assertTrue(out.contains("      size: 20 → 34\n"), out);

    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      List<ChangeEvent> events = new ArrayList<>();
      new EventLog(s).forEach(0, Long.MAX_VALUE, events::add);
      assertEquals(6, events.size(), "every finding is recorded as a change event");
      assertTrue(events.stream().allMatch(e -> "check".equals(e.origin().label())));
    }
    assertEquals(7, fim("check").exit(), "check does not move the baseline");
  }

  @Test
  void jsonReportHasTotalsAndEcsEntries() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.setPosixFilePermissions(
        tree.resolve("etc/hosts"), PosixFilePermissions.fromString("rw-------"));
    Path report = tmp.resolve("out/report.json");
    Files.createDirectories(report.getParent());
    Fim.Run check = fim("check", "--format", "json", "--report", report.toString());
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check.out().startsWith("fim check: 0 added, 0 removed, 1 changed, 0 problems"),
        check.out());
    try (var files = Files.list(report.getParent())) {
      assertEquals(
          List.of(report),
          files.toList(),
          "the report was renamed into place; no temporary file is left");
    }
    Map<String, Object> flat = flatten(Files.readString(report));
    assertEquals("check", flat.get("command"));
    assertEquals(1, flat.get("totals.changed"));
    assertEquals(0, flat.get("totals.added"));
    assertEquals("attributes_modified", flat.get("entries.event.action"));
    assertEquals(tree.resolve("etc/hosts").toString(), flat.get("entries.file.path"));
    assertEquals("0600", flat.get("entries.file.mode"));
    assertEquals("0644", flat.get("entries.fim.diff.permissions.old"));
    assertEquals("0600", flat.get("entries.fim.diff.permissions.new"));
    assertEquals(4, flat.get("exit_code"));
  }

  /** Flattens a JSON document to dotted keys (arrays contribute their first element). */
  static Map<String, Object> flatten(String json) throws Exception {
    Map<String, Object> out = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      // Every container pushes its name (null for the root and for array elements) and pops it.
      List<String> stack = new ArrayList<>();
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> field = p.getCurrentName();
          case START_OBJECT, START_ARRAY -> {
            stack.add(field);
            field = null;
          }
          case END_OBJECT, END_ARRAY -> stack.remove(stack.size() - 1);
          default -> {
            List<String> names = new ArrayList<>();
            for (String n : stack) {
              if (n != null) {
                names.add(n);
              }
            }
            if (field != null) {
              names.add(field);
            }
            Object v =
                t == JsonToken.VALUE_NUMBER_INT
                    ? (Object) p.getIntValue()
                    : t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE
                        ? (Object) p.getBooleanValue()
                        : p.getText();
            out.putIfAbsent(String.join(".", names), v);
            field = null;
          }
        }
      }
    }
    return out;
  }

  @Test
  void updateAcceptsTheChangesAsTheNewBaseline() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("etc/new"), "x");
    Fim.Run update = fim("update");
    assertEquals(ExitCodes.ADDED | ExitCodes.CHANGED, update.exit(), update.toString());
    Fim.Run check = fim("check");
    assertEquals(0, check.exit(), check.toString());
  }

  @Test
  void pathArgumentsLimitTheCheck() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("etc/hosts"), "changed\n");
    Files.writeString(tree.resolve("etc/ssh/sshd_config"), "changed too\n");
    Fim.Run check = fim("check", tree.resolve("etc/ssh").toString());
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(check.out().contains("sshd_config") && !check.out().contains("hosts"), check.out());
  }

  @Test
  void tamperedBaselineIsRefused() throws Exception {
    assertEquals(0, fim("init").exit());
    try (Store s = Store.open(db, Store.OpenMode.EXISTING);
        RecordWriter w = s.newWriter(Column.BASELINE)) {
      // An attacker hides a change by editing the baseline record with RocksDB directly.
      w.delete(PathBytes.ofUtf8(tree.resolve("etc/passwd").toString()));
    }
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.SEAL, check.exit(), check.toString());
    assertTrue(check.err().contains("baseline seal mismatch"), check.err());
  }

  @Test
  void initKilledWhileWritingTheBaselineIsNamedAsSuch() throws Exception {
    assertEquals(0, fim("init").exit());
    try (Store s = Store.open(db, Store.OpenMode.EXISTING);
        RecordWriter w = s.newWriter(Column.BASELINE)) {
      // what an older fim killed between clearing the baseline and sealing the new one left behind
      s.putMeta("baseline_state", "writing");
      w.delete(PathBytes.ofUtf8(tree.resolve("etc/passwd").toString()));
    }
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.SEAL, check.exit(), check.toString());
    assertTrue(check.err().contains("was interrupted while writing the baseline"), check.err());
    assertEquals(0, fim("init").exit(), "a new init repairs it");
    assertEquals(0, fim("check").exit());
  }

  /**
   * Issue 12: the marker alone proves nothing (anyone who can write the database can set it), and
   * it used to make check say "run fim init again", which would bless whatever the attacker changed
   * on disk. The seal decides.
   */
  @Test
  void aWritingMarkerOnASealedBaselineDoesNotAskForAnInit() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("etc/passwd"), "evil:x:0:0::/root:/bin/sh\n");
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      s.putMeta("baseline_state", "writing");
    }
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertFalse(check.err().contains("fim init"), check.err());
  }

  @Test
  void missingKeyIsRefused() throws Exception {
    assertEquals(0, fim("init").exit());
    Files.delete(key);
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.IO, check.exit(), check.toString());
    assertTrue(check.err().contains("seal key " + key + " does not exist"), check.err());
  }

  @Test
  void secondFimOnTheSameDatabaseGetsAClearError() throws Exception {
    assertEquals(0, fim("init").exit());
    try (Store held = Store.open(db, Store.OpenMode.EXISTING)) {
      Fim.Run init = fim("init");
      assertEquals(ExitCodes.DATABASE, init.exit(), init.toString());
      assertTrue(init.err().contains("is in use by another fim process (pid "), init.err());
    }
    assertEquals(0, fim("check").exit(), "the database is intact after the refused run");
  }

  @Test
  void checkWithoutBaselineSaysToRunInit() {
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.DATABASE, check.exit(), check.toString());
    assertTrue(check.err().contains("fim init"), check.err());
  }

  @Test
  void newerDatabaseFormatIsRefused() throws Exception {
    assertEquals(0, fim("init").exit());
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      s.putMeta("format_version", "99");
    }
    Fim.Run check = fim("check");
    assertEquals(ExitCodes.DATABASE, check.exit(), check.toString());
    assertTrue(check.err().contains("format 99, newer than this fim"), check.err());
  }

  @Test
  void brokenConfigLineNamesFileAndLine() throws Exception {
    Files.writeString(conf, "ALL = p+u\n" + tree + " NOSUCHGROUP\n");
    Fim.Run init = fim("init");
    assertEquals(ExitCodes.CONFIG, init.exit(), init.toString());
    assertTrue(init.err().contains(conf + ":2:"), init.err());
  }

  @Test
  void unknownDirectiveIsAWarningNotACrash() throws Exception {
    Files.writeString(conf, "frobnicate_level=3\nALL = p+u+s+xxh3\n" + tree + " ALL\n");
    Fim.Run init = fim("init");
    assertEquals(0, init.exit(), init.toString());
    assertTrue(init.err().contains(conf + ":1:"), init.err());
  }

  @Test
  void nonexistentPathIsReportedAndTheRestIsScanned() {
    Fim.Run init = fim("init", tree.resolve("etc").toString(), tmp.resolve("nope").toString());
    assertEquals(0, init.exit(), init.toString());
    // the path once: the message of the failed call names it
    assertTrue(
        init.err().contains("fim: lstat " + tmp.resolve("nope") + " of a scan root: ENOENT"),
        init.err());
    assertTrue(init.out().contains("baseline of 5 files"), init.out());
  }

  @Test
  void invalidOptionIsAUsageError() {
    Fim.Run r = Fim.run("check", "--format", "xml");
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
  }

  @Test
  void helpListsTheExitCodes() {
    Fim.Run r = Fim.run("check", "--help");
    assertEquals(0, r.exit());
    assertTrue(
        r.out().contains("Exit Codes:") && r.out().contains("19") && r.out().contains("seal"),
        r.out());
  }

  /**
   * Names that are not UTF-8, with a newline, and é — under cron's LC_ALL=C, given on the command
   * line.
   */
  @Test
  void oddByteNamesUnderLcAllC() throws Exception {
    byte[] dir = (tree + "/odd").getBytes(StandardCharsets.UTF_8);
    Path odd = Files.createDirectories(tree.resolve("odd"));
    String ff = new String(new byte[] {'f', (byte) 0xff}, StandardCharsets.ISO_8859_1);
    // Create the odd names with a shell: Java under any locale cannot name \xff.
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "cd '"
                    + odd
                    + "' && printf a > $'f\\xff' && printf b > $'new\\nline'"
                    + " && mkdir $'\\xc3\\xa9t\\xc3\\xa9' && printf c > $'\\xc3\\xa9t\\xc3\\xa9/x'")
            .start();
    assertEquals(0, p.waitFor());
    Map<String, String> env = Map.of("LC_ALL", "C", "LANG", "C");
    byte[][] common = {
      "--db".getBytes(),
      db.toString().getBytes(),
      "--key".getBytes(),
      key.toString().getBytes(),
      "-c".getBytes(),
      conf.toString().getBytes()
    };
    Fim.Run init = Fim.process(env, concat("init".getBytes(), common, dir));
    assertEquals(0, init.exit(), init.toString());
    assertTrue(init.out().contains("baseline of 3 files and 2 directories"), init.toString());

    p =
        new ProcessBuilder(
                "bash",
                "-c",
                "cd '"
                    + odd
                    + "' && printf changed > $'f\\xff' && printf z >> $'\\xc3\\xa9t\\xc3\\xa9/x'")
            .start();
    assertEquals(0, p.waitFor());
    byte[] etePath = (tree + "/odd/été").getBytes(StandardCharsets.UTF_8);
    Fim.Run check = Fim.process(env, concat("check".getBytes(), common, etePath));
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    assertTrue(
        check.out().contains("  f " + tree + "/odd/été/x\n"),
        "é named exactly on the command line and in the report:\n" + check);

    Fim.Run json =
        Fim.process(
            env, concat("check".getBytes(), common, "--format".getBytes(), "json".getBytes(), dir));
    assertTrue(
        json.out()
            .contains(
                "\"path\":\""
                    + tree
                    + "/odd/f\\\\xff\",\"path_hex\":\""
                    + PathBytes.ofUtf8(tree + "/odd/f").hex()
                    + "ff\""),
        json.toString());
    assertFalse(
        json.out().contains("new\\\\nline\""), "the unchanged newline name is not reported");
    assertTrue(ff.length() == 2);
  }

  private static byte[][] concat(byte[] first, byte[][] middle, byte[]... rest) {
    byte[][] out = new byte[1 + middle.length + rest.length][];
    out[0] = first;
    System.arraycopy(middle, 0, out, 1, middle.length);
    System.arraycopy(rest, 0, out, 1 + middle.length, rest.length);
    return out;
  }

  @Test
  @Tag("kernel")
  void readOnlyDatabaseLocationIsAClearError() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs root to mount a read-only tmpfs");
    Path ro = Files.createDirectories(tmp.resolve("ro"));
    assertEquals(
        0,
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro.toString())
            .start()
            .waitFor());
    try {
      db = ro.resolve("db");
      Fim.Run init = fim("init");
      assertEquals(ExitCodes.DATABASE, init.exit(), init.toString());
      assertTrue(
          init.err().contains("Read-only file system") || init.err().contains("read-only"),
          init.err());
    } finally {
      new ProcessBuilder("umount", ro.toString()).start().waitFor();
    }
  }

  @Test
  @Tag("kernel")
  void fullDatabaseLocationIsAClearError() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs root to mount a small tmpfs");
    Path small = Files.createDirectories(tmp.resolve("small"));
    assertEquals(
        0,
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString())
            .start()
            .waitFor());
    try {
      // Enough records (long names) to overflow 256 KiB of WAL/table space.
      Path many = Files.createDirectories(tree.resolve("many"));
      String pad = "x".repeat(200);
      for (int i = 0; i < 3000; i++) {
        Files.writeString(many.resolve(pad + i), Integer.toString(i));
      }
      db = small.resolve("db");
      Fim.Run init = fim("init");
      assertEquals(ExitCodes.DATABASE, init.exit(), init.toString());
      assertTrue(
          init.err().contains("No space left") || init.err().contains("disk is full"), init.err());
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }

  /**
   * A file larger than the memory fim may use: fim runs in a memory cgroup limited to 384 MiB and
   * hashes a 1.5 GiB file of random bytes (page cache counts against the limit, so the file can
   * never be resident at once). The digest must equal xxh128sum's.
   */
  @Test
  @Tag("kernel")
  void fileLargerThanTheMemoryFimMayUse() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs root to create a memory cgroup");
    String cg = "fim-test-" + ProcessHandle.current().pid();
    Path v1 = Path.of("/sys/fs/cgroup/memory");
    Path v2 = Path.of("/sys/fs/cgroup");
    Path group;
    String join;
    if (Files.isDirectory(v1) && Files.exists(v1.resolve("memory.limit_in_bytes"))) {
      group = Files.createDirectories(v1.resolve(cg));
      Files.writeString(group.resolve("memory.limit_in_bytes"), Long.toString(384L << 20));
      join = "echo $$ > " + group.resolve("tasks") + ";";
    } else if (Files.exists(v2.resolve("cgroup.controllers"))
        && Files.readString(v2.resolve("cgroup.subtree_control")).contains("memory")) {
      group = Files.createDirectories(v2.resolve(cg));
      Files.writeString(group.resolve("memory.max"), Long.toString(384L << 20));
      join = "echo $$ > " + group.resolve("cgroup.procs") + ";";
    } else {
      assumeTrue(false, "no memory cgroup controller (v1 or v2 with memory enabled)");
      return;
    }
    try {
      Path big = Files.createDirectories(tmp.resolve("big")).resolve("blob");
      Process mk =
          new ProcessBuilder("bash", "-c", "head -c 1536M /dev/urandom > '" + big + "'").start();
      assertEquals(0, mk.waitFor());
      Process sum = new ProcessBuilder("xxh128sum", big.toString()).start();
      String expected =
          new String(sum.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split(" ")[0];
      assumeTrue(
          sum.waitFor() == 0 && expected.length() == 32,
          "xxh128sum (package xxhash) not available");
      Fim.Run init =
          Fim.process(
              Map.of(),
              join,
              "init".getBytes(),
              "--db".getBytes(),
              db.toString().getBytes(),
              "--key".getBytes(),
              key.toString().getBytes(),
              "-c".getBytes(),
              conf.toString().getBytes(),
              big.getParent().toString().getBytes());
      assertEquals(0, init.exit(), init.toString());
      try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
        var record = s.getRecord(Column.BASELINE, PathBytes.ofUtf8(big.toString()));
        assertEquals(1536L << 20, record.size());
        assertEquals(expected, record.digest(dev.fim.store.HashAlgorithm.XXH3_128).hex());
      }
    } finally {
      // The child has exited, so the group is empty and can be removed.
      Files.deleteIfExists(group);
    }
  }
}
