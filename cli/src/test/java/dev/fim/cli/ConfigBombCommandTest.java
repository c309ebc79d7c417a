package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config bombs through the real CLI ({@code fim init}, in-process, real files and RocksDB): each is
 * exit 17 with {@code file:line: reason} and no stack trace, or (a regex RE2 matches in linear
 * time) a normal baseline. Tests that filled the heap or ran for minutes before have a timeout in a
 * separate thread, so they fail instead of hanging.
 */
class ConfigBombCommandTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;

  @BeforeEach
  void tree() throws Exception {
    tree = Files.createDirectories(tmp.resolve("tree"));
    db = tmp.resolve("db");
    key = tmp.resolve("seal.key");
    conf = tmp.resolve("fim.conf");
  }

  private Fim.Run init(String config) throws Exception {
    Files.writeString(conf, config);
    return Fim.on(db, key, conf, "init");
  }

  private void assertConfigError(Fim.Run run, int line, String reason) {
    assertEquals(ExitCodes.CONFIG, run.exit(), run.toString());
    assertTrue(run.err().contains(conf + ":" + line + ": " + reason), run.err());
    assertFalse(
        run.err().contains("\tat ")
            || run.err().contains("Exception")
            || run.err().contains("Error:"),
        run.err());
    assertTrue(run.err().length() < 2000, "stderr of " + run.err().length() + " chars");
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void doublingDefineChain() throws Exception {
    StringBuilder sb = new StringBuilder("@@define A0 x\n");
    for (int i = 1; i <= 40; i++) {
      sb.append("@@define A")
          .append(i)
          .append(" @@{A")
          .append(i - 1)
          .append("}@@{A")
          .append(i - 1)
          .append("}\n");
    }
    sb.append(tree).append("/@@{A40} R\n");
    // before: OutOfMemoryError, a stack trace and exit 22
    assertConfigError(
        init(sb.toString()), 18, "line is longer than 65536 bytes after @@{VAR} substitution");
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void hugeRegexes() throws Exception {
    // before: the 5 MB regex never finished compiling
    assertConfigError(
        init(tree + "/" + "(a|b)".repeat(1_000_000) + " R\n"),
        1,
        "config is larger than 4194304 bytes");
    assertConfigError(
        init("# line 1\n" + tree + "/" + "(a|b)".repeat(20_000) + " R\n"), 2, "line is ");
    assertConfigError(
        init("# line 1\n" + tree + "/" + "(a|b)".repeat(1000) + " R\n"), 2, "regex is ");
    assertConfigError(init(tree + "/((a{1000}){1000}){1000} R\n"), 1, "regex too large");
  }

  @Test
  void pcreOnlyConstructIsAConfigErrorNotADifferentMeaning() throws Exception {
    assertConfigError(
        init("ALL = p+u\n" + tree + "/(a)\\1 ALL\n"), 2, "backreference \\1 is not supported");
    assertConfigError(init("!" + tree + "/(?!keep)\n"), 1, "lookahead (?!…) is not supported");
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void backtrackingBombSelectsCorrectlyInLinearTime() throws Exception {
    // before: ~41 s per select() of each 31-byte name with java.util.regex, so minutes here
    for (String end : new String[] {"!", "?", "#", "%"}) {
      Files.writeString(tree.resolve("a".repeat(30) + end), "no\n");
    }
    Files.writeString(tree.resolve("a".repeat(30)), "yes\n");
    Files.writeString(tree.resolve("b".repeat(30)), "no\n");
    Fim.Run run = init(tree + "/(.*a){25}$ R\n");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("baseline of 1 files"), run.out());
  }
}
