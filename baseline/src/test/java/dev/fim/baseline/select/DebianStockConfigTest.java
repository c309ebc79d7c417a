package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * issue 14: Debian's stock config (package aide-common: /etc/aide/aide.conf, which runs the
 * snippets of /etc/aide/aide.conf.d with @@x_include) is read whole: its includes, executables and
 * host conditions. Skips, saying so, where aide-common is not installed (bin/test-all installs it).
 */
class DebianStockConfigTest {
  private static final Path STOCK = Path.of("/etc/aide/aide.conf");

  /**
   * {@code aide --config-check} says nothing about the stock config, so fim gives no warning
   * either: what aide reads silently and fim handles its own way (AIDE's database and report
   * options, the attributes I, compressed and e2fsattrs with their documented differences, the
   * undefined variables of absent packages, which aide too replaces by the empty string at its
   * config log level) are notes, each of a kind listed here.
   */
  @Test
  void stockConfigParsesWithItsIncludesWithoutAWarning() throws Exception {
    assumeTrue(Files.isRegularFile(STOCK), "aide-common is not installed (no /etc/aide/aide.conf)");
    List<ConfigWarning> warnings = new ArrayList<>();
    Config c = ConfigParser.parseFile(STOCK, warnings::add);
    List<String> real = new ArrayList<>();
    List<String> unexpectedNotes = new ArrayList<>();
    for (ConfigWarning w : warnings) {
      System.out.println("stock config " + (w.note() ? "note: " : "warning: ") + w);
      if (!w.note()) {
        real.add(w.toString());
      } else if (!w.message().matches(NOTE_KINDS)) {
        unexpectedNotes.add(w.toString());
      }
    }
    System.out.println(
        "stock config: " + c.rules().size() + " rules, " + warnings.size() + " notes");
    assertEquals(List.of(), real);
    assertEquals(List.of(), unexpectedNotes);
    assertTrue(c.rules().size() > 1000, "the snippets' rules are read: " + c.rules().size());
  }

  /** The kinds of note the stock config may give (each a documented difference or aide's own). */
  private static final String NOTE_KINDS =
      "AIDE option (database_in|database_out|database_new|database_attrs|gzip_dbout"
          + "|report_ignore_e2fsattrs|report_url|report_level|log_level) has no effect in fim.*"
          + "|attribute (I|compressed|e2fsattrs) is ignored: .*"
          + "|variable @@\\{[A-Z0-9_]+\\} is not defined; replaced by the empty string"
          + "|'%[0-9A-Fa-f]{2}' in a rule is not URL-decoded \\(as in AIDE\\).*";

  /**
   * Under /etc, the stock config selects what aide selects, by the same line: {@code aide
   * --dry-init} prints, for each path it visits, the rule that governs it (file:line); fim's
   * selector must name a rule of the same line number (or none) for each, and select nothing aide
   * does not visit. Restricted to what aide can print unambiguously (no control characters or
   * backslashes in the name).
   */
  @Test
  void stockConfigSelectsWhatAideSelectsUnderEtc() throws Exception {
    compareUnder("/etc", "^/etc", 100);
  }

  /**
   * The same under /usr: in CI the parts a package update touches most ({@code /usr/bin}, {@code
   * /usr/sbin}, {@code /usr/lib/systemd}, {@code /usr/share/doc}); {@code
   * -Dfim.stockConfig.usr=^/usr} (bench/aide-stock.sh) compares the whole of /usr.
   */
  @Test
  void stockConfigSelectsWhatAideSelectsUnderUsr() throws Exception {
    String limit =
        System.getProperty("fim.stockConfig.usr", "^/usr/(bin|sbin|lib/systemd|share/doc)(/|$)");
    compareUnder("/usr", limit, 1000);
  }

