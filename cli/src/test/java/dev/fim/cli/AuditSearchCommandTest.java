package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code fim audit search} over go-libaudit's auparse/audit-rhel7.log (a real RHEL 7 audit.log).
 */
class AuditSearchCommandTest {
  static String fixture() {
    Path p =
        Path.of(
            System.getProperty("fim.fixtures", "../auditlink/src/test/resources"),
            "go-libaudit/auparse/audit-rhel7.log");
    assertTrue(Files.isRegularFile(p), "missing fixture " + p);
    return p.toString();
  }

  @Test
  void keyFilterFindsTheOneKilledSignalEventAsJson() {
    Fim.Run r =
        Fim.run("audit", "search", "--input", fixture(), "-k", "kill_signals", "--format", "json");
    assertEquals(0, r.exit(), r.toString());
    String[] lines = r.out().split("\n");
    assertEquals(1, lines.length, r.out());
    assertTrue(lines[0].startsWith("{\"sequence\":"), lines[0]);
    assertTrue(lines[0].contains("\"record_types\":[\"SYSCALL\""), lines[0]);
  }

  @Test
  void textBlocksAreInterpreted() {
    Fim.Run r = Fim.run("audit", "search", "--input", fixture(), "-k", "kill_signals");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("----\ntime->"), r.out());
    assertTrue(r.out().contains("arch=x86_64"), r.out());
  }

  @Test
  void noMatchExitsOne() {
    Fim.Run r = Fim.run("audit", "search", "--input", fixture(), "-k", "no-such-key-anywhere");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("<no matches>"), r.err());
  }

  @Test
  void badTimeIsAUsageError() {
    Fim.Run r = Fim.run("audit", "search", "--input", fixture(), "-ts", "yesterdayish");
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
  }

  @Test
  void unknownUserIsAUsageErrorNamingTheUser() {
    Fim.Run r = Fim.run("audit", "search", "--input", fixture(), "-ua", "no-such-user-fim-test");
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(r.err().contains("no-such-user-fim-test: no such user in passwd"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void unreadableInputNamesThePathAndTheReason() {
    Fim.Run r = Fim.run("audit", "search", "--input", "/nonexistent/audit.log", "-k", "x");
    assertEquals(ExitCodes.IO, r.exit(), r.toString());
    assertEquals(
        "fim: cannot read /nonexistent/audit.log: No such file or directory\n",
        r.err(),
        r.toString());
  }

  @Test
  void aDirectoryAsInputIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) {
    Fim.Run r = Fim.run("audit", "search", "--input", dir.toString(), "-k", "x");
    assertEquals(ExitCodes.IO, r.exit(), r.toString());
    assertEquals("fim: cannot read " + dir + ": Is a directory\n", r.err(), r.toString());
  }
}
