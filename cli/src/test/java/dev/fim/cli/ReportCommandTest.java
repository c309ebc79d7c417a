package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fim report end to end: history made by real check/accept runs and watch-like events, every
 * format, verify, Chromium.
 */
class ReportCommandTest {
  @TempDir Path tmp;
  Path tree;
  Path db;
  Path key;
  Path conf;

  @BeforeEach
  void history() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    tree = t.tree();
    db = t.db();
    key = t.key();
    conf = t.conf();
    assertEquals(0, fim("init").exit());
    Files.writeString(tree.resolve("etc/hosts"), "10.0.0.9 backup\n", StandardOpenOption.APPEND);
    Files.writeString(
        tree.resolve("etc/ssh/sshd_config"),
        "PasswordAuthentication yes\n",
        StandardOpenOption.APPEND);
    assertEquals(ExitCodes.CHANGED, fim("check").exit());
    assertEquals(
        0, fim("accept", tree.resolve("etc/hosts").toString(), "--note", "CHG-1234").exit());
    // What fim watch records: an attributed change with a hostile name, and lost audit records.
    long now = System.currentTimeMillis() * 1_000_000L;
    try (Store s = Sealed.attach(Store.open(db, Store.OpenMode.EXISTING), key)) {
      new EventLog(s)
          .append(
              List.of(
                  new ChangeEvent(
                      now,
                      0,
                      Action.CREATED,
                      PathBytes.of(hostile()),
                      null,
                      null,
                      null,
                      List.of(),
                      Origin.WATCH,
                      Attribution.AUDIT,
                      null,
                      null,
                      new Actor(
                          1001L,
                          "alice",
                          0L,
                          "root",
                          4242,
                          1,
                          "/usr/bin/cp",
                          "cp",
                          null,
                          null,
                          null)),
                  new ChangeEvent(
                      now + 1,
                      0,
                      Action.OVERFLOW,
                      PathBytes.ofUtf8(tree.toString()),
                      null,
                      null,
                      null,
                      List.of(),
                      Origin.WATCH,
                      Attribution.NONE,
                      "audit records were lost",
                      "audit lost 3 record(s); tree rescanned")));
    }
  }

  private byte[] hostile() {
    byte[] b = (tree + "/etc/<script>alert('x')</script>\n\u0000").getBytes(StandardCharsets.UTF_8);
    b[b.length - 1] = (byte) 0xff;
    return b;
  }

  Fim.Run fim(String... args) {
    return Fim.on(db, key, conf, args);
  }

  Fim.Run report(String... args) {
    List<String> a =
        new ArrayList<>(List.of("report", "--db", db.toString(), "--key", key.toString()));
    a.addAll(List.of(args));
    return Fim.run(a.toArray(String[]::new));
  }

  @Test
  void textToStdoutWithTheDigestOnStderr() {
    Fim.Run r = report("--since", "-1h");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("Changes:     4 (2 approved, 2 UNAPPROVED)"),
        r.toString()); // check ×2, accept, watch
    assertTrue(
        r.out().contains("7 audit records lost") || r.out().contains("3 audit records lost"),
        r.toString());
    assertTrue(r.out().contains("by user:   unattributed 3, alice (auid 1001) 1"), r.toString());
    assertTrue(
        r.err()
            .matches(
                "(?s)fim report: 4 changes \\(2 unapproved\\), 1 overflow events; data SHA-256 [0-9a-f]{64}\\s*"),
        r.toString());
  }

  /**
   * A report that cannot be written to standard output (here /dev/full, a full disk) is an error,
   * not exit 0.
   */
  @Test
  void aReportStdoutCannotTakeIsAnIoError() throws Exception {
    Fim.Run r =
        Fim.process(
            Map.of(),
            "exec >/dev/full;",
            "report".getBytes(StandardCharsets.UTF_8),
            "--db".getBytes(StandardCharsets.UTF_8),
            db.toString().getBytes(StandardCharsets.UTF_8),
            "--key".getBytes(StandardCharsets.UTF_8),
            key.toString().getBytes(StandardCharsets.UTF_8),
            "--since".getBytes(StandardCharsets.UTF_8),
            "-1h".getBytes(StandardCharsets.UTF_8));
    assertEquals(ExitCodes.IO, r.exit(), r.toString());
    assertTrue(
        r.err().contains("fim: cannot write standard output: No space left on device"),
        r.toString());
  }

  @Test
  void everyFormatToAFileStatesOneDigestAndVerifies() throws Exception {
    java.time.Instant now = java.time.Instant.now();
    String until = now.toString();
    String since = now.minusSeconds(3600).toString(); // a fixed period: "-1h" moves with each run
    Set<String> digests = new HashSet<>();
    for (String f : List.of("text", "json", "csv", "html")) {
      Path out = tmp.resolve("r." + f);
      Fim.Run r = report("--since", since, "--until", until, "--format", f, "-o", out.toString());
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().contains("written to " + out), r.toString());
      digests.add(r.out().replaceAll("(?s).*data SHA-256 ([0-9a-f]{64}).*", "$1"));
      if (!f.equals("csv")) {
        // the report names the fim that made it (this build), in the verified parameter line
        assertTrue(
            Files.readString(out)
                .contains(" agent=" + dev.fim.cli.report.ReportParameters.thisAgent() + " sha256="),
            f);
        Fim.Run v = report("--verify", out.toString());
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().contains("verified: unmodified"), v.toString());
      }
    }
    assertEquals(
        1, digests.size(), "same period, same data, same digest in every format: " + digests);

    Path html = tmp.resolve("r.html");
    Files.writeString(html, Files.readString(html).replace("UNAPPROVED</span>", "approved</span>"));
    Fim.Run v = report("--verify", html.toString());
    assertEquals(ExitCodes.NOT_VERIFIED, v.exit(), v.toString());
    assertTrue(
        v.err().contains("NOT verified") && v.err().contains("this copy was modified"),
        v.toString());

    Fim.Run csv = report("--verify", tmp.resolve("r.csv").toString());
    assertEquals(ExitCodes.USAGE, csv.exit(), csv.toString());
    assertTrue(csv.err().contains("verify its JSON twin"), csv.toString());
  }

  /**
   * A JSON report of {@code --since -1h} to a file; returns the file after checking it was written.
   */
  private Path jsonReport(String name) {
    java.time.Instant now = java.time.Instant.now();
    Path out = tmp.resolve(name);
    Fim.Run r =
        report(
            "--since",
            now.minusSeconds(3600).toString(),
            "--until",
            now.toString(),
            "--format",
            "json",
            "-o",
            out.toString());
    assertEquals(0, r.exit(), r.toString());
    return out;
  }

  /**
   * A JSON report states its parameters at its end, after the changes: one larger than 64 KiB (here
   * 600 files found by a real check) was "not a fim report" (exit 16), the verifier reading only
   * its first 64 KiB.
   */
  @Test
  void aJsonReportLargerThan64KiBVerifies() throws Exception {
    for (int i = 0; i < 600; i++) {
      Files.writeString(tree.resolve("etc/added-" + i), "x\n");
    }
    assertEquals(
        ExitCodes.ADDED | ExitCodes.CHANGED,
        fim("check").exit(),
        "added, and sshd_config as before");
    Path json = jsonReport("big.json");
    assertTrue(
        Files.size(json) > 2 * 64 * 1024,
        "the report is larger than the head and the tail read: " + Files.size(json));
    Fim.Run v = report("--verify", json.toString());
    assertEquals(0, v.exit(), v.toString());
    assertTrue(v.out().contains("verified: unmodified"), v.toString());

    Files.writeString(json, Files.readString(json).replace("added-599", "added-598"));
    Fim.Run edited = report("--verify", json.toString());
    assertEquals(ExitCodes.NOT_VERIFIED, edited.exit(), edited.toString());
    assertTrue(edited.err().contains("this copy was modified"), edited.toString());
  }

  /**
   * Whoever may name a file in a watched tree chooses text that a JSON report writes before its own
   * parameter line: a path that spells one must not be taken for it (the genuine report then failed
   * to verify: a false alarm).
   */
  @Test
  void aPathThatSpellsAParameterLineDoesNotMisleadTheVerifier() throws Exception {
    String fake =
        "fim-report-v1 since=2001-01-01T00:00:00Z until=2001-01-02T00:00:00Z generated=2001-01-02T00:00:00Z"
            + " host=h prefix-depth=2 format=json sha256="
            + "0".repeat(64);
    Files.writeString(tree.resolve("etc/" + fake), "x\n");
    assertEquals(
        ExitCodes.ADDED | ExitCodes.CHANGED,
        fim("check").exit(),
        "added, and sshd_config as before");
    Path json = jsonReport("named.json");
    assertTrue(
        Files.readString(json).indexOf(fake)
            < Files.readString(json).lastIndexOf("\"fim_report\":"));
    Fim.Run v = report("--verify", json.toString());
    assertEquals(0, v.exit(), v.toString());
    assertTrue(v.out().contains("verified: unmodified"), v.toString());
  }

  @Test
  void periodFilteringAndBadTimesAreClearErrors() {
    Fim.Run past = report("--since", "2001-01-01", "--until", "2001-01-02");
    assertEquals(0, past.exit(), past.toString());
    assertTrue(past.out().contains("No changes recorded in the period."), past.toString());

    Fim.Run bad = report("--since", "last tuesday");
    assertEquals(ExitCodes.USAGE, bad.exit(), bad.toString());
    assertTrue(bad.err().contains("--since: "), bad.toString());
    Fim.Run reversed = report("--since", "2026-01-02", "--until", "2026-01-01");
    assertEquals(ExitCodes.USAGE, reversed.exit(), reversed.toString());
    assertTrue(reversed.err().contains("is not before --until 2026-01-01"), reversed.toString());
    Fim.Run missing = report("--format", "html");
    assertEquals(ExitCodes.USAGE, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("--since is required"), missing.toString());
    Fim.Run format = report("--since", "-1h", "--format", "pdf");
    assertEquals(ExitCodes.USAGE, format.exit(), format.toString());
    Fim.Run nodb = Fim.run("report", "--db", tmp.resolve("none").toString(), "--since", "-1h");
    assertEquals(ExitCodes.DATABASE, nodb.exit(), nodb.toString());
  }

  /**
   * The HTML report as a browser shows it: headless Chromium renders it to a PNG (kept in target/
   * for a person to look at) that is not blank, and its DOM holds the summary and the hostile path
   * as text, not as markup.
   */
  @Test
  void htmlRendersInHeadlessChromium() throws Exception {
    String chromium = chromium();
    assumeTrue(
        chromium != null,
        "chromium is not installed (bin/test-all installs Debian's chromium package)");
    Path html = tmp.resolve("report.html");
    Fim.Run r = report("--since", "-1h", "--format", "html", "-o", html.toString());
    assertEquals(0, r.exit(), r.toString());
    Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Files.createDirectories(shot.getParent());
    Files.deleteIfExists(shot);
    run(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--screenshot=" + shot,
        "--window-size=1280,2000",
        html.toUri().toString());
    assertTrue(Files.isRegularFile(shot), "chromium wrote " + shot);
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1280, img.getWidth());
    assertEquals(2000, img.getHeight());
    Set<Integer> colours = new HashSet<>();
    int red = 0;
    for (int y = 0; y < img.getHeight(); y += 4) {
      for (int x = 0; x < img.getWidth(); x += 4) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        if (rgb == 0xfdecea) { // the unapproved rows' background
          red++;
        }
      }
    }
    assertTrue(colours.size() > 50, "not blank: " + colours.size() + " colours");
    assertTrue(red > 100, "unapproved rows are highlighted: " + red + " sampled pixels");

    String dom =
        run(
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            html.toUri().toString());
    assertTrue(dom.contains("id=\"summary\""), "summary cards in the DOM");
    assertTrue(
        dom.contains("<b>4</b>changes") && dom.contains("<b>2</b>unapproved"),
        dom.substring(0, 3000));
    assertTrue(
        dom.contains("/etc/&lt;script&gt;alert('x')&lt;/script&gt;\\n\\xff"),
        "the hostile path is text in the rendered DOM");
    assertTrue(!dom.contains("<script>alert"), "never markup");
  }

  private static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), String.join(" ", cmd));
    return new String(out, StandardCharsets.UTF_8);
  }
}
