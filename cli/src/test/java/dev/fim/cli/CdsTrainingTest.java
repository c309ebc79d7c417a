package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    int worst = CdsTraining.train(tmp);
    assertTrue(worst < ExitCodes.USAGE, "a training command ended with " + worst);
    assertTrue(worst > 0, "the JSON check found no change to report: " + worst);
    assertEquals(
        before, System.getProperty(SyslogAnchor.SOCKET_PROPERTY), "syslog socket left set");
    try (Stream<Path> files = Files.list(tmp)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("db")), "no database made");
    }
  }
}
