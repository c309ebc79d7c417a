package dev.fim.baseline.accept;

import dev.fim.baseline.BaselineJob;
import dev.fim.store.Action;
import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.EventLog;
import dev.fim.store.PathBytes;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code fim accept PATH… --note TEXT}: the changes recorded for the paths (and everything below
 * them) become approved, and the paths' current state becomes their sealed baseline, so the next
 * {@code fim check} stops reporting them.
 *
 * <p>Order matters: the re-baseline runs first ({@link BaselineJob#accept()}: scan the paths,
 * record what differs from the baseline as origin {@code accept}, store and seal), then every not
 * yet approved change of the paths is approved, including those the re-baseline just recorded. So
 * nothing enters the baseline without being on record and approved. A database without a baseline
 * (only {@code fim watch} ran) gets the approvals alone.
 *
 * <p>Overflow events are not approvable (they say what was not seen, not what changed) and are left
 * alone. An approval is never changed: accepting a path again approves only what is new. Not
 * thread-safe; one per command.
 */
public final class Acceptance {
  /** Approvals are written in batches of this many (one atomic write each). */
  private static final int BATCH = 10_000;

  /**
   * What accept did.
   *
   * @param approved changes approved now
   * @param rebaseline the re-baseline's result, or null when the database holds no baseline
   */
  public record Outcome(int approved, BaselineJob.Result rebaseline) {
    /**
     * True when there was nothing to approve (and so nothing differed from the baseline either).
     */
    public boolean nothingToAccept() {
      return approved == 0;
    }
  }

  private final Store store;
  private final BaselineJob job;
  private final List<PathBytes> paths;

  /**
   * @param store the store, open for writing
   * @param job a baseline job whose scope is exactly {@code paths}
   * @param paths the accepted paths (absolute)
   */
  public Acceptance(Store store, BaselineJob job, List<PathBytes> paths) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("accept needs at least one path");
    }
    this.store = store;
    this.job = job;
    this.paths = List.copyOf(paths);
  }

  /** True when the database holds a baseline to update (else accept records approvals only). */
  public boolean hasBaseline() throws StoreException {
    return store.hasAny(Column.BASELINE) || store.getMeta("seal") != null;
  }

  /**
   * Re-baselines the paths (when there is a baseline), then approves their unapproved changes as
   * {@code who}, dated by {@code clock} (ns since the epoch) once the re-baseline is done: an
   * approval is never older than what it approves.
   */
  public Outcome run(AcceptingUser who, String note, java.util.function.LongSupplier clock)
      throws StoreException, SealException, InterruptedException {
    BaselineJob.Result rebaseline = hasBaseline() ? job.accept() : null;
    Approval approval =
        new Approval(clock.getAsLong(), who.auid(), who.auidName(), who.uid(), who.uidName(), note);
    return new Outcome(approve(approval), rebaseline);
  }

  private int approve(Approval approval) throws StoreException {
    EventLog log = new EventLog(store);
    Approvals approvals = new Approvals(store);
    // A move between two accepted trees is found under both names: approve it once.
    Set<Long> seen = new HashSet<>();
    List<ChangeEvent> pending = new ArrayList<>();
    StoreException[] failure = {null};
    int[] count = {0};
    for (PathBytes root : paths) {
      log.forTree(
          root,
          Long.MIN_VALUE,
          Long.MAX_VALUE,
          e -> {
            if (failure[0] != null || e.action() == Action.OVERFLOW || !seen.add(e.sequence())) {
              return;
            }
            try {
              if (approvals.get(e.timeNs(), e.sequence()) == null) {
                pending.add(e);
                if (pending.size() >= BATCH) {
                  approvals.approve(pending, approval);
                  count[0] += pending.size();
                  pending.clear();
                }
              }
            } catch (StoreException ex) {
              failure[0] = ex;
            }
          });
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    approvals.approve(pending, approval);
    return count[0] + pending.size();
  }
}