  private static void compareUnder(String top, String limit, int atLeast) throws Exception {
    assumeTrue(Files.isRegularFile(STOCK), "aide-common is not installed (no /etc/aide/aide.conf)");
    assumeTrue(AideDifferential.aideInstalled(), "aide is not installed");
    RuleSelector fim = (RuleSelector) ConfigParser.parseFile(STOCK, w -> {}).selector();
    java.util.regex.Pattern within = java.util.regex.Pattern.compile(limit);
    long started =
        System.currentTimeMillis() - 2000; // entries made during the test are not aide's to know
    long t0 = System.nanoTime();
    // aide's log (stderr) apart: merged, a message written mid-line garbled a path's line (3 of
    // 147,791 over /usr).
    Path errors = Files.createTempFile("aide-dry-init", ".err");
    java.util.regex.Pattern line =
        java.util.regex.Pattern.compile(
            "\\[(X| )\\] (.) '(" + top + "[^']*)': .*?(?:\\(([^()]*):(\\d+): '.*'\\))?");
    java.util.Set<String> visited = new java.util.HashSet<>();
    List<String> disagree = new ArrayList<>();
    int[] compared = {0};
    AideDryInit.Result aide;
    try {
      aide =
          AideDryInit.run(
              STOCK,
              limit,
              errors,
              line,
              m -> {
                String path = m.group(3);
                if (path.indexOf('\\') >= 0 || !within.matcher(path).lookingAt()) {
                  return; // outside the limit, aide printed it only as skipped (no or partial
                  // match)
                }
                visited.add(path);
                dev.fim.store.FileType type =
                    switch (m.group(2)) {
                      case "d" -> dev.fim.store.FileType.DIRECTORY;
                      case "l" -> dev.fim.store.FileType.SYMLINK;
                      case "c" -> dev.fim.store.FileType.CHAR_DEVICE;
                      case "b" -> dev.fim.store.FileType.BLOCK_DEVICE;
                      case "p" -> dev.fim.store.FileType.FIFO;
                      case "s" -> dev.fim.store.FileType.SOCKET;
                      default -> dev.fim.store.FileType.FILE;
                    };
                int aideLine =
                    m.group(1).equals("X") && m.group(5) != null
                        ? Integer.parseInt(m.group(5))
                        : -1;
                int fimLine = fim.governingLine(dev.fim.store.PathBytes.ofUtf8(path), type);
                compared[0]++;
                if (aideLine != fimLine) {
                  disagree.add(
                      path
                          + ": aide line "
                          + aideLine
                          + " ("
                          + m.group(4)
                          + "), fim line "
                          + fimLine);
                }
              });
      assertEquals(0, aide.exit(), Files.readString(errors));
    } finally {
      Files.deleteIfExists(errors);
    }
    // Entries made or removed while the test runs (another process's files) are not aide's to know.
    Files.walkFileTree(
        Path.of(top),
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult preVisitDirectory(
              Path q, java.nio.file.attribute.BasicFileAttributes a) {
            String path = q.toString();
            // Only where aide was asked to look (partial matches lead the way there).
            return path.equals(top)
                    || within.matcher(path).lookingAt()
                    || within.matcher(path).hitEnd()
                ? java.nio.file.FileVisitResult.CONTINUE
                : java.nio.file.FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path q, java.nio.file.attribute.BasicFileAttributes a) {
            String path = q.toString();
            if (a.isRegularFile()
                && within.matcher(path).lookingAt()
                && !visited.contains(path)
                && path.indexOf('\\') < 0
                && Math.max(a.lastModifiedTime().toMillis(), a.creationTime().toMillis()) < started
                && fim.governingLine(
                        dev.fim.store.PathBytes.ofUtf8(path), dev.fim.store.FileType.FILE)
                    >= 0) {
              disagree.add(path + ": aide does not visit it, fim selects it");
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path q, java.io.IOException e) {
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    System.out.println(
        "stock config under "
            + limit
            + ": "
            + compared[0]
            + " paths compared, "
            + disagree.size()
            + " disagree ("
            + (System.nanoTime() - t0) / 1_000_000
            + " ms)");
    assertTrue(compared[0] > atLeast, aide.head());
    assertEquals(List.of(), disagree.size() > 50 ? disagree.subList(0, 50) : disagree);
  }
}
