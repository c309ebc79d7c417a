package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.engine.Commands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that is ended by SIGTERM while attributing (a {@code fim watch} service stopped by systemd)
 * leaves the host as it found it: the rules removed, enabled, backlog limit and audit pid put back,
 * by auditlink's shutdown hooks.
 */
@Tag("kernel")
class AuditAttributorSignalKernelTest {
  @TempDir Path scratch;

  @Test
  void sigtermPutsTheHostBack() throws Exception {
    assumeTrue(
        Commands.isRoot(), "needs CAP_AUDIT_CONTROL to add audit rules (run the tests as root)");
    Path tree = Files.createTempDirectory(Path.of("/var/tmp"), "fim-attr-").toRealPath();
    Process child = null;
    try (AuditClient client = AuditClient.open()) {
      AuditStatus host = client.status();
      assumeTrue(
          !host.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
      List<String> hostRules = AuditAttributorKernelTest.ruleTexts(client);
      String key = "fim-test-" + ProcessHandle.current().pid() + "-term";
      Path err = scratch.resolve("child.err");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      child =
          new ProcessBuilder(
                  java,
                  "-Xmx64m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  AttributorChild.class.getName(),
                  tree.toString(),
                  key)
              .redirectError(err.toFile())
              .start();
      String ready =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertNotNull(ready, "the child printed READY; stderr: " + Files.readString(err));
      assertTrue(ready.startsWith("READY ") && ready.endsWith(" rules=2"), ready);
      assertEquals(
          hostRules.size() + 3,
          AuditAttributorKernelTest.ruleTexts(client).size(),
          "rules installed: fim's two and its progress probe's");
      if (host.pid() == 0) {
        assertEquals(child.pid(), client.status().pid(), "the child is the audit pid");
      }

      child.destroy(); // SIGTERM
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child ended within 30 s of SIGTERM");
      assertEquals(128 + 15, child.exitValue());
      String stderr = Files.readString(err);
      assertFalse(stderr.contains("could not"), stderr);

      AuditStatus now = client.status();
      assertEquals(host.pid(), now.pid(), "audit pid given back");
      assertEquals(host.enabled(), now.enabled(), "enabled restored");
      assertEquals(host.backlogLimit(), now.backlogLimit(), "backlog limit restored");
      assertEquals(
          hostRules, AuditAttributorKernelTest.ruleTexts(client), "the host's rules are as before");
    } finally {
      if (child != null && child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(tree);
    }
  }
}
