package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A probe's record, as the kernel sends it (SYSCALL kill with fim's progress key, the token as a0,
 * the helper's pid), gives the time the probe was issued, once. Another key, another pid (a forged
 * marker by another child of fim, even with the right token), a token never issued (a guess of the
 * next one) give nothing. A killed helper is replaced at the next probe.
 */
class ProgressProbeTest {
  static AuditRecord record(int type, String body) throws Exception {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return RecordParser.parseNetlinkOrThrow(type, b, 0, b.length);
  }

  static List<AuditRecord> kill(String key, long pid, long token) throws Exception {
    return List.of(
        record(
            1300,
            "audit(1796577083.937:118429): arch=c000003e syscall=62 success=no exit=-3 a0="
                + Long.toHexString(token)
                + " a1=0 a2=0 a3=0 items=0 ppid=42 pid="
                + pid
                + " auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
                + " tty=(none) ses=4294967295 comm=\"sh\" exe=\"/usr/bin/dash\" key=\""
                + key
                + "\""));
  }

  @Test
  void aProbesRecordGivesItsIssueTimeOnceAndForgedOnesNothing() throws Exception {
    long[] clock = {1000};
    try (ProgressProbe p =
        new ProgressProbe("fim", new RuleCompiler(RuleSettings.host()), 42, () -> clock[0])) {
      assertEquals(
          "-a always,exit -F arch=b64 -S kill -F ppid=42 -F key=fim-progress", p.ruleText());
      p.fire();
      long first = p.tokenInFlight();
      clock[0] = 2000;
      p.fire();
      long second = p.tokenInFlight();
      long helper = p.helperPid();
      assertEquals(2, p.fired());
      assertTrue(helper > 0, "a helper runs");
      assertEquals(1, p.helpersStarted(), "one helper for both probes");
      assertTrue(first >= ProgressProbe.TOKEN_BASE && second >= ProgressProbe.TOKEN_BASE);

      assertEquals(Long.MIN_VALUE, p.returnedAt(kill("fim", helper, first)), "another key");
      assertEquals(
          Long.MIN_VALUE, p.returnedAt(kill("fim-progress", helper + 1, first)), "another pid");
      assertEquals(
          Long.MIN_VALUE,
          p.returnedAt(kill("fim-progress", helper, second + 256)),
          "a token never issued");
      assertEquals(1000, p.returnedAt(kill("fim-progress", helper, first)));
      assertEquals(2000, p.returnedAt(kill("fim-progress", helper, second)));
      assertEquals(Long.MIN_VALUE, p.returnedAt(kill("fim-progress", helper, second)), "twice");
      assertEquals(2, p.returned());
      assertEquals(3, p.foreign(), "another pid, a guess, a repeat");
    }
  }

  @Test
  void aKilledHelperIsReplacedAtTheNextProbe() throws Exception {
    try (ProgressProbe p =
        new ProgressProbe("fim", new RuleCompiler(RuleSettings.host()), 42, () -> 7)) {
      p.prepare();
      long old = p.helperPid();
      ProcessHandle h = ProcessHandle.of(old).orElseThrow();
      h.destroyForcibly();
      h.onExit().get(30, TimeUnit.SECONDS);
      p.fire();
      assertEquals(1, p.fired(), "the probe went out through a new helper");
      assertEquals(2, p.helpersStarted());
      assertNotEquals(old, p.helperPid());
      assertTrue(ProcessHandle.of(p.helperPid()).map(ProcessHandle::isAlive).orElse(false));
      assertEquals(
          Long.MIN_VALUE,
          p.returnedAt(kill("fim-progress", old, p.tokenInFlight())),
          "the dead helper's pid (reused by another process) does not count");
      assertEquals(7, p.returnedAt(kill("fim-progress", p.helperPid(), p.tokenInFlight())));
    }
  }

  @Test
  void tokensAreWrittenInDecimal() {
    byte[] b = new byte[16];
    int n = ProgressProbe.digits(1073742335L, b);
    assertEquals("1073742335\n", new String(b, 0, n, StandardCharsets.US_ASCII));
    n = ProgressProbe.digits(7, b);
    assertEquals("7\n", new String(b, 0, n, StandardCharsets.US_ASCII));
  }
}
