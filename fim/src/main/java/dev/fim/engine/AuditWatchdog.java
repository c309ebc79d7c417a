package dev.fim.engine;

import dev.fim.engine.coalesce.Coalescer;
import dev.fim.engine.correlate.AttributorCounters;
import dev.fim.engine.correlate.AuditAttributor;
import dev.fim.engine.record.Recorder;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.StoreException;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the watch's audit attribution honest: re-adds fim's audit rules when something removed
 * them, and turns audit loss into an {@code overflow} event. Both are losses of "who", never of
 * "what": the file changes themselves are still seen by fanotify/inotify. Runs on the comparator
 * thread (it records through the comparator's recorder).
 */
final class AuditWatchdog {
  private final AuditAttributor audit;
  private final Recorder recorder;
  private final PathBytes scope;
  private final Consumer<String> status;
  private volatile long lostReported;

  /**
   * @param scope the path the loss events name (the first watched tree: the loss concerns all of
   *     them)
   */
  AuditWatchdog(
      AuditAttributor audit, Recorder recorder, PathBytes scope, Consumer<String> status) {
    this.audit = audit;
    this.recorder = recorder;
    this.scope = scope;
    this.status = status;
  }

  /**
   * Re-adds fim's audit rules that were removed behind its back (auditctl -D, another tool) and
   * records that as a loss: changes in between may lack their audit attribution (DESIGN.md: a
   * removal is itself an alert).
   */
  void checkRules() throws StoreException {
    List<String> readded;
    try {
      readded = audit.reinstallMissing();
    } catch (IOException e) {
      status.accept("cannot check fim's audit rules: " + e.getMessage());
      return;
    }
    if (!readded.isEmpty()) {
      record(
          "audit rules were missing",
          "audit rule(s) removed outside fim and added again: "
              + String.join("; ", readded)
              + "; changes in between may lack audit attribution");
    }
  }

  /**
   * Records audit loss since the last check as an {@code overflow} event: some changes in between
   * may be marked "proc" or "none" instead of "audit". The kernel's counter counts the whole host's
   * records, so this is an upper bound.
   */
  /** Audit records lost as last counted (for the status line; read from any thread). */
  long lostSoFar() {
    return lostReported;
  }

  void checkLoss() throws StoreException {
    AttributorCounters c = audit.counters();
    long lost = c.lost();
    if (lost <= lostReported) {
      return;
    }
    long delta = lost - lostReported;
    lostReported = lost;
    record(
        "audit records were lost",
        "audit lost "
            + delta
            + " record(s) (so far: "
            + c.kernelLost()
            + " dropped by the kernel (backlog full or rate limit), "
            + c.lostSerials()
            + " serial gap(s), "
            + c.overruns()
            + " receive buffer overrun(s)); changes in between may lack audit attribution");
  }

  private void record(String reason, String message) throws StoreException {
    status.accept(message);
    recorder.event(
        ChangeEvent.notice(Coalescer.wallClockNs(), scope, Origin.WATCH, reason, message));
    recorder.commit();
  }
}
