package dev.fim.engine.correlate;

import dev.fim.engine.attribute.Attributable;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.store.Attribution;
import dev.fim.store.Origin;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * The audit attribution source ({@code fim.attribution: "audit"}), backed by an {@link
 * AuditAttributor}: a change is joined with the audit record of its syscall (path or inode, the
 * notification's pid, time). The record usually arrives within a millisecond of the syscall; a
 * change seen moments ago waits for it until {@code windowNs} after it was seen, never longer, then
 * goes on without (DESIGN.md: hold a change at most a short window for its audit event). Only
 * changes {@code fim watch} saw as they happened are asked about, and not temporaries (no object to
 * join on).
 */
public final class AuditSource implements AttributionSource {
  private final AuditAttributor audit;
  private final long windowNs;
  private final long queryWindowNs;
  private final Duration maxWait;
  private final LongSupplier wallNs;

  /**
   * @param windowNs how long after a change was seen its audit record may still be awaited
   * @param quietWindowNs the coalescer's window: a notice's first event may precede the syscall
   *     that settled it by this much, so audit records that far apart still match
   * @param wallNs the wall clock in ns since the epoch (the time base of the changes' {@code
   *     seenNs})
   */
  public AuditSource(
      AuditAttributor audit,
      long windowNs,
      long quietWindowNs,
      Duration maxWait,
      LongSupplier wallNs) {
    this.audit = audit;
    this.windowNs = windowNs;
    this.queryWindowNs = windowNs + quietWindowNs;
    this.maxWait = maxWait;
    this.wallNs = wallNs;
  }

  @Override
  public Attribution kind() {
    return Attribution.AUDIT;
  }

  @Override
  public Answer attribute(Attributable c) {
    if (c.origin() != Origin.WATCH || c.temporary()) {
      return null;
    }
    int pid = c.sighting() == null ? 0 : c.sighting().pid();
    long waitNs = waitNs(c.seenNs(), wallNs.getAsLong(), windowNs, maxWait.toNanos());
    try {
      AuditedChange found =
          audit
              .await(
                  ChangeQuery.of(c.path(), c.inode(), pid, c.seenNs(), queryWindowNs),
                  Duration.ofNanos(waitNs))
              .get();
      if (found != null && found.actor() != null) {
        return Answer.found(found.actor(), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // no answer: the miss below
    }
    return Answer.missed("no audit record matched within " + windowNs / 1_000_000 + " ms");
  }

  /**
   * How long a change seen at {@code seenNs} may still wait for its record at {@code nowNs}: until
   * {@code windowNs} after it was seen, at most {@code maxWaitNs}, never negative.
   */
  static long waitNs(long seenNs, long nowNs, long windowNs, long maxWaitNs) {
    return Math.max(0, Math.min(seenNs + windowNs - nowNs, maxWaitNs));
  }
}
