package dev.fim.engine.correlate;

import dev.fim.engine.attribute.Attributable;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.store.Attribution;
import dev.fim.store.Origin;
import dev.fim.store.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * The audit attribution source ({@code fim.attribution: "audit"}), backed by an {@link
 * AuditAttributor}: a change is joined with the audit records of the syscalls that made it (path or
 * inode, the notification's pid, time). It waits until those records are in, not for a fixed time:
 * until a record of the notifying pid matches (the last writer's record comes after every earlier
 * writer's), or the audit stream has passed the moment the change was handed over (an event stamped
 * after it arrived, or fim's progress probe came back: the kernel emits records in order), bounded
 * by {@code windowNs} after the change was seen ({@code --correlation-ms}); then it goes on without
 * and counts the fallback. Every successful syscall on the object since the path's previous change
 * becomes one of its writers ({@code fim.writers}, when two or more); the last is the actor. Only
 * changes {@code fim watch} saw as they happened are asked about, and not temporaries (no object to
 * join on). Not thread-safe: the correlator's thread asks.
 */
public final class AuditSource implements AttributionSource {
  /** The most writers one change keeps: the oldest, and the last (the actor). */
  static final int MAX_WRITERS = 32;

  /** Paths whose previous change's end is remembered (the oldest are forgotten first). */
  private static final int REMEMBERED_PATHS = 65_536;

  private final AuditAttributor audit;
  private final long windowNs;
  private final long queryWindowNs;
  private final Duration maxWait;
  private final LongSupplier wallNs;
  private long passedFallbacks;
  private long boundFallbacks;

  /**
   * Per path, the end of the span its last change's writers were taken from: a syscall is one
   * change's writer, not also the next one's.
   */
  private final RememberedSpans lastSpanEnd = new RememberedSpans(REMEMBERED_PATHS);

  /**
   * @param windowNs the longest a change may wait for its records, from when it was seen
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
    // Several writers: no pid, so the wait ends when the stream has passed the change, not at the
    // last one's own record (Sighting#withOthers says why).
    int pid = c.sighting() == null || c.sighting().othersToo() ? 0 : c.sighting().pid();
    long handedNs = wallNs.getAsLong();
    long waitNs = waitNs(c.seenNs(), handedNs, windowNs, maxWait.toNanos());
    ChangeQuery q = ChangeQuery.of(c.path(), c.inode(), pid, c.seenNs(), queryWindowNs);
    AuditedChange found = null;
    long boundedBefore = audit.waitsBounded();
    try {
      found = audit.answer(q, handedNs, Duration.ofNanos(waitNs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // no answer: the miss below
    }
    List<AuditedChange> all = writers(q, c.seenNs(), handedNs);
    if (!all.isEmpty()) {
      AuditedChange last = all.get(all.size() - 1);
      return Answer.found(last.actor(), null, all.size() < 2 ? null : toWriters(all));
    }
    if (found != null && found.actor() != null) {
      return Answer.found(found.actor(), null);
    }
    // one thread asks: the counter moved during this wait only if this wait reached its bound
    if (waitNs == 0 || audit.waitsBounded() > boundedBefore) {
      boundFallbacks++;
      return Answer.missed("no audit record matched within " + windowNs / 1_000_000 + " ms");
    }
    passedFallbacks++;
    return Answer.missed("no audit record matched (the audit stream had passed the change)");
  }

  /**
   * The audited syscalls on the change's object from the end of the path's previous change (at most
   * the query window before it was seen) until it was handed over.
   */
  private List<AuditedChange> writers(ChangeQuery q, long seenNs, long handedNs) {
    long from = seenNs - queryWindowNs;
    Long previous = lastSpanEnd.get(q.path());
    if (previous != null && previous >= from) {
      from = previous + 1;
    }
    lastSpanEnd.put(q.path(), handedNs);
    return audit.findAll(q, from, handedNs);
  }

  /**
   * The writers in order, a run of one process's identical syscalls as its first; at most {@link
   * #MAX_WRITERS} (the oldest, then the last).
   */
  static List<Writer> toWriters(List<AuditedChange> all) {
    List<Writer> out = new ArrayList<>(Math.min(all.size(), MAX_WRITERS));
    for (AuditedChange a : all) {
      Writer w = writer(a);
      if (!out.isEmpty()) {
        Writer prev = out.get(out.size() - 1);
        if (prev.sameProcess(w) && java.util.Objects.equals(prev.syscall(), w.syscall())) {
          continue;
        }
      }
      out.add(w);
    }
    if (out.size() > MAX_WRITERS) {
      Writer last = out.get(out.size() - 1);
      out = new ArrayList<>(out.subList(0, MAX_WRITERS - 1));
      out.add(last);
    }
    return out.size() < 2 ? null : out;
  }

  private static Writer writer(AuditedChange a) {
    dev.fim.store.Actor x = a.actor();
    return new Writer(
        x == null ? null : x.pid(),
        x == null ? null : x.executable(),
        x == null ? null : x.name(),
        x == null ? null : x.auid(),
        x == null ? null : x.uid(),
        a.syscall(),
        a.serial(),
        a.timeNs());
  }

  /** Changes reported without audit because the stream passed them with no record of theirs. */
  public long passedFallbacks() {
    return passedFallbacks;
  }

  /** Changes reported without audit because their wait reached {@code --correlation-ms}. */
  public long boundFallbacks() {
    return boundFallbacks;
  }

  /**
   * How long a change seen at {@code seenNs} may still wait for its record at {@code nowNs}: until
   * {@code windowNs} after it was seen, at most {@code maxWaitNs}, never negative.
   */
  static long waitNs(long seenNs, long nowNs, long windowNs, long maxWaitNs) {
    return Math.max(0, Math.min(seenNs + windowNs - nowNs, maxWaitNs));
  }
}
