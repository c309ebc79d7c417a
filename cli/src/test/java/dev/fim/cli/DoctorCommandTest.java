package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code fim doctor} on real files: a healthy sealed database and key (exit 0, the JSON fields), a
 * key others may read (fail with the chmod), a missing database (fail with fim init), a config with
 * a directive fim ignores (warn naming file:line), a broken config (fail) and a database altered
 * outside fim (the seal check fails). Root: the fanotify probe and the audit status.
 */
@Tag("kernel")
class DoctorCommandTest {
  private static final Set<String> FIELDS = Set.of("check", "status", "detail", "fix");
  private Path dir;
  private Path tree;
  private Path db;
  private Path key;
  private Path conf;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "the fanotify probe and audit status need root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-doctor-");
    tree = Files.createDirectories(dir.resolve("tree/sub"));
    Files.writeString(tree.resolve("f"), "one\n");
    db = dir.resolve("db");
    key = dir.resolve("db.key");
    conf = dir.resolve("fim.conf");
    Files.writeString(conf, tree + " R\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  private Fim.Run doctor(String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "doctor", "--db", db.toString(), "--key", key.toString(), "-c", conf.toString()));
    a.addAll(List.of(more));
    return Fim.run(a.toArray(String[]::new));
  }

  private void init() {
    Fim.Run init = Fim.on(db, key, conf, "init");
    assertEquals(0, init.exit(), init::toString);
  }

  /** The checks of a JSON run, by name (the last of each name; config.directive may repeat). */
  private static Map<String, Map<String, String>> checks(Fim.Run run) throws Exception {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    try (JsonParser p = new JsonFactory().createParser(run.out())) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertEquals("status", p.nextFieldName());
      String overall = p.nextTextValue();
      assertTrue(Set.of("ok", "warn", "fail").contains(overall), overall);
      assertEquals("checks", p.nextFieldName());
      assertEquals(JsonToken.START_ARRAY, p.nextToken());
      while (p.nextToken() == JsonToken.START_OBJECT) {
        Map<String, String> c = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          c.put(name, p.nextTextValue());
        }
        assertEquals(FIELDS, c.keySet(), c.toString());
        assertTrue(Set.of("ok", "warn", "fail").contains(c.get("status")), c.toString());
        out.put(c.get("check"), c);
      }
      out.put("", Map.of("status", overall));
    }
    return out;
  }

  @Test
  void aHealthyDatabaseAndKeyExitZeroWithStableJsonFields() throws Exception {
    init();
    Fim.Run run = doctor("--format", "json");
    assertEquals(0, run.exit(), run::toString);
    Map<String, Map<String, String>> c = checks(run);
    assertNotEquals("fail", c.get("").get("status"), run.out());
    for (String name :
        List.of(
            "config.parse",
            "config.directive",
            "key.present",
            "key.mode",
            "key.file",
            "database.exists",
            "database.permissions",
            "database.seal",
            "capabilities",
            "kernel.fanotify")) {
      assertEquals("ok", c.get(name).get("status"), name + ": " + c.get(name));
      assertEquals("", c.get(name).get("fix"), name);
    }
    assertTrue(c.get("database.seal").get("detail").contains("verifies with " + key), run.out());
    assertTrue(c.containsKey("kernel.inotify"), run.out());
    assertTrue(c.keySet().stream().anyMatch(k -> k.startsWith("audit.")), run.out());
    assertTrue(c.keySet().stream().anyMatch(k -> k.startsWith("units")), run.out());
    // no check has run yet: a warning, not a failure; after a check it is ok
    assertEquals("warn", c.get("check.last").get("status"), run.out());
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertEquals(0, check.exit(), check::toString);
    Map<String, Map<String, String>> after = checks(doctor("--format", "json"));
    assertEquals("ok", after.get("check.last").get("status"), after.toString());
    assertTrue(
        after.get("check.last").get("detail").startsWith("last check 0 min "), after.toString());

    Fim.Run text = doctor();
    assertEquals(0, text.exit(), text::toString);
    assertTrue(
        text.out().lines().anyMatch(l -> l.matches("ok +database\\.seal +sealed; .*")), text.out());
    assertTrue(text.out().lines().reduce((a, b) -> b).orElse("").startsWith("fim doctor: "));
  }

  /**
   * The inotify line states the kernel's limit as {@code cat} reads it: Files.readString of an
   * integer sysctl sees only its first digit (the kernel answers a read past offset 0 with EOF),
   * and the doctor once told every host that max_user_watches was 1.
   */
  @Test
  void theInotifyLineStatesTheKernelsWholeLimit() throws Exception {
    Process cat =
        new ProcessBuilder("cat", "/proc/sys/fs/inotify/max_user_watches")
            .redirectErrorStream(true)
            .start();
    String limit = new String(cat.getInputStream().readAllBytes()).trim();
    assertEquals(0, cat.waitFor(), limit);
    assertTrue(limit.length() > 1, "a limit of one digit cannot show the bug: " + limit);
    init();
    Map<String, Map<String, String>> c = checks(doctor("--format", "json"));
    String detail = c.get("kernel.inotify").get("detail");
    assertTrue(detail.startsWith("max_user_watches=" + limit + " "), detail);
  }

  @Test
  void aKeyOthersMayReadFailsWithTheChmod() throws Exception {
    init();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Fim.Run run = doctor("--format", "json");
    assertEquals(1, run.exit(), run::toString);
    Map<String, Map<String, String>> c = checks(run);
    assertEquals("fail", c.get("").get("status"));
    assertEquals("fail", c.get("key.mode").get("status"), run.out());
    assertTrue(c.get("key.mode").get("detail").contains("rw-r--r--"), run.out());
    assertEquals("chmod 600 " + key, c.get("key.mode").get("fix"));
    // fim would refuse the key, so the seal is not verified with it either
    assertEquals("fail", c.get("database.seal").get("status"), run.out());
    Fim.Run text = doctor();
    assertTrue(
        text.out()
            .lines()
            .anyMatch(
                l -> l.startsWith("fail  key.mode ") && l.endsWith("-- fix: chmod 600 " + key)),
        text.out());
  }

  @Test
  void aMissingDatabaseFailsWithFimInit() throws Exception {
    Fim.Run run = doctor("--format", "json");
    assertEquals(1, run.exit(), run::toString);
    Map<String, Map<String, String>> c = checks(run);
    assertEquals("fail", c.get("database.exists").get("status"), run.out());
    assertTrue(c.get("database.exists").get("fix").startsWith("fim init --db " + db), run.out());
    assertEquals("fail", c.get("key.present").get("status"), run.out());
    assertTrue(Files.notExists(db), "doctor creates nothing");
    assertTrue(Files.notExists(key), "doctor creates nothing");
  }

  @Test
  void anUnsupportedDirectiveIsAWarningWithItsLine() throws Exception {
    init();
    Files.writeString(conf, "gzip_dbout=yes\n" + tree + " R\n");
    Fim.Run run = doctor("--format", "json");
    Map<String, Map<String, String>> c = checks(run);
    assertEquals("warn", c.get("config.directive").get("status"), run.out());
    assertTrue(
        c.get("config.directive").get("detail").startsWith(conf + ":1: AIDE option gzip_dbout"),
        run.out());
    assertEquals("ok", c.get("config.parse").get("status"));
    assertTrue(!c.containsKey("key.location"), "the key beside the tree is not selected");

    // a config that selects the key's directory: a warning with the fix
    Files.writeString(conf, dir + " R\n");
    Map<String, Map<String, String>> k = checks(doctor("--format", "json"));
    assertEquals("warn", k.get("key.location").get("status"), k.toString());
    assertTrue(k.get("key.location").get("detail").contains(key.toString()), k.toString());

    Files.writeString(conf, tree + " NoSuchGroup\n");
    Fim.Run broken = doctor("--format", "json");
    assertEquals(1, broken.exit(), broken::toString);
    Map<String, Map<String, String>> b = checks(broken);
    assertEquals("fail", b.get("config.parse").get("status"), broken.out());
    assertTrue(b.get("config.parse").get("detail").startsWith(conf + ":1: "), broken.out());
  }

  @Test
  void aBaselineAlteredOutsideFimFailsTheSealCheck() throws Exception {
    init();
    try (dev.fim.store.Store s =
            dev.fim.store.Store.open(db, dev.fim.store.Store.OpenMode.EXISTING);
        dev.fim.store.RecordWriter w = s.newWriter(dev.fim.store.Column.BASELINE)) {
      dev.fim.store.PathBytes f = dev.fim.store.PathBytes.ofUtf8(tree.resolve("f").toString());
      dev.fim.store.FileRecord r = s.getRecord(dev.fim.store.Column.BASELINE, f);
      w.put(dev.fim.store.PathBytes.ofUtf8(tree.resolve("planted").toString()), r);
    }
    Fim.Run run = doctor("--format", "json");
    assertEquals(1, run.exit(), run::toString);
    Map<String, Map<String, String>> c = checks(run);
    assertEquals("fail", c.get("database.seal").get("status"), run.out());
    assertTrue(c.get("database.seal").get("detail").contains("seal mismatch"), run.out());
  }
}
