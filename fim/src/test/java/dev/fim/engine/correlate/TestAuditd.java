package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An auditd of the test's own, so that fim runs beside an audit daemon as on a host with auditd:
 * {@code auditd -n -s nochange -c CONFDIR} in the foreground, with a temporary config whose log is
 * in a temporary directory (the host's /etc/audit and /var/log/audit are not used) and that leaves
 * {@code enabled} alone. The same set-up as auditlink's AuditdSideBySideKernelTest. {@link
 * #close()} stops it (SIGTERM: it gives the audit pid back).
 */
final class TestAuditd implements AutoCloseable {
  static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/auditd"), Path.of("/sbin/auditd"));

  private final Process process;
  private final Thread killer;

  private TestAuditd(Process process, Thread killer) {
    this.process = process;
    this.killer = killer;
  }

  /**
   * Starts it and waits until it is the audit pid; skips the test (with the reason) when it cannot.
   */
  static TestAuditd start(Path dir, AuditClient client) throws Exception {
    Path bin = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(bin != null, "auditd is not installed (" + BINARIES + ")");
    assumeTrue(
        client.status().pid() == 0, "an audit daemon already runs: this test starts its own");
    Path conf = Files.createDirectory(dir.resolve("etc"));
    Path plugins = Files.createDirectory(conf.resolve("plugins.d"));
    Path log = Files.createDirectory(dir.resolve("log")).resolve("audit.log");
    // auditd.conf(5): no rotation, network or plugins; nothing that suspends or halts when the disk
    // fills.
    Files.writeString(
        conf.resolve("auditd.conf"),
        String.join(
            "\n",
            "local_events = yes",
            "write_logs = yes",
            "log_file = " + log,
            "log_group = root",
            "log_format = RAW",
            "flush = INCREMENTAL_ASYNC",
            "freq = 50",
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
    Process p =
        new ProcessBuilder(bin.toString(), "-n", "-s", "nochange", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    Thread killer = new Thread(p::destroy, "kill-test-auditd");
    Runtime.getRuntime().addShutdownHook(killer);
    TestAuditd d = new TestAuditd(p, killer);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.status().pid() != p.pid() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (client.status().pid() != p.pid()) {
      String why =
          p.isAlive() ? "did not become the audit pid within 30 s" : "exited with " + p.exitValue();
      d.close();
      assumeTrue(
          false,
          "could not start auditd ("
              + bin
              + " "
              + why
              + "): "
              + Files.readString(out, StandardCharsets.ISO_8859_1));
    }
    return d;
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM, up to 30 s (auditd gives the audit pid back), then SIGKILL. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // shutting down
    }
  }
}
