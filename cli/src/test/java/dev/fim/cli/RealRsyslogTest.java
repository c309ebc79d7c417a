package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fim check --output syslog} into a real rsyslogd (package rsyslog; bin/test-all installs
 * it), which the test starts in the foreground with a configuration of its own: its socket, work
 * directory and output file are in the test's temporary directory, so the host's /dev/log and logs
 * are not touched. rsyslog must parse the message as RFC 5424 (facility, severity, app-name,
 * MSGID), read the structured data with mmpstrucdata and the JSON message with mmjsonparse (cookie
 * "", as docs/watch.md says), and write one line per event.
 */
class RealRsyslogTest {
  private static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
  private static final long DEADLINE_MS = 30_000;

  @TempDir Path tmp;
  private Process rsyslogd;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(RSYSLOGD), "rsyslogd is not installed (apt-get install rsyslog)");
    Path sock = tmp.resolve("log.sock");
    String conf =
        String.join(
            "\n",
            "global(workDirectory=\"" + tmp + "\")",
            "module(load=\"imuxsock\" SysSock.Use=\"off\")",
            "input(type=\"imuxsock\" Socket=\""
                + sock
                + "\" UseSpecialParser=\"off\" ParseHostname=\"on\")",
            "module(load=\"mmjsonparse\")",
            "module(load=\"mmpstrucdata\")",
            "template(name=\"fields\" type=\"list\") {",
            "  property(name=\"syslogfacility-text\") constant(value=\"|\")",
            "  property(name=\"syslogseverity-text\") constant(value=\"|\")",
            "  property(name=\"app-name\") constant(value=\"|\")",
            "  property(name=\"procid\") constant(value=\"|\")",
            "  property(name=\"msgid\") constant(value=\"|\")",
            "  property(name=\"$!rfc5424-sd!fim@32473!path\") constant(value=\"|\")",
            "  property(name=\"$!event!action\") constant(value=\"|\")",
            "  property(name=\"$!file!path\") constant(value=\"|\")",
            "  property(name=\"$!fim!origin\") constant(value=\"\\n\")",
            "}",
            "if $app-name == \"fim\" and $msgid != \"-\" then {",
            "  action(type=\"mmpstrucdata\")",
            "  action(type=\"mmjsonparse\" cookie=\"\")",
            "  action(type=\"omfile\" file=\"" + tmp.resolve("fim.log") + "\" template=\"fields\")",
            "}",
            "");
    Path confFile = tmp.resolve("rsyslog.conf");
    Files.writeString(confFile, conf);
    rsyslogd =
        new ProcessBuilder(
                RSYSLOGD.toString(),
                "-n",
                "-f",
                confFile.toString(),
                "-i",
                tmp.resolve("rsyslogd.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("rsyslogd.out").toFile())
            .start();
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (!Files.exists(sock)) {
      if (!rsyslogd.isAlive() || System.currentTimeMillis() > end) {
        fail("rsyslogd did not open its socket: " + Files.readString(tmp.resolve("rsyslogd.out")));
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling for the daemon's socket with a deadline
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (rsyslogd != null) {
      rsyslogd.destroy(); // SIGTERM: rsyslogd flushes and exits
      if (!rsyslogd.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
        rsyslogd.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void rsyslogParsesTheStructuredDataAndTheJsonMessage() throws Exception {
    Path tree = Files.createDirectory(tmp.resolve("tree"));
    Files.writeString(tree.resolve("hosts"), "127.0.0.1 localhost\n");
    String db = tmp.resolve("db").toString();
    String key = tmp.resolve("key").toString();
    assertEquals(0, Fim.run("init", "--db", db, "--key", key, tree.toString()).exit());
    Files.writeString(tree.resolve("hosts"), "10.6.6.6 evil\n");
    Fim.Run check =
        Fim.process(
            Map.of("FIM_SYSLOG_SOCKET", tmp.resolve("log.sock").toString()),
            b("check"),
            b("--db"),
            b(db),
            b("--key"),
            b(key),
            b("--output"),
            b("syslog:local5"),
            b(tree.toString()));
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
    Path log = tmp.resolve("fim.log");
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (!Files.exists(log) || Files.readString(log).isEmpty()) {
      assertTrue(
          System.currentTimeMillis() < end,
          "rsyslog wrote nothing: " + Files.readString(tmp.resolve("rsyslogd.out")));
      TimeUnit.MILLISECONDS.sleep(20); // polling rsyslog's output file with a deadline
    }
    List<String> lines = Files.readAllLines(log);
    String path = tree.resolve("hosts").toString();
    assertEquals(1, lines.size(), lines.toString());
    String[] f = lines.get(0).split("\\|", -1);
    assertEquals("local5", f[0], lines.get(0));
    assertEquals("warning", f[1], "an update is a warning");
    assertEquals("fim", f[2]);
    assertTrue(f[3].matches("\\d+"), "procid is a pid: " + f[3]);
    assertEquals("updated", f[4], "MSGID");
    assertEquals(path, f[5], "the structured data's path, read by mmpstrucdata");
    assertEquals("updated", f[6], "event.action from the JSON, read by mmjsonparse");
    assertEquals(path, f[7], "file.path from the JSON");
    assertEquals("check", f[8], "fim.origin from the JSON");
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
