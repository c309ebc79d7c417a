package dev.fim.engine.correlate;

import dev.fim.engine.compare.Correlator;
import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;

/**
 * The comparator's {@link Correlator} backed by an {@link AuditAttributor}: a change is joined with the audit record
 * of its syscall (path or inode, the notification's pid, time). The record usually arrives within a millisecond of
 * the syscall; a change seen moments ago waits for it until {@code windowNs} after it was seen, never longer, then
 * goes on without (DESIGN.md: hold a change at most a short window for its audit event).
 */
public final class AuditCorrelator implements Correlator {
  private final AuditAttributor audit;
  private final long windowNs;
  private final long queryWindowNs;
  private final Duration maxWait;

  /**
   * @param windowNs how long after a change was seen its audit record may still be awaited
   * @param quietWindowNs the coalescer's window: a notice's first event may precede the syscall that settled it by
   *     this much, so audit records that far apart still match
   */
  public AuditCorrelator(AuditAttributor audit, long windowNs, long quietWindowNs, Duration maxWait) {
    this.audit = audit;
    this.windowNs = windowNs;
    this.queryWindowNs = windowNs + quietWindowNs;
    this.maxWait = maxWait;
  }

  @Override
  public Actor attribute(PathBytes path, long inode, int pid, long seenNs) {
    Instant now = Instant.now();
    long nowNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long waitNs = Math.max(0, Math.min(seenNs + windowNs - nowNs, maxWait.toNanos()));
    try {
      AuditedChange c = audit.await(ChangeQuery.of(path, inode, pid, seenNs, queryWindowNs), Duration.ofNanos(waitNs))
          .get();
      return c == null ? null : c.actor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      return null;
    }
  }

  @Override
  public String noMatchReason() {
    return "no audit record matched within " + windowNs / 1_000_000 + " ms";
  }
}
