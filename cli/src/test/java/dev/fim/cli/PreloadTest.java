package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The preload thread's parts that nothing on the main thread waits for. */
class PreloadTest {
  /**
   * A scan command's preload ends by formatting numbers as its report does ({@code %d}, {@code
   * %,d}, {@code %.1f} in the root locale): the JDK's locale data is then set up on the preload
   * thread, not on the main thread just before the report is printed.
   */
  @Test
  void aScanCommandsPreloadFormatsNumbersAsTheReportDoes() {
    Preload.startFor(new String[] {"check", "/nonexistent"});
    Preload.awaitReport();
    assertEquals("1 12,345 0.3", Preload.reportWarmUp());
  }

  /**
   * An init's summary line is written without the JDK's locale data ({@link RootNumbers}): its
   * preload does not set that data up, which would only take CPU from the scan threads.
   */
  @Test
  void anInitsPreloadLeavesTheLocaleDataAlone() {
    Preload.startFor(new String[] {"check", "/nonexistent"});
    assertTrue(Preload.startedReportPart());
    Preload.startFor(new String[] {"init", "/nonexistent"});
    assertFalse(Preload.startedReportPart());
  }
}
