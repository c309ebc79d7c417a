package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a search does before its first byte is read (issue 18): each test runs the real CLI in a
 * child JVM on a log the windowed search serves (CdsTraining's 320 KB log) and reads the JVM's own
 * class-loading log or the search's trace.
 */
class AuditSearchStartUpTest {
  @TempDir Path dir;

  /**
   * The child's stdout, stderr and exit code for {@code audit search -k fim} with these options.
   */
  private record Run(byte[] out, String err, int code) {}

  private Run search(String... jvmOptions) throws Exception {
    return search(new String[0], jvmOptions);
  }

  /** As {@link #search(String...)} with more options for the search itself. */
  private Run search(String[] searchOptions, String... jvmOptions) throws Exception {
    Path log = dir.resolve("audit.log");
    if (!Files.exists(log)) {
      Files.writeString(log, CdsTraining.trainingAuditLog(), StandardCharsets.US_ASCII);
    }
    List<String> cmd =
        new ArrayList<>(
            ChildFim.command("audit", "search", "--input", log.toString(), "-k", "fim"));
    cmd.addAll(List.of(searchOptions));
    cmd.addAll(1, List.of(jvmOptions));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    return new Run(out, Files.readString(dir.resolve("err")), code);
  }

  @Test
  void aDefaultZoneThatIsUtcByNameNeverStartsTheRulesProvider() throws Exception {
    Path classes = dir.resolve("classes.log");
    Run utc = search("-Duser.timezone=Etc/UTC", "-Xlog:class+load=info:file=" + classes + ":none");
    assertEquals(0, utc.code(), utc.err());
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains("dev.fim.auditlink.search.WindowedSearch$Part"), "windowed");
    // Its start looks for other providers as a service: every jar on the class path opened.
    assertFalse(loaded.contains("java.time.zone.ZoneRulesProvider "), "rules provider started");
    // The same text as with a region zone that has been UTC for a century (the provider's rules).
    Run region = search("-Duser.timezone=Africa/Abidjan");
    assertEquals(0, region.code(), region.err());
    assertTrue(region.out().length > 1000);
    assertArrayEquals(region.out(), utc.out());
    // Another zone is still the JDK's: a different text.
    Run berlin = search("-Duser.timezone=Europe/Berlin");
    assertEquals(0, berlin.code(), berlin.err());
    assertFalse(java.util.Arrays.equals(berlin.out(), utc.out()));
  }

  /**
   * The preload a search starts, alone in a child JVM that waits for it: its thread is a daemon
   * nothing joins, and in a real search of a small log the JVM may exit before it marks anything
   * (it did once in CI, under load), so a real run cannot show its order every time.
   */
  static final class PreloadOnly {
    public static void main(String[] args) throws InterruptedException {
      Preload.startFor(new String[] {"audit", "search"});
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("fim-preload")) t.join();
      }
    }
  }

  @Test
  void thePreloadBindsTheByteSearchBeforeTheTimeZoneRules() throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-Dfim.search.debug=true",
            "-Duser.timezone=Europe/Berlin",
            "-cp",
            System.getProperty("java.class.path"),
            PreloadOnly.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    int bound = err.indexOf("warm-up: byte search");
    int zone = err.indexOf("warm-up: time-zone rules");
    assertTrue(bound >= 0 && zone >= 0 && err.contains("warm-up: done"), err);
    // A search of 8 MB or more waits for the binding before its first byte; the main thread
    // resolves the zone itself meanwhile.
    assertTrue(bound < zone, err);
  }

  @Test
  void theMainThreadLinksNoLambdaBeforeTheFirstByte() throws Exception {
    assertNoLambdaOnTheMainThreadBeforeTheFirstByte();
  }

  @Test
  void theMainThreadLinksNoLambdaBeforeTheFirstByteOfAJsonSearch() throws Exception {
    assertNoLambdaOnTheMainThreadBeforeTheFirstByte("--format", "json");
  }

  private void assertNoLambdaOnTheMainThreadBeforeTheFirstByte(String... options) throws Exception {
    Path classes = dir.resolve("classes.log");
    Run r = search(options, "-Xlog:class+load=info:file=" + classes + ":tid");
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(classes);
    String main = null;
    for (String l : lines) {
      if (l.contains(" dev.fim.cli.Main ")) main = l.substring(0, l.indexOf(']') + 1);
    }
    assertNotNull(main, "no dev.fim.cli.Main in the class-loading log");
    List<String> spun = new ArrayList<>();
    for (String l : lines) {
      if (!l.startsWith(main)) continue;
      if (l.contains("dev.fim.auditlink.search.WindowedSearch$Part ")) break; // the first byte
      if (l.contains("$$Lambda$") || l.contains("LambdaForm$MH")) spun.add(l);
    }
    // Each first link of a lambda there ran the lambda machinery on the search's critical path.
    assertEquals(List.of(), spun);
  }
}
