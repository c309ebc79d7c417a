package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fim check --output journal} into a real systemd-journald: the test starts one of its own
 * in a journal namespace ({@code systemd-journald fimtestPID}: its sockets in {@code
 * /run/systemd/journal.fimtestPID/}, its files in {@code /var/log/journal/MACHINE-ID.fimtestPID/},
 * both removed after), so the host's journal, if any, is not touched; {@code journalctl
 * --namespace} then finds the event with its fields. Needs root and systemd's journald binary.
 */
class RealJournaldTest {
  private static final Path JOURNALD = Path.of("/lib/systemd/systemd-journald");
  private static final long DEADLINE_MS = 30_000;

  @TempDir Path tmp;
  private final String namespace = "fimtest" + ProcessHandle.current().pid();
  private Process journald;

  private Path runDir() {
    return Path.of("/run/systemd/journal." + namespace);
  }

  @BeforeEach
  void start() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "systemd-journald runs as root");
    assumeTrue(Files.isExecutable(JOURNALD), JOURNALD + " is not installed (package systemd)");
    assumeTrue(Files.exists(Path.of("/usr/bin/journalctl")), "journalctl is not installed");
    journald =
        new ProcessBuilder(JOURNALD.toString(), namespace)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("journald.out").toFile())
            .start();
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (!Files.exists(runDir().resolve("socket"))) {
      if (!journald.isAlive() || System.currentTimeMillis() > end) {
        fail("journald did not open its socket: " + Files.readString(tmp.resolve("journald.out")));
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling for the daemon's socket with a deadline
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (journald == null) {
      return;
    }
    journald.destroy();
    if (!journald.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
      journald.destroyForcibly().waitFor();
    }
    String machine = Files.readString(Path.of("/etc/machine-id")).trim();
    new ProcessBuilder(
            "rm",
            "-rf",
            "--",
            runDir().toString(),
            "/var/log/journal/" + machine + "." + namespace,
            "/run/log/journal/" + machine + "." + namespace)
        .start()
        .waitFor();
  }

  @Test
  void journalctlFindsTheEventWithItsFimFields() throws Exception {
    Path tree = Files.createDirectory(tmp.resolve("tree"));
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n");
    String db = tmp.resolve("db").toString();
    String key = tmp.resolve("key").toString();
    assertEquals(0, Fim.run("init", "--db", db, "--key", key, tree.toString()).exit());
    Files.delete(tree.resolve("hosts"));
    Fim.Run check =
        Fim.process(
            Map.of("FIM_JOURNAL_SOCKET", runDir().resolve("socket").toString()),
            b("check"),
            b("--db"),
            b(db),
            b("--key"),
            b(key),
            b("--output"),
            b("journal"),
            b(tree.toString()));
    assertEquals(
        ExitCodes.REMOVED | ExitCodes.CHANGED,
        check.exit(),
        check.toString()); // the tree changed too
    String path = tree.resolve("hosts").toString();
    long end = System.currentTimeMillis() + DEADLINE_MS;
    String json = "";
    while (!json.contains("\"FIM_PATH\":\"" + path + "\"")) {
      assertTrue(System.currentTimeMillis() < end, "journalctl did not find the event: " + json);
      TimeUnit.MILLISECONDS.sleep(50); // polling journalctl with a deadline
      Process q =
          new ProcessBuilder(
                  "journalctl",
                  "--namespace=" + namespace,
                  "-o",
                  "json",
                  "--no-pager",
                  "SYSLOG_IDENTIFIER=fim")
              .redirectErrorStream(true)
              .start();
      json = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      q.waitFor();
    }
    String entry = json.lines().filter(l -> l.contains(path)).findFirst().orElseThrow();
    assertTrue(entry.contains("\"PRIORITY\":\"4\""), "a deleted file is a warning: " + entry);
    assertTrue(entry.contains("\"FIM_ACTION\":\"deleted\""), entry);
    assertTrue(entry.contains("\"SYSLOG_FACILITY\":\"10\""), entry);
    assertTrue(entry.contains("\"FIM_ATTRIBUTION\":\"none\""), entry);
    assertTrue(entry.contains("\"FIM_SEQUENCE\":\""), entry);
    assertTrue(entry.contains("\"MESSAGE\":\"") && entry.contains(" deleted " + path), entry);
    assertTrue(entry.contains("\"FIM_EVENT\":\"{\\\"@timestamp\\\":"), entry);
    assertTrue(entry.contains("\"_PID\":\""), "journald added its trusted fields: " + entry);
  }

  /**
   * An entry past a datagram's size (a 400,000-byte reason) reaches the real journald whole through
   * the sealed memfd: journalctl (with --all, which prints fields over 4 KiB) shows its FIM_EVENT
   * with every byte, and no FIM_TRUNCATED.
   */
  @Test
  void anEntryLargerThanADatagramReachesJournaldWhole() throws Exception {
    String reason = "y".repeat(400_000);
    dev.fim.store.ChangeEvent big =
        new dev.fim.store.ChangeEvent(
                1_764_064_800_123_456_789L,
                0,
                dev.fim.store.Action.OVERFLOW,
                dev.fim.store.PathBytes.ofUtf8("/var/lib"),
                null,
                null,
                null,
                java.util.List.of(),
                dev.fim.store.Origin.RESCAN,
                dev.fim.store.Attribution.NONE,
                "rescan",
                reason)
            .withSequence(77_001);
    try (dev.fim.engine.sink.JournalDestination d =
        new dev.fim.engine.sink.JournalDestination(
            10, runDir().resolve("socket").toString(), 5000)) {
      d.send(big);
    }
    long end = System.currentTimeMillis() + DEADLINE_MS;
    String json = "";
    while (!json.contains("\"FIM_SEQUENCE\":\"77001\"")) {
      assertTrue(System.currentTimeMillis() < end, "journalctl did not find the entry: " + json);
      TimeUnit.MILLISECONDS.sleep(50); // polling journalctl with a deadline
      Process q =
          new ProcessBuilder(
                  "journalctl",
                  "--namespace=" + namespace,
                  "--all",
                  "-o",
                  "json",
                  "--no-pager",
                  "FIM_SEQUENCE=77001")
              .redirectErrorStream(true)
              .start();
      json = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      q.waitFor();
    }
    assertTrue(json.contains("\"FIM_EVENT\":\"{"), "FIM_EVENT is there");
    assertTrue(json.contains(reason), "the whole reason, 400,000 bytes, is in the journal");
    assertTrue(!json.contains("FIM_TRUNCATED"), "not marked truncated");
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
