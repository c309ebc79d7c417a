package dev.fim.engine;

import dev.fim.engine.correlate.AuditAttributor;
import dev.fim.engine.correlate.CrashRecord;
import dev.fim.store.StoreException;
import java.io.IOException;

/**
 * Audit attribution at a watch's start: first undoes the audit rules of a watch that did not stop
 * cleanly (its crash record), then installs fim's own when {@link WatchSettings.AttributionMode}
 * allows, recording how to undo them. Without audit, says why (for the start-up lines).
 *
 * @param audit the running attributor, or null
 * @param unavailable why audit is not in use (null when it is)
 */
record AuditStart(AuditAttributor audit, String unavailable) {
  /**
   * @throws IOException {@code --attribution audit} and audit cannot be used
   */
  static AuditStart open(WatchSettings s) throws IOException, StoreException {
    try {
      String undone = CrashRecord.restoreIfLeft(s.store());
      if (undone != null) {
        s.status().accept(undone);
      }
    } catch (IOException e) {
      s.status()
          .accept(
              "could not undo the audit rules of a fim watch that did not stop cleanly: "
                  + e.getMessage());
    }
    if (s.attribution() == WatchSettings.AttributionMode.PROC) {
      return new AuditStart(null, "--attribution proc");
    }
    AuditAttributor audit;
    try {
      audit =
          AuditAttributor.start(
              s.roots(), WatchSettings.auditSettings(s.correlationWindowNs(), s.maxPending()));
    } catch (IOException | IllegalArgumentException e) {
      if (s.attribution() == WatchSettings.AttributionMode.AUDIT) {
        throw new IOException("audit attribution unavailable: " + e.getMessage(), e);
      }
      return new AuditStart(null, e.getMessage());
    }
    try {
      CrashRecord.write(s.store(), audit);
    } catch (StoreException | RuntimeException e) {
      closeQuietly(audit);
      throw e;
    }
    return new AuditStart(audit, null);
  }

  /** Closes {@code a} after a failed start, whose failure is the one to report. */
  static void closeQuietly(AuditAttributor a) {
    if (a != null) {
      try {
        a.close();
      } catch (IOException e) {
        // start failed already; that failure is the one to report
      }
    }
  }
}
