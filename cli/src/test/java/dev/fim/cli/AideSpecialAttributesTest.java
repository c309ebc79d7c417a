package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 14: AIDE 0.18's ANF, ARF and growing through {@code fim init} / {@code fim check} on real
 * files (gen_list.c compare_node: a new entry under ANF and a removed one recorded under ARF are
 * not reported; Debian's stock config uses them for rotated logs). Before, fim warned and ignored
 * ANF and ARF (every new and removed file was reported) and read growing as S (an appended ActLog
 * reported mtime, ctime and content).
 */
class AideSpecialAttributesTest {
  @TempDir Path tmp;

  private Fim.Run fim(EtcTree t, String... args) {
    return Fim.on(t.db(), t.key(), t.conf(), args);
  }

  @Test
  void newFilesUnderAnfAndRemovedFilesUnderArfAreNotReported() throws Exception {
    Path base = tmp.resolve("tree");
    String rules =
        "Full = p+ftype+i+n+u+g+s+m+c+sha256\n"
            + base
            + "/spool/new[^/]*$ f Full+ANF\n"
            + base
            + "/spool/old[^/]*$ f Full+ARF\n";
    EtcTree t = EtcTree.in(tmp, rules);
    Path spool = Files.createDirectories(t.tree().resolve("spool"));
    Files.writeString(spool.resolve("old1"), "o");
    Files.writeString(spool.resolve("new0"), "n");
    assertEquals(0, fim(t, "init").exit());
    Files.writeString(spool.resolve("new1"), "allowed new"); // ANF: not reported
    Files.delete(spool.resolve("old1")); // ARF: not reported
    Files.writeString(spool.resolve("old2"), "new, but its rule has ARF only"); // reported
    Files.delete(spool.resolve("new0")); // removed, its rule has ANF only: reported
    Fim.Run check = fim(t, "check", "--format", "json");
    String out = check.out();
    assertFalse(out.contains("spool/new1\""), out);
    assertFalse(out.contains("spool/old1\""), out);
    assertTrue(out.contains("spool/old2\""), out);
    assertTrue(out.contains("spool/new0\""), out);
    assertEquals(
        ExitCodes.ADDED | ExitCodes.REMOVED | ExitCodes.CHANGED, check.exit(), check.toString());
  }

  @Test
  void appendedLogUnderFullPlusGrowingIsNoChangeAndARewrittenOneIs() throws Exception {
    Path base = tmp.resolve("tree");
    EtcTree t =
        EtcTree.in(
            tmp,
            "Full = p+ftype+i+n+u+g+s+m+c+sha256\n"
                + base
                + "/log/[^/]*\\.log$ f Full+growing\n"
                + base
                + "/log$ d p\n"); // the directory's mtime is not what this test is about
    Path log = Files.createDirectories(t.tree().resolve("log"));
    Files.writeString(log.resolve("a.log"), "line 1\n");
    Files.writeString(log.resolve("b.log"), "line 1\n");
    Files.setLastModifiedTime(log.resolve("a.log"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertEquals(0, fim(t, "init").exit());
    Files.writeString(log.resolve("a.log"), "line 2\n", StandardOpenOption.APPEND);
    try (var ch =
        java.nio.channels.FileChannel.open(log.resolve("b.log"), StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap("LINE 1\nline 2\n".getBytes()), 0); // rewritten, grown
    }
    Fim.Run check = fim(t, "check", "--format", "json");
    String out = check.out();
    assertFalse(out.contains("a.log\""), out);
    assertTrue(out.contains("b.log\""), out);
    assertEquals(ExitCodes.CHANGED, check.exit(), check.toString());
  }

  /**
   * A rule aide can never reach ({@code /usr|/opt}: a regex alternation, filed under the node
   * {@code /usr|}) or one for a directory that does not exist: aide walks from / and never matches
   * it, silently. fim walked its node as a root and reported it missing (exit 8).
   */
  @Test
  void ruleWhoseDirectoryDoesNotExistIsNoProblem() throws Exception {
    // Outside the temp directory (whose rule would make it the one walk root): the nodes
    // /fim-h14-nope| and /fim-h14-absent, which do not exist (nothing is created there).
    assertFalse(
        Files.exists(Path.of("/fim-h14-nope|")) || Files.exists(Path.of("/fim-h14-absent")));
    EtcTree t = EtcTree.in(tmp, "/fim-h14-nope|/etc R\n/fim-h14-absent/x R\n");
    Fim.Run init = fim(t, "init");
    assertEquals(0, init.exit(), init.toString());
    assertFalse(init.err().contains("of a scan root"), init.err());
    Fim.Run check = fim(t, "check");
    assertEquals(0, check.exit(), check.toString());
    assertTrue(check.out().contains("0 problems"), check.out());
  }

  /**
   * What aide reads silently and fim handles its own way gives no warning on init/check, only one
   * line counting the notes (before, each was a "fim: warning:" line).
   */
  @Test
  void aideSettingsFimHandlesItsOwnWayAreOneNoteLine() throws Exception {
    Path base = tmp.resolve("tree");
    EtcTree t =
        EtcTree.in(
            tmp,
            "database_in=file:/var/lib/aide/aide.db\nreport_url=stdout\n"
                + base
                + "/etc/hosts$ f p+u+I+compressed@@{UNDEFINED}\n");
    Fim.Run init = fim(t, "init");
    assertEquals(0, init.exit(), init.toString());
    assertFalse(init.err().contains("warning"), init.err());
    assertEquals(
        1,
        init.err()
            .lines()
            .filter(l -> l.startsWith("fim: note: ") && l.contains("AIDE setting"))
            .count(),
        init.err());
    assertTrue(init.err().contains("fim: note: 5 AIDE settings"), init.err());
  }
}
