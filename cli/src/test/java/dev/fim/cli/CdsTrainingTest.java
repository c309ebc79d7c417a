package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.search.AuditSearch;
import dev.fim.auditlink.search.SearchSettings;
import dev.fim.auditlink.search.SearchStats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive's training run (bin/fim keeps the archive only when it succeeds): every
 * command of it still parses and ends without an error, so a renamed option cannot leave every
 * later command without the archive, silently.
 */
class CdsTrainingTest {
  @TempDir Path tmp;

  @Test
  void everyTrainingCommandEndsWithoutAnError() throws Exception {
    String before = System.getProperty(SyslogAnchor.SOCKET_PROPERTY);
    java.util.Map<String, Integer> codes = CdsTraining.train(tmp);
    int worst = 0;
    for (var run : codes.entrySet()) {
      assertTrue(run.getValue() < ExitCodes.USAGE, run.getKey() + " ended with " + run.getValue());
      worst = Math.max(worst, run.getValue());
      // each one of these ran its whole path (the classes the archive is for): exit 0 only
      String[] w = run.getKey().split(" ");
      if (w[0].equals("accept") || w[0].equals("report")) {
        assertEquals(0, run.getValue(), run.getKey());
      }
    }
    assertTrue(worst > 0, "the JSON check found no change to report: " + worst);
    assertTrue(
        codes.keySet().stream().anyMatch(k -> k.startsWith("report ") && k.contains("--verify")),
        "the training verifies a report: " + codes.keySet());
    assertEquals(
        before, System.getProperty(SyslogAnchor.SOCKET_PROPERTY), "syslog socket left set");
    try (Stream<Path> files = Files.list(tmp)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("db")), "no database made");
    }
    for (String format : List.of("text", "json", "csv", "html")) {
      Path report = tmp.resolve("report." + format);
      assertTrue(Files.size(report) > 0, "no " + format + " report written: " + report);
    }
    assertTrue(
        Files.readString(tmp.resolve("report.text")).contains("training"),
        "the report shows no approval with the training's note");
  }

  /**
   * The training's key search takes the windowed search's candidate path (its classes are then in
   * the archive, not read from the jars on a real search's threads): it reads no line in order (the
   * sequential scan counts every line) and finds both events of the key.
   */
  @Test
  void theTrainingSearchGathersItsEventsAroundTheirLines() throws Exception {
    Path log = tmp.resolve("audit.log");
    Files.writeString(log, CdsTraining.trainingAuditLog(), StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    SearchStats stats =
        new AuditSearch(SearchSettings.all().withKey("fim"))
            .run(List.of(log), e -> found.add(Long.toString(e.sequence())));
    assertEquals(List.of("100", "101"), found);
    assertEquals(0, stats.lines(), "every line was read in order: " + stats);
    assertEquals(2, stats.eventsScanned(), stats.toString());
  }
}
