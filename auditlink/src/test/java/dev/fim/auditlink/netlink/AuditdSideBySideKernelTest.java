package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.EventStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fim beside a running auditd: the test starts its own auditd ({@code auditd -n -s nochange -c
 * CONFDIR}, a child in the foreground with a temporary config whose log file is in a temporary
 * directory, so the host's /var/log/audit and /etc/audit are not used), waits until it is the audit
 * pid, then starts an {@link AuditListener} (which must read the multicast group) and writes a file
 * under a watched directory from a child whose loginuid is 1001. fim receives the reassembled event
 * and auditd's log holds the same serial. Afterwards auditd is stopped with SIGTERM and the audit
 * pid, enabled flag, backlog limit and rules are the host's again.
 *
 * <p>Skips (with the reason) when not root, when no auditd binary is installed ({@code
 * bin/test-all} installs the package), when an audit daemon already runs (this test needs to start
 * its own), or when auditd does not become the audit pid within 30 s.
 */
@Tag("kernel")
class AuditdSideBySideKernelTest {
  private static final List<Path> AUDITD =
      List.of(Path.of("/usr/sbin/auditd"), Path.of("/sbin/auditd"));

  @TempDir Path dir;

  private Path watched;
  private AuditClient client;
  private AuditStatus hostStatus;
  private List<String> hostRules;
  private Process auditd;
  private Thread auditdKiller;
  private AuditState state;
  private AuditListener listener;

  @BeforeEach
  void open() throws Exception {
    KernelAudit.assumeRoot();
    assumeTrue(
        Files.isExecutable(WatchedWrite.PYTHON),
        "needs " + WatchedWrite.PYTHON + " for the writing child");
    client = AuditClient.open();
    hostStatus = client.status();
    assumeTrue(
        !hostStatus.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
    assumeTrue(
        hostStatus.pid() == 0,
        "process "
            + hostStatus.pid()
            + " is already the audit pid: this test starts an auditd of its own");
    hostRules = KernelAudit.ruleTexts(client);
    watched = Files.createDirectory(dir.resolve("watched"));
  }

  @AfterEach
  void restore() throws Exception {
    if (client == null) {
      return;
    }
    try {
      try {
        if (state != null) {
          state.close(); // removes the rule, puts enabled back, then closes the listener
        }
        if (listener != null) {
          listener.close();
        }
      } finally {
        stopAuditd();
      }
      AuditStatus now = client.status();
      assertEquals(hostStatus.pid(), now.pid(), "audit pid as before (auditd gave it back)");
      assertEquals(hostStatus.enabled(), now.enabled(), "enabled restored");
      assertEquals(hostStatus.backlogLimit(), now.backlogLimit(), "backlog limit restored");
      assertEquals(hostRules, KernelAudit.ruleTexts(client), "the host's rules are as before");
    } finally {
      client.close();
    }
  }

  /**
   * SIGTERM, wait up to 30 s (auditd writes DAEMON_END and gives the audit pid back), then SIGKILL.
   */
  private void stopAuditd() throws InterruptedException {
    if (auditd == null) {
      return;
    }
    auditd.destroy();
    if (!auditd.waitFor(30, TimeUnit.SECONDS)) {
      auditd.destroyForcibly();
      auditd.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(auditdKiller);
    } catch (IllegalStateException e) {
      // shutting down
    }
    auditd = null;
  }

  @Test
  void fimAndAuditdBothSeeTheEvent() throws Exception {
    Path auditdBin = AUDITD.stream().filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(
        auditdBin != null,
        "auditd is not installed ("
            + AUDITD
            + "); bin/test-all installs the auditd package when run as root");
    Path log = startAuditd(auditdBin);

    String key = KernelAudit.testKey();
    BlockingQueue<List<AuditRecord>> events = new LinkedBlockingQueue<>();
    EventStream stream =
        new EventStream() {
          @Override
          public void reassemblyComplete(List<AuditRecord> records) {
            events.add(records);
          }

          @Override
          public void eventsLost(long count) {}
        };
    state = AuditState.capture();
    listener = AuditListener.start(ListenerSettings.defaults(), stream, total -> {});
    state.closeListenerAfterRestore(listener);
    assertEquals(
        AuditListener.Mode.MULTICAST,
        listener.mode(),
        "auditd is the audit pid: fim reads beside it");
    assertEquals(auditd.pid(), client.status().pid(), "auditd is still the audit pid");
    state.enable();
    WatchedWrite.watchDirectory(state, watched, key);

    Path file = watched.resolve("f");
    WatchedWrite.writeAsLoginUid1001(file);

    // (a) fim's listener: the reassembled event
    List<AuditRecord> event = WatchedWrite.awaitEvent(events, key);
    assertNull(listener.failure());
    assertNotNull(
        event,
        "fim: an event with key " + key + " within 30 s (" + listener.datagrams() + " datagrams)");
    AuditRecord syscall =
        event.stream().filter(r -> r.type() == RecordType.SYSCALL).findFirst().orElseThrow();
    assertEquals("1001", syscall.field("auid"), syscall.rawText());
    assertTrue(
        event.stream()
            .anyMatch(r -> r.type() == RecordType.PATH && file.toString().equals(r.field("name"))),
        "a PATH record naming " + file + ": " + event.stream().map(AuditRecord::rawText).toList());
    long serial = syscall.serial();

    // (b) auditd's log: the same serial, with our key on its SYSCALL record
    String needle = ":" + serial + "): ";
    String line = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (line == null && System.nanoTime() < deadline) {
      line =
          readLines(log).stream()
              .filter(
                  l ->
                      l.startsWith("type=SYSCALL ")
                          && l.contains(needle)
                          && l.contains("key=\"" + key + "\""))
              .findFirst()
              .orElse(null);
      if (line == null) {
        Thread.sleep(100);
      }
    }
    assertNotNull(
        line,
        "auditd's log "
            + log
            + " has the SYSCALL record of serial "
            + serial
            + "; it holds:\n"
            + String.join("\n", readLines(log)));
    assertTrue(line.contains(" auid=1001 "), line);
    // auditd writes an event's records one line at a time: the PATH line may follow the
    // SYSCALL line a moment later (seen once in CI), so it is polled for with the same deadline.
    String path = null;
    while (path == null && System.nanoTime() < deadline) {
      path =
          readLines(log).stream()
              .filter(
                  l ->
                      l.startsWith("type=PATH ")
                          && l.contains(needle)
                          && l.contains("name=\"" + file + "\""))
              .findFirst()
              .orElse(null);
      if (path == null) {
        Thread.sleep(100);
      }
    }
    assertNotNull(
        path,
        "auditd's log has the PATH record of serial "
            + serial
            + "; it holds:\n"
            + String.join("\n", readLines(log)));
    assertTrue(auditd.isAlive(), "auditd still runs");
  }

  /**
   * Writes the config, starts auditd in the foreground and waits until it is the audit pid; returns
   * its log.
   */
  private Path startAuditd(Path auditdBin) throws Exception {
    Path conf = Files.createDirectory(dir.resolve("etc"));
    Path plugins = Files.createDirectory(conf.resolve("plugins.d"));
    Path logDir = Files.createDirectory(dir.resolve("log"));
    Path log = logDir.resolve("audit.log");
    // auditd.conf(5): RAW lines, every record written and flushed at once, no rotation, no network,
    // no plugins; nothing that suspends or halts when the disk fills (this is a test, not an audit
    // trail).
    Files.writeString(
        conf.resolve("auditd.conf"),
        String.join(
            "\n",
            "local_events = yes",
            "write_logs = yes",
            "log_file = " + log,
            "log_group = root",
            "log_format = RAW",
            "flush = SYNC",
            "freq = 0",
            "max_log_file = 100",
            "num_logs = 0",
            "max_log_file_action = IGNORE",
            "space_left = 2",
            "space_left_action = IGNORE",
            "admin_space_left = 1",
            "admin_space_left_action = IGNORE",
            "disk_full_action = IGNORE",
            "disk_error_action = IGNORE",
            "name_format = NONE",
            "priority_boost = 0",
            "use_libwrap = no",
            "tcp_listen_queue = 5",
            "tcp_max_per_addr = 1",
            "tcp_client_max_idle = 0",
            "transport = TCP",
            "distribute_network = no",
            "q_depth = 2000",
            "overflow_action = IGNORE",
            "max_restarts = 0",
            "plugin_dir = " + plugins,
            "end_of_event_timeout = 2",
            ""));
    Path out = dir.resolve("auditd.out");
    // -n: no fork (the child is auditd itself); -s nochange: leave the enabled flag to AuditState.
    auditd =
        new ProcessBuilder(auditdBin.toString(), "-n", "-s", "nochange", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    Process p = auditd;
    auditdKiller = new Thread(p::destroy, "kill-test-auditd");
    Runtime.getRuntime().addShutdownHook(auditdKiller);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.status().pid() != p.pid() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    boolean owns = client.status().pid() == p.pid();
    if (!owns) {
      String why =
          p.isAlive() ? "did not become the audit pid within 30 s" : "exited with " + p.exitValue();
      stopAuditd();
      assumeTrue(
          false,
          "could not start auditd ("
              + auditdBin
              + " "
              + why
              + "): "
              + Files.readString(out, StandardCharsets.ISO_8859_1));
    }
    return log;
  }

  private static List<String> readLines(Path log) throws IOException {
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
  }
}
