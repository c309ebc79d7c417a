package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A probe's records, as the kernel sends them (SYSCALL with fim's progress key, EXECVE with the
 * token), are recognised and give the time the probe was issued, once; another key, an exec without
 * a token (the JVM's spawn helper) or an unknown token give nothing.
 */
class ProgressProbeTest {
  static AuditRecord record(int type, String body) throws Exception {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return RecordParser.parseNetlinkOrThrow(type, b, 0, b.length);
  }

  static List<AuditRecord> probe(String key, String arg) throws Exception {
    return List.of(
        record(
            1300,
            "audit(1796577083.937:118429): arch=c000003e syscall=59 success=yes exit=0 a0=1"
                + " a1=2 a2=3 a3=4 items=2 ppid=42 pid=18205 auid=4294967295 uid=0 gid=0 euid=0"
                + " suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"true\""
                + " exe=\"/usr/bin/true\" key=\""
                + key
                + "\""),
        record(
            1309, "audit(1796577083.937:118429): argc=2 a0=\"/usr/bin/true\" a1=\"" + arg + "\""));
  }

  @Test
  void aProbesRecordsGiveItsIssueTimeOnce() throws Exception {
    long[] clock = {1000};
    ProgressProbe p =
        new ProgressProbe("fim", new RuleCompiler(RuleSettings.host()), 42, () -> clock[0]);
    assertEquals(
        "-a always,exit -F arch=b64 -S execve -F ppid=42 -F key=fim-progress", p.ruleText());
    p.fire();
    clock[0] = 2000;
    p.fire();
    assertEquals(2, p.fired());
    assertEquals(Long.MIN_VALUE, p.returnedAt(probe("fim", "40000001")));
    assertEquals(Long.MIN_VALUE, p.returnedAt(probe("fim-progress", "40000009")));
    assertEquals(Long.MIN_VALUE, p.returnedAt(probe("fim-progress", "12:13:14")));
    assertEquals(1000, p.returnedAt(probe("fim-progress", "40000001")));
    assertEquals(2000, p.returnedAt(probe("fim-progress", "40000002")));
    assertEquals(Long.MIN_VALUE, p.returnedAt(probe("fim-progress", "40000002")));
    assertEquals(2, p.returned());
  }
}
