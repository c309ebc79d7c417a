package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.engine.correlate.AttributorSettings;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The audit index is sized for the changes that may wait: in a burst the comparator lags the audit
 * stream by up to {@code --max-pending} changes, each asking for the event of its own syscall.
 */
class WatchAuditSettingsTest {
  static final long TWO_S = TimeUnit.SECONDS.toNanos(2);

  @Test
  void theIndexHoldsAnEventForEveryPathThatMayWaitInTheCoalescer() {
    AttributorSettings s = WatchSettings.auditSettings(TWO_S, 65_536);
    assertEquals(65_536, s.maxEvents());
    assertEquals(200_000, WatchSettings.auditSettings(TWO_S, 200_000).maxEvents());
  }

  @Test
  void aSmallMaxPendingKeepsTheDefaultIndex() {
    assertEquals(
        WatchSettings.MIN_AUDIT_EVENTS, WatchSettings.auditSettings(TWO_S, 10).maxEvents());
    assertEquals(16_384, WatchSettings.MIN_AUDIT_EVENTS);
  }
}
