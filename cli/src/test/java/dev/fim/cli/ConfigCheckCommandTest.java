package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.baseline.AttributeSet;
import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 14: {@code fim config check} explains which rule governs a path, and the explanation is
 * what init records.
 */
class ConfigCheckCommandTest {
  @TempDir Path tmp;

  /**
   * On a tree with overlapping rules (a deeper node beating an earlier line, an equals line, a
   * type-restricted negative, an unrestricted negative of a directory, a negative of a parent
   * directory), every path the command calls selected is in the baseline {@code fim init} then
   * writes, with the stated attributes, and every path it calls not selected is absent.
   */
  @Test
  void theAnswerForEachPathIsWhatInitRecords() throws Exception {
    Path top = Files.createDirectory(tmp.resolve("tmp.x3")); // a dot in the path, as in the issue
    Path t = Files.createDirectory(top.resolve("tree"));
    for (String d :
        List.of("d01", "d02", "d02/sub", "d02/skip", "d03", "d04", "d04/in", "eq", "eq/deep")) {
      Files.createDirectories(t.resolve(d));
    }
    for (String f :
        List.of(
            "a.txt",
            "d01/a.txt",
            "d01/b.log",
            "d02/a.txt",
            "d02/b.log",
            "d02/sub/c.txt",
            "d02/skip/x.txt",
            "d03/keep",
            "d03/junk.tmp",
            "d04/f",
            "d04/in/g",
            "eq/e1",
            "eq/deep/e2")) {
      Files.writeString(t.resolve(f), f);
    }
    String T = t.toString();
    Path conf = tmp.resolve("fim.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "NORMAL = p+u+g+s+m+sha256",
            "LOG = p+u+g",
            T + " NORMAL",
            T + "/d02/.*\\.txt$ LOG",
            "!" + T + "/d02/skip$",
            "=" + T + "/eq/ p+s",
            "!" + T + "/eq/deep",
            "!" + T + "/d03/.*\\.tmp$ f",
            T + "/d03 d p",
            "!" + T + "/d04$",
            ""));
    List<String> paths = new ArrayList<>();
    try (Stream<Path> s = Files.walk(top)) {
      s.forEach(p -> paths.add(p.toString()));
    }
    paths.add(T + "/d02/new.txt"); // not there yet: judged as a file
    String look =
        T.replace("/tmp.x3/", "/tmpAx3/")
            + "/d02/a.txt"; // the regexes' '.' matches 'A'; their nodes do not
    paths.add(look);
    List<String> args = new ArrayList<>(List.of("config", "check", "-c", conf.toString()));
    args.addAll(paths);
    Fim.Run r = Fim.run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    Map<String, String> answers = parse(r.out());
    assertEquals(paths.size(), answers.size(), r.out());

    // The explanations name the lines that decide.
    assertTrue(
        r.out()
            .contains(
                T
                    + "/d02/a.txt (file): selected\n  rule:  "
                    + conf
                    + ":4: "
                    + T
                    + "/d02/.*\\.txt$ LOG\n"
                    + "  node:  "
                    + T
                    + "/d02   (selective rule, first match on the way up)"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                T
                    + "/d02/skip/x.txt (file): not selected\n  rule:  "
                    + conf
                    + ":4: "
                    + T
                    + "/d02/.*\\.txt$ LOG\n"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "  excluded by: "
                    + conf
                    + ":5: !"
                    + T
                    + "/d02/skip$   (matches its parent directory "
                    + T
                    + "/d02/skip)"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                T
                    + "/eq/e1 (file): selected\n  rule:  "
                    + conf
                    + ":6: ="
                    + T
                    + "/eq/ p+s\n"
                    + "  node:  "
                    + T
                    + "/eq   (equals rule of its parent directory)"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "  node:  "
                    + T
                    + "/d02   (selective rule, first match on the way up)\n  also:  "
                    + conf
                    + ":3: "
                    + T
                    + " NORMAL   (tried after the selecting line: a deeper node's, or earlier in the same node)\n"),
        r.out());
    assertTrue(
        r.out().contains(look + " (file, does not exist): not selected\n  rule:  none: "), r.out());
    assertTrue(
        r.out()
            .contains(
                "  also:  "
                    + conf
                    + ":4: "
                    + T
                    + "/d02/.*\\.txt$ LOG   (never tried: its node is not a "
                    + "directory on the path's way up to /)"),
        r.out());
    assertTrue(r.out().contains(T + "/d03/junk.tmp (file): not selected"), r.out());
    assertTrue(r.out().contains(T + "/d04/in/g (file): not selected"), r.out());
    assertTrue(r.out().contains(T + "/d02/new.txt (file, does not exist): selected"), r.out());

