package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Column;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 6: interrupting a re-init destroyed the last good baseline (SIGTERM: exit 143,
 * no message, and the next check said "interrupted … run fim init again"). The new baseline is now
 * built and sealed beside the old one and switched to only then; a stop request exits 21 with a
 * message. A first init (issue 18) writes straight into the baseline, which only its seal makes
 * one: stopped or killed before, it leaves nothing a check accepts.
 */
class ReinitInterruptTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;

  @BeforeEach
  void tree() throws Exception {
    tree = Files.createDirectories(tmp.resolve("tree"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(tree.resolve("f" + i), "file " + i + "\n");
    }
    db = tmp.resolve("db");
    key = tmp.resolve("seal.key");
    conf = tmp.resolve("fim.conf");
    // SHA-256, so that the big file below takes seconds to hash
    Files.writeString(conf, "ALL = p+ftype+i+n+u+g+s+m+c+l+sha256\n" + tree + " ALL\n");
    Fim.Run init = Fim.on(db, key, conf, "init");
    assertEquals(0, init.exit(), init.toString());
  }

  /** A real fim JVM (fim's main on the test class path), its output to files. */
  private Process startFim(String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            ChildFim.command(
                args[0], "--db", db.toString(), "--key", key.toString(), "-c", conf.toString()));
    cmd.addAll(List.of(args).subList(1, args.length));
    return new ProcessBuilder(cmd)
        .redirectOutput(tmp.resolve("out").toFile())
        .redirectError(tmp.resolve("err").toFile())
        .start();
  }

  /**
   * Polls the child's open files until it has {@code file} open (its scan reached it), for at most
   * a minute.
   */
  private void awaitOpen(Process p, Path file) throws Exception {
    Path fds = Path.of("/proc", Long.toString(p.pid()), "fd");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertTrue(p.isAlive(), () -> "fim ended before its scan reached " + file + ": " + err());
      try (Stream<Path> s = Files.list(fds)) {
        if (s.anyMatch(
            fd -> {
              try {
                return Files.readSymbolicLink(fd).equals(file);
              } catch (Exception gone) {
                return false; // closed meanwhile
              }
            })) {
          return;
        }
      } catch (java.nio.file.NoSuchFileException exited) {
        // the loop's next turn says so
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("fim's scan did not reach " + file + " in 60 s");
  }

  private String err() {
    try {
      return Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  private void stopMidScan(String command) throws Exception {
    stopMidScan(command, false);
  }

  /** Stops fim in the middle of its scan: with SIGTERM, or with SIGKILL (as a crash would). */
  private void stopMidScan(String command, boolean kill) throws Exception {
    // A 1 GiB sparse file costs no disk and takes SHA-256 a second or more: the scan is surely in
    // it when stopped (which ends it after that file).
    Path big = tree.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(1L << 30);
    }
    Process p = startFim(command);
    awaitOpen(p, big);
    if (kill) {
      p.destroyForcibly();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fim killed");
      assertEquals(128 + 9, p.exitValue(), err());
    } else {
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fim stopped");
      assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), err());
      assertTrue(
          err().contains("fim: " + command + " stopped by SIGTERM before it finished"), err());
      assertTrue(!err().contains("Exception"), "no stack trace: " + err());
    }
    Files.delete(big);
  }

  @Test
  void sigtermDuringAReinitKeepsTheLastGoodBaseline() throws Exception {
    Files.writeString(tree.resolve("f1"), "changed after the first baseline\n");
    stopMidScan("init");
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertEquals(
        ExitCodes.CHANGED, check.exit(), "the old baseline, sealed, finds the change: " + check);
    assertTrue(check.out().contains(tree.resolve("f1").toString()), check.toString());
  }

  /**
   * A first init (no sealed baseline yet) writes its records straight into the baseline; the seal
   * at the end is what makes them a baseline. Stopped before, it leaves records without a seal:
   * check refuses them, naming the interrupted init, and the next init starts over.
   */
  @Test
  void sigtermDuringAFirstInitLeavesUnsealedRecordsThatCheckRefuses() throws Exception {
    db = tmp.resolve("first-db");
    stopMidScan("init");
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      assertTrue(s.hasAny(Column.BASELINE), "records were written before the stop");
      assertEquals(null, s.getMeta("seal"), "but not sealed");
    }
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertEquals(ExitCodes.SEAL, check.exit(), check.toString());
    assertTrue(check.err().contains("was interrupted while writing the baseline"), check.err());
    assertEquals(0, Fim.on(db, key, conf, "init").exit(), "a new init starts over");
    Fim.Run again = Fim.on(db, key, conf, "check");
    assertEquals(0, again.exit(), again.toString());
  }

  /**
   * Killed (no chance to close the database: records not yet flushed are lost, as after a power
   * cut), a first init leaves nothing that passes for a baseline either.
   */
  @Test
  void sigkillDuringAFirstInitLeavesNoBaselineThatCheckAccepts() throws Exception {
    db = tmp.resolve("first-db");
    stopMidScan("init", true);
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertTrue(
        check.exit() == ExitCodes.SEAL || check.exit() == ExitCodes.DATABASE, check.toString());
    assertTrue(check.err().contains("interrupted"), "names the interrupted init: " + check.err());
    assertEquals(0, Fim.on(db, key, conf, "init").exit(), "a new init starts over");
    Fim.Run again = Fim.on(db, key, conf, "check");
    assertEquals(0, again.exit(), again.toString());
  }

  @Test
  void sigtermDuringAnUpdateKeepsTheLastGoodBaseline() throws Exception {
    Files.writeString(tree.resolve("f1"), "changed after the first baseline\n");
    stopMidScan("update");
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
  }

  /**
   * What a fim killed (SIGKILL, power loss) in the middle of the switch leaves: the new baseline
   * complete and sealed in {@code scan}, its seal committed with state "switching", the baseline
   * column half copied. The next command finishes the switch after verifying the waiting baseline;
   * a waiting baseline altered meanwhile is refused.
   */
  private void leaveAHalfDoneSwitch(boolean tamper) throws Exception {
    try (Store s = Store.open(db, Store.OpenMode.EXISTING)) {
      s.replaceAll(Column.BASELINE, Column.SCAN);
      if (tamper) {
        try (RecordWriter w = s.newWriter(Column.SCAN)) {
          w.delete(PathBytes.ofUtf8(tree.resolve("f2").toString()));
        }
      }
      Map<String, byte[]> m = new HashMap<>();
      m.put("next_seal", s.getMeta("seal"));
      m.put("next_config_digest", s.getMeta("config_digest"));
      m.put("next_baseline_scan_start", s.getMeta("baseline_scan_start"));
      m.put("next_baseline_time", s.getMeta("baseline_time"));
      m.put("baseline_state", "switching".getBytes(StandardCharsets.US_ASCII));
      m.put("seal", null);
      s.putMetaAtomically(m);
      s.clear(Column.BASELINE); // killed right after the copy began
      s.flush();
    }
  }

  @Test
  void aSwitchCutShortIsFinishedByTheNextCommand() throws Exception {
    leaveAHalfDoneSwitch(false);
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertEquals(0, check.exit(), check.toString());
    assertEquals(0, Fim.on(db, key, conf, "check").exit());
  }

  @Test
  void aSwitchCutShortWithAnAlteredWaitingBaselineIsRefused() throws Exception {
    leaveAHalfDoneSwitch(true);
    Fim.Run check = Fim.on(db, key, conf, "check");
    assertEquals(ExitCodes.SEAL, check.exit(), check.toString());
    assertTrue(check.err().contains("killed while it replaced the baseline"), check.err());
    Fim.Run scoped = Fim.on(db, key, conf, "init", tree.resolve("f1").toString());
    assertEquals(ExitCodes.SEAL, scoped.exit(), "a scoped init cannot repair it: " + scoped);
    assertEquals(0, Fim.on(db, key, conf, "init").exit(), "a whole init does");
    assertEquals(0, Fim.on(db, key, conf, "check").exit());
  }
}
