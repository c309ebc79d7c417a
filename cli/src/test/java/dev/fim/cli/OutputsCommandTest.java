package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.engine.sink.UnixDatagram;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code --output} of {@code fim watch} and {@code fim check} as real processes, with the syslog
 * and journal sockets bound by the test ({@code FIM_SYSLOG_SOCKET}, {@code FIM_JOURNAL_SOCKET}):
 * the three outputs at once, and a restart that resends exactly what was recorded while the watch
 * was down. Attribution is {@code proc} (no audit rules are touched).
 */
@Tag("kernel")
class OutputsCommandTest {
  private static final long DEADLINE_MS = 30_000;
  private static final Pattern SEQUENCE = Pattern.compile(" sequence=\"(\\d+)\"");

  private Path dir;
  private Path tree;
  private String db;
  private String key;
  private Path syslogSock;
  private Path journalSock;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "fim watch's fanotify backend needs root");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-outputs-");
    tree = Files.createDirectory(dir.resolve("tree"));
    Files.writeString(tree.resolve("f"), "one\n");
    db = dir.resolve("db").toString();
    key = dir.resolve("key").toString();
    syslogSock = dir.resolve("log.sock");
    journalSock = dir.resolve("journal.sock");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : started) {
      ChildFim.stop(p, DEADLINE_MS);
    }
    if (dir != null) {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }

  /** Datagrams received on a socket, collected by a thread of their own. */
  private static final class Collector implements AutoCloseable {
    final List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
    private final UnixDatagram.Receiver r;
    private final Thread t;
    private volatile boolean done;

    Collector(Path sock) throws IOException {
      r = new UnixDatagram.Receiver(sock.toString(), 1);
      r.receiveBuffer(1 << 20);
      t =
          new Thread(
              () -> {
                try {
                  while (!done) {
                    byte[] d = r.receiveBytes();
                    if (d != null) {
                      got.add(d);
                    }
                  }
                } catch (IOException e) {
                  // closed
                }
              });
      t.setDaemon(true);
      t.start();
    }

    /** The RFC 5424 messages (the evidence anchor's BSD-style lines share the socket). */
    List<String> rfc5424() {
      List<String> out = new ArrayList<>();
      synchronized (got) {
        for (byte[] d : got) {
          String s = new String(d, StandardCharsets.UTF_8);
          if (s.matches("(?s)<\\d+>1 .*")) {
            out.add(s);
          }
        }
      }
      return out;
    }

    List<Long> sequences() {
      List<Long> out = new ArrayList<>();
      for (String m : rfc5424()) {
        Matcher x = SEQUENCE.matcher(m);
        assertTrue(x.find(), m);
        out.add(Long.parseLong(x.group(1)));
      }
      return out;
    }

    String await(String text) throws Exception {
      long end = System.currentTimeMillis() + DEADLINE_MS;
      while (System.currentTimeMillis() < end) {
        synchronized (got) {
          for (byte[] d : got) {
            String s = new String(d, StandardCharsets.UTF_8);
            if (s.contains(text)) {
              return s;
            }
          }
        }
        TimeUnit.MILLISECONDS.sleep(20); // polling with a deadline: the socket is the signal
      }
      fail("no datagram containing " + text + "; got " + rfc5424());
      return null;
    }

    @Override
    public void close() throws Exception {
      done = true;
      t.join();
      r.close();
    }
  }

  private Process watch(Path stderr, String... outputs) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            ChildFim.command("watch", "--db", db, "--key", key, "--attribution", "proc"));
    for (String o : outputs) {
      cmd.add("--output");
      cmd.add(o);
    }
    cmd.add(tree.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(stderr.toFile());
    pb.environment().put("FIM_SYSLOG_SOCKET", syslogSock.toString());
    pb.environment().put("FIM_JOURNAL_SOCKET", journalSock.toString());
    Process p = pb.start();
    started.add(p);
    awaitFile(stderr, "fim watch: rec", p); // "recorded N paths" or "reconciled: …"
    return p;
  }

  private static void awaitFile(Path file, String text, Process p) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      if (p != null && !p.isAlive()) {
        fail("fim exited " + p.exitValue() + " before " + text + ": " + Files.readString(file));
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file with a deadline
    }
    fail("no " + text + " in " + file + ": " + Files.readString(file));
  }

  private static void stop(Process p) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
    assertTrue(p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "fim watch did not stop");
    assertEquals(0, p.exitValue());
  }

  private void sh(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(tree.toFile()).inheritIO().start();
    assertEquals(0, p.waitFor());
  }

  private List<ChangeEvent> stored() throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    try (Store store = Store.open(Path.of(db), Store.OpenMode.READ_ONLY)) {
      new EventLog(store).forEach(0, Long.MAX_VALUE, events::add);
    }
    events.sort(java.util.Comparator.comparingLong(ChangeEvent::sequence));
    return events;
  }

  private Fim.Run fim(String... args) throws Exception {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      a[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return Fim.process(
        Map.of(
            "FIM_SYSLOG_SOCKET",
            syslogSock.toString(),
            "FIM_JOURNAL_SOCKET",
            journalSock.toString()),
        a);
  }

  /** One change reaches syslog (RFC 5424), the journal (native fields) and a file, all at once. */
  @Test
  void oneWatchFeedsSyslogTheJournalAndAFile() throws Exception {
    Path file = dir.resolve("events.json");
    try (Collector syslog = new Collector(syslogSock);
        Collector journal = new Collector(journalSock)) {
      Process w = watch(dir.resolve("err"), "syslog:local3", "journal", "file:" + file);
      sh("echo two >> f");
      String path = tree.resolve("f").toString();
      String s = syslog.await("path=\"" + path + "\"");
      assertTrue(
          s.matches(
              "<156>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z \\S+ fim "
                  + w.pid()
                  + " updated \\[fim@32473 action=\"updated\" sequence=\"\\d+\" path=\""
                  + Pattern.quote(path)
                  + "\" .*\\] \\{\"@timestamp\":.*\\}"),
          s);
      String j = journal.await("FIM_PATH=" + path + "\n");
      assertTrue(j.contains("\nPRIORITY=4\n"), j);
      assertTrue(j.contains("\nSYSLOG_IDENTIFIER=fim\n"), j);
      assertTrue(j.contains("\nFIM_ACTION=updated\n"), j);
      assertTrue(j.contains("\nFIM_EVENT={\"@timestamp\":"), j);
      awaitFile(file, "\"path\":\"" + path + "\"", w);
      stop(w);
    }
  }

  /**
   * Watch with a syslog output; stop; a check records its findings while no watch runs; the restart
   * sends those findings first, then what the restart's reconcile found: every stored event since
   * the output was configured arrives exactly once, in sequence order. A check with --output syslog
   * then sends its own finding through the same cursor, once.
   */
  @Test
  void aRestartResendsWhatWasRecordedWhileTheWatchWasDownExactlyOnce() throws Exception {
    assertEquals(0, fim("init", "--db", db, "--key", key, tree.toString()).exit());
    try (Collector syslog = new Collector(syslogSock)) {
      Process w = watch(dir.resolve("err1"), "syslog");
      long before = stored().size(); // the output starts after these
      sh("echo two >> f");
      syslog.await("path=\"" + tree.resolve("f") + "\"");
      stop(w);

      sh("echo new > g"); // recorded by the check below while no watch runs
      Fim.Run check = fim("check", "--db", db, "--key", key, tree.toString());
      assertEquals(ExitCodes.ADDED | ExitCodes.CHANGED, check.exit(), check.toString());
      List<ChangeEvent> afterCheck = stored();
      long checkSeq =
          afterCheck.stream()
              .filter(e -> "check".equals(e.origin().label()))
              .mapToLong(ChangeEvent::sequence)
              .max()
              .orElseThrow();

      sh("echo three >> f");
      Process w2 = watch(dir.resolve("err2"), "syslog");
      syslog.await("sequence=\"" + checkSeq + "\"");
      sh("chmod 600 f");
      long lastWatch = waitForStoredAction("attributes_modified");
      syslog.await("sequence=\"" + lastWatch + "\"");
      stop(w2);

      Fim.Run check2 =
          fim("check", "--db", db, "--key", key, "--output", "syslog", tree.toString());
      assertTrue(check2.exit() < 16, check2.toString());
      List<ChangeEvent> all = stored();
      long last = all.get(all.size() - 1).sequence();
      syslog.await("sequence=\"" + last + "\"");

      List<Long> expected = new ArrayList<>();
      for (ChangeEvent e : all) {
        if (e.sequence() > before) {
          expected.add(e.sequence());
        }
      }
      assertEquals(expected, syslog.sequences(), "every event since the output began, once");
    }
  }

  private long waitForStoredAction(String action) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < end) {
      try {
        for (ChangeEvent e : stored()) {
          if (e.action().label().equals(action)) {
            return e.sequence();
          }
        }
      } catch (dev.fim.store.StoreException e) {
        // read beside the writer: retry
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the store with a deadline
    }
    fail("no " + action + " event stored");
    return -1;
  }

  @Test
  void badOutputsAreUsageErrors() throws Exception {
    Fim.Run facility = Fim.run("watch", "--db", db, "--output", "syslog:local9", tree.toString());
    assertEquals(ExitCodes.USAGE, facility.exit(), facility.toString());
    assertTrue(facility.err().contains("unknown syslog facility \"local9\""), facility.err());
    Fim.Run twice =
        Fim.run("watch", "--db", db, "-o", "journal", "--output", "journal", tree.toString());
    assertEquals(ExitCodes.USAGE, twice.exit(), twice.toString());
    assertTrue(twice.err().contains("--output journal is given twice"), twice.err());
    assertEquals(0, Fim.run("init", "--db", db, "--key", key, tree.toString()).exit());
    Fim.Run stdout =
        Fim.run("check", "--db", db, "--key", key, "--output", "stdout", tree.toString());
    assertEquals(ExitCodes.USAGE, stdout.exit(), stdout.toString());
    assertTrue(stdout.err().contains("the report goes to standard output"), stdout.err());
  }
}