    Path db = tmp.resolve("db");
    Path key = tmp.resolve("db.key");
    Fim.Run init = Fim.on(db, key, conf, "init");
    assertEquals(0, init.exit(), init.toString());
    Files.writeString(
        t.resolve("d02/new.txt"), "late"); // made after init: absent from the baseline
    int selected = 0;
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      for (Map.Entry<String, String> a : answers.entrySet()) {
        FileRecord rec = s.getRecord(Column.BASELINE, PathBytes.ofUtf8(a.getKey()));
        if (a.getKey().endsWith("/new.txt")) {
          continue;
        }
        if (a.getValue() == null) {
          assertEquals(
              null, rec, a.getKey() + " is said not selected but init recorded it\n" + r.out());
        } else {
          selected++;
          assertTrue(
              rec != null, a.getKey() + " is said selected but init did not record it\n" + r.out());
          assertEquals(a.getValue(), AttributeSet.ofBits(rec.selected()).toString(), a.getKey());
        }
      }
    }
    assertTrue(
        selected >= 10 && selected < paths.size() - 3,
        "both kinds of answer are tested: " + answers);
  }

  /** {@code path -> attributes} for the selected ones, {@code path -> null} for the others. */
  private static Map<String, String> parse(String out) {
    Map<String, String> m = new LinkedHashMap<>();
    String current = null;
    for (String line : out.split("\n")) {
      if (!line.startsWith(" ") && line.contains(" (")) {
        current = line.substring(0, line.indexOf(" ("));
        m.put(current, null);
      } else if (line.startsWith("  attrs: ")) {
        m.put(current, line.substring("  attrs: ".length()));
      }
    }
    return m;
  }

  @Test
  void withoutPathsASummaryAndJsonOnRequest() throws Exception {
    Path conf = tmp.resolve("fim.conf");
    Files.writeString(
        conf, "/srv/a R\n/srv/b/c$ f p\n!/srv/a/tmp\nverbose=5\ndatabase_out=file:/x\n");
    Fim.Run r = Fim.run("config", "check", "-c", conf.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("warning: " + conf + ":4: AIDE option verbose"), r.out());
    assertTrue(
        r.out().contains("rules: 3 (2 selective, 0 equals, 1 negative, 0 non-recursive negative)"),
        r.out());
    assertTrue(r.out().contains("roots walked: /srv\n"), r.out());
    assertTrue(r.out().contains("warnings: 1\n"), r.out());
    // aide accepts database_out silently and rejects verbose: a note and a warning
    assertTrue(r.out().contains("note: " + conf + ":5: AIDE option database_out"), r.out());
    assertTrue(r.out().contains("notes: 1\n"), r.out());
    Fim.Run j =
        Fim.run("config", "check", "--format", "json", "-c", conf.toString(), "/srv/a/tmp/x");
    assertEquals(0, j.exit(), j.toString());
    assertTrue(j.out().contains("\"selected\":false"), j.out());
    assertTrue(
        j.out()
            .contains(
                "\"excluded_by\":{\"file\":\"" + conf + "\",\"line\":3,\"text\":\"!/srv/a/tmp\""),
        j.out());
  }

  @Test
  void aBadLineIsExit17WithFileAndLine() throws Exception {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "/srv R\nverbose=5\n/srv/x NOSUCHGROUP\n");
    Fim.Run r = Fim.run("config", "check", "-c", conf.toString(), "/srv/x");
    assertEquals(ExitCodes.CONFIG, r.exit(), r.toString());
    assertTrue(r.err().contains(conf + ":3: undefined group or attribute 'NOSUCHGROUP'"), r.err());
    assertTrue(
        r.err().contains("fim: warning: " + conf + ":2: AIDE option verbose"),
        "warnings before the error: " + r.err());
    Fim.Run u = Fim.run("config", "check", "--type", "q", "/srv");
    assertEquals(ExitCodes.USAGE, u.exit(), u.toString());
  }

  /**
   * Under cron's C locale a PATH is its bytes, as for init: a name that is not UTF-8 is judged by
   * the rule written for those bytes ({@code \\xff} in the regex) and printed as {@code \\xff}.
   */
  @Test
  void nonUtf8PathUnderTheCLocaleIsJudgedAsItsBytes() throws Exception {
    String t = tmp.resolve("odd").toString();
    Path conf = tmp.resolve("fim.conf");
    Files.writeString(conf, t + " R\n" + t + "/.*\\xff$ f p\n");
    byte[] ff = (t + "/f\u00ff").getBytes(StandardCharsets.ISO_8859_1); // the single byte 0xff
    byte[] fe = (t + "/f\u00fe").getBytes(StandardCharsets.ISO_8859_1);
    Fim.Run r =
        Fim.process(
            Map.of("LC_ALL", "C", "LANG", "C"),
            "config".getBytes(),
            "check".getBytes(),
            "-c".getBytes(),
            conf.toString().getBytes(),
            ff,
            fe);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains(t + "/f\\xff (file, does not exist): selected\n  rule:  " + conf + ":2: "),
        r.out());
    assertTrue(
        r.out()
            .contains(
                t
                    + "/f\\xfe (file, does not exist): selected\n  rule:  "
                    + conf
                    + ":1: "
                    + t
                    + " R\n"),
        r.out());

    // Two PATHs the C locale decodes alike keep their own bytes in every command (they took the
    // first one's).
    Files.createDirectories(Path.of(t));
    Process mk =
        new ProcessBuilder(
                "bash",
                "-c",
                "mkdir $'"
                    + t
                    + "/\\xff' $'"
                    + t
                    + "/\\xfe' && touch $'"
                    + t
                    + "/\\xff/a' $'"
                    + t
                    + "/\\xfe/b'")
            .start();
    assertEquals(0, mk.waitFor());
    Path db = tmp.resolve("db");
    Fim.Run init =
        Fim.process(
            Map.of("LC_ALL", "C", "LANG", "C"),
            "init".getBytes(),
            "--db".getBytes(),
            db.toString().getBytes(),
            "--key".getBytes(),
            (db + ".key").getBytes(),
            "-c".getBytes(),
            conf.toString().getBytes(),
            (t + "/\u00ff").getBytes(StandardCharsets.ISO_8859_1),
            (t + "/\u00fe").getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(0, init.exit(), init.toString());
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      assertTrue(
          s.getRecord(
                  Column.BASELINE,
                  PathBytes.of((t + "/\u00ff/a").getBytes(StandardCharsets.ISO_8859_1)))
              != null);
      assertTrue(
          s.getRecord(
                  Column.BASELINE,
                  PathBytes.of((t + "/\u00fe/b").getBytes(StandardCharsets.ISO_8859_1)))
              != null,
          "the second PATH's own tree is recorded");
    }
  }

  /**
   * Debian's stock config (aide-common), x_include snippets and all, names the lines issue 14
   * quotes.
   */
  @Test
  void debianStockConfigExplainsAdjtimeAndEtc() throws Exception {
    Path stock = Path.of("/etc/aide/aide.conf");
    assumeTrue(Files.isRegularFile(stock), "aide-common is not installed (no /etc/aide/aide.conf)");
    // One run: each runs the stock config's ~200 @@x_include snippets. /etc/adjtime may be absent
    // (judged as a file).
    Fim.Run r = Fim.run("config", "check", "-c", stock.toString(), "/etc/adjtime", "/etc");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("/etc/adjtime (file")
            && r.out().contains("  rule:  /etc/aide/aide.conf.d/")
            && r.out().contains(": /etc/adjtime$ f VarFile\n"),
        r.out());
    assertTrue(
        r.out().contains("/etc (dir): selected\n") && r.out().contains(": /etc$ d VarDir\n"),
        r.out());
    assertTrue(
        r.out().contains("  node:  /etc   (selective rule")
            && r.out().contains("  node:  /   (selective rule"),
        r.out());
  }
}
