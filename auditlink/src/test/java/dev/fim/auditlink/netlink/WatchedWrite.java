package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The steps the receive tests share: watch a directory for writes (b64 and b32 rules with a test
 * key, added through {@link AuditState} so they are removed afterwards), write a file in it from a
 * real child process whose login uid is 1001, and wait for the reassembled event.
 */
final class WatchedWrite {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private WatchedWrite() {}

  /** {@code -a always,exit -F arch=bXX -F dir=DIR -F perm=wa -F key=KEY} for both arches. */
  static void watchDirectory(AuditState state, Path dir, String key) throws Exception {
    RuleCompiler compiler = new RuleCompiler(RuleSettings.host());
    for (String arch : List.of("b64", "b32")) {
      assertTrue(
          state.addRule(
              compiler
                  .compile(
                      "-a always,exit -F arch="
                          + arch
                          + " -F dir="
                          + dir
                          + " -F perm=wa -F key="
                          + key)
                  .bytes()));
    }
  }

  /**
   * Writes {@code file} from python3 in a child that set its loginuid to 1001 first (as a login
   * would).
   */
  static void writeAsLoginUid1001(Path file) throws Exception {
    Process child =
        new ProcessBuilder(
                "bash",
                "-c",
                "echo 1001 > /proc/self/loginuid && exec "
                    + PYTHON
                    + " -c 'open(\""
                    + file
                    + "\",\"w\").write(\"x\")'")
            .redirectErrorStream(true)
            .start();
    String childOut = new String(child.getInputStream().readAllBytes());
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child finished");
    assertEquals(0, child.exitValue(), childOut);
  }

  /**
   * The first delivered event whose SYSCALL record carries {@code key}, within 30 s; null if none.
   */
  static List<AuditRecord> awaitEvent(BlockingQueue<List<AuditRecord>> events, String key)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<AuditRecord> e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e != null
          && e.stream()
              .anyMatch(r -> r.type() == RecordType.SYSCALL && key.equals(r.field("key")))) {
        return e;
      }
    }
    return null;
  }
}
