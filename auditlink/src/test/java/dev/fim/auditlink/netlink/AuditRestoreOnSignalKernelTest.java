package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Whatever is changed (rules, enabled, pid, backlog) is restored on exit, including on SIGTERM": a
 * child JVM ({@link AuditStateChild}) enables auditing, raises the backlog limit, adds a rule and
 * becomes the audit pid, then is ended by SIGTERM ({@link Process#destroy()}) or SIGINT; afterwards
 * the host's status and rule list are exactly as before.
 */
@Tag("kernel")
class AuditRestoreOnSignalKernelTest {
  @TempDir Path dir;

  private AuditClient client;
  private AuditStatus hostStatus;
  private List<String> hostRules;
  private Process child;

  @BeforeEach
  void open() throws Exception {
    KernelAudit.assumeRoot();
    client = AuditClient.open();
    hostStatus = client.status();
    assumeTrue(
        !hostStatus.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
    hostRules = KernelAudit.ruleTexts(client);
  }

  @AfterEach
  void close() throws Exception {
    if (child != null && child.isAlive()) {
      child.destroyForcibly(); // a failed test: the host may need `fim audit rules delete`
      child.waitFor(30, TimeUnit.SECONDS);
    }
    if (client != null) {
      client.close();
    }
  }

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void theHostIsRestoredWhenTheJvmIsEndedByASignal(String signal) throws Exception {
    String key = KernelAudit.testKey() + "-" + signal.toLowerCase();
    Path err = dir.resolve("child.err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                AuditStateChild.class.getName(),
                dir.toString(),
                key)
            .redirectError(err.toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    assertNotNull(ready, "the child printed READY; stderr: " + Files.readString(err));
    assertTrue(ready.startsWith("READY "), ready + "; stderr: " + Files.readString(err));

    // the child changed the host
    AuditStatus during = client.status();
    long backlog = Long.parseLong(ready.replaceAll(".*backlog=(\\d+).*", "$1"));
    assertEquals(backlog, during.backlogLimit(), "backlog raised");
    assertNotEquals(0, during.enabled(), "enabled");
    if (hostStatus.pid() == 0) {
      assertTrue(ready.contains("mode=AUDIT_PID"), ready);
      assertEquals(child.pid(), during.pid(), "the child is the audit pid");
    }
    assertTrue(
        KernelAudit.ruleTexts(client).stream().anyMatch(r -> r.contains("key=" + key)),
        "the child's rule is installed: " + KernelAudit.ruleTexts(client));

    if (signal.equals("TERM")) {
      child.destroy(); // SIGTERM
    } else {
      assumeFalseIgnored(child.pid(), 2);
      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
    }
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child ended within 30 s of SIG" + signal);
    assertEquals(
        signal.equals("TERM") ? 128 + 15 : 128 + 2,
        child.exitValue(),
        "exit status of SIG" + signal);
    String stderr = Files.readString(err);
    assertFalse(stderr.contains("could not"), stderr);

    AuditStatus now = client.status();
    assertEquals(hostStatus.pid(), now.pid(), "audit pid given back");
    assertEquals(hostStatus.enabled(), now.enabled(), "enabled restored");
    assertEquals(hostStatus.backlogLimit(), now.backlogLimit(), "backlog limit restored");
    assertEquals(hostStatus.failure(), now.failure(), "failure flag untouched");
    assertEquals(hostStatus.rateLimit(), now.rateLimit(), "rate limit untouched");
    assertEquals(
        hostStatus.backlogWaitTime(), now.backlogWaitTime(), "backlog wait time untouched");
    assertEquals(hostRules, KernelAudit.ruleTexts(client), "the host's rules are as before");
  }

  /**
   * A JVM started with SIGINT ignored (a background job of a non-interactive shell) keeps it
   * ignored.
   */
  private static void assumeFalseIgnored(long pid, int signal) throws Exception {
    String ign =
        Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
            .filter(l -> l.startsWith("SigIgn:"))
            .findFirst()
            .orElseThrow()
            .substring(7)
            .trim();
    boolean ignored = (Long.parseUnsignedLong(ign, 16) & (1L << (signal - 1))) != 0;
    assumeTrue(
        !ignored,
        "signal " + signal + " is ignored in the child (inherited: tests run as a background job)");
  }
}
