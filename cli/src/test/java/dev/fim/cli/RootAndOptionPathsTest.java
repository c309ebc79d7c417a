package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 11: a root that is a symlink is said (it is baselined as the link alone, as AIDE
 * does), and a FILE option the locale cannot name is a clear usage error naming the option, never
 * an InvalidPathException's text nor a silently different file. Real CLI, real files; the locale
 * cases in a real child JVM.
 */
class RootAndOptionPathsTest {
  @TempDir Path tmp;

  @Test
  void aSymlinkRootIsRecordedAsTheLinkWithAWarningNamingItsTarget() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    Path real = Files.createDirectories(tmp.resolve("real"));
    Files.writeString(real.resolve("f"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("real"));
    Fim.Run init = Fim.on(t.db(), t.key(), t.conf(), "init", link.toString());
    assertEquals(0, init.exit(), init.toString());
    String warning =
        "fim: warning: root "
            + link
            + " is a symlink to real: recorded as the link itself, not followed";
    assertTrue(init.err().contains(warning), init.toString());
    assertTrue(
        init.out().contains("baseline of 1 files and 0 directories"), "the link alone: " + init);
    Fim.Run check = Fim.on(t.db(), t.key(), t.conf(), "check", link.toString());
    assertEquals(0, check.exit(), check.toString());
    assertTrue(check.err().contains(warning), check.toString());
  }

  /**
   * As the default config's /bin -> usr/bin beside /usr: the target is checked as another root,
   * nothing to say.
   */
  @Test
  void aSymlinkRootIntoAnotherRootIsNotWarnedAbout() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    Files.createDirectories(tmp.resolve("usr/bin"));
    Path link = Files.createSymbolicLink(tmp.resolve("bin"), Path.of("usr/bin"));
    Fim.Run init =
        Fim.on(t.db(), t.key(), t.conf(), "init", link.toString(), tmp.resolve("usr").toString());
    assertEquals(0, init.exit(), init.toString());
    assertFalse(init.err().contains("symlink"), init.toString());
  }

  /**
   * cron's LC_ALL=C: Java cannot name a non-ASCII file; the option is refused by name, with the
   * exact bytes.
   */
  @Test
  void nonAsciiFileOptionsUnderLcAllCAreAUsageErrorNamingTheOption() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    Map<String, String> c = Map.of("LC_ALL", "C", "LANG", "C");
    byte[] e = "\u00e9".getBytes(StandardCharsets.UTF_8);
    Fim.Run db =
        Fim.process(
            c,
            b("init"),
            b("--db"),
            cat(b(tmp + "/db"), e),
            b("--key"),
            b(t.key().toString()),
            b("-c"),
            b(t.conf().toString()));
    assertRefused(db, "--db", tmp + "/db\\xc3\\xa9");
    Fim.Run key =
        Fim.process(
            c,
            b("init"),
            b("--db"),
            b(t.db().toString()),
            b("--key"),
            cat(b(tmp + "/key"), e),
            b("-c"),
            b(t.conf().toString()));
    assertRefused(key, "--key", tmp + "/key\\xc3\\xa9");
    Fim.Run out =
        Fim.process(
            c,
            b("report"),
            b("--db"),
            b(t.db().toString()),
            b("--key"),
            b(t.key().toString()),
            b("--output"),
            cat(b(tmp + "/r"), e, b(".html")));
    assertRefused(out, "--output", tmp + "/r\\xc3\\xa9.html");
    Fim.Run report =
        Fim.process(
            c,
            b("check"),
            b("--db"),
            b(t.db().toString()),
            b("--key"),
            b(t.key().toString()),
            b("-c"),
            b(t.conf().toString()),
            cat(b("--report="), b(tmp + "/r"), e));
    assertRefused(report, "--report", tmp + "/r\\xc3\\xa9");
  }

  /**
   * Under a UTF-8 locale a path that is not UTF-8 decodes to U+FFFD, which Java would write back as
   * EF BF BD: fim used a database at another path than the one given. Now refused, and nothing is
   * created anywhere.
   */
  @Test
  void aFileOptionThatIsNotUtf8UnderAUtf8LocaleIsRefusedNotReplaced() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    Fim.Run db =
        Fim.process(
            Map.of("LC_ALL", "C.UTF-8"),
            b("init"),
            b("--db"),
            cat(b(tmp + "/db"), new byte[] {(byte) 0xff}),
            b("--key"),
            b(t.key().toString()),
            b("-c"),
            b(t.conf().toString()));
    assertRefused(db, "--db", tmp + "/db\\xff");
    try (var s = Files.list(tmp)) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().startsWith("db")),
          "no database created under another name");
    }
  }

  private static void assertRefused(Fim.Run r, String option, String shown) {
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(
        r.err()
            .startsWith(
                "Invalid value for option '"
                    + option
                    + "': '"
                    + shown
                    + "' cannot be opened under this"
                    + " locale"),
        r.toString());
    assertFalse(r.err().contains("InvalidPathException"), r.toString());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] cat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
