package dev.fim.cli.report;

import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A report's data from the local store: events in time order, approvals beside them. */
final class StoreSource implements ReportSource {
  private final Store store;
  private final EventLog log;

  StoreSource(Store store) throws StoreException {
    this.store = store;
    this.log = new EventLog(store);
  }

  @Override
  public List<WatchCoverage.Interval> coverage(long fromNs, long untilNs) throws StoreException {
    return WatchCoverage.overlapping(store, fromNs, untilNs);
  }

  @Override
  public ChangeEvent decode(byte[] stored) throws StoreException {
    return log.decode(stored);
  }

  /**
   * Each event of the period, undecoded (its stored bytes), with its approval as of the report's
   * time (and the approval's stored bytes), oldest first; the approvals' cursor hands every record
   * it steps past to {@code passed}.
   */
  @Override
  public Stopped forEach(ReportParameters p, Sink sink, PassedApprovals passed)
      throws StoreException, IOException {
    try (Approvals.Cursor approvals = new Approvals(store).cursor(p.fromNs(), passed::approval)) {
      byte[] events =
          log.forEachRaw(
              p.fromNs(),
              p.untilNs(),
              (key, stored) -> {
                try {
                  Approval a = approvals.ofKey(key);
                  boolean counts = a != null && a.acceptedNs() <= p.generatedNs();
                  sink.accept(
                      key,
                      null,
                      null,
                      stored,
                      counts ? a : null,
                      counts ? approvals.lastStored() : null);
                } catch (IOException ex) {
                  throw new UncheckedIOException(ex);
                } catch (StoreException ex) {
                  throw new WrappedStoreException(ex);
                }
              });
      return new Stopped(events, approvals.position());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (WrappedStoreException e) {
      throw (StoreException) e.getCause();
    }
  }

  /** Carries a StoreException out of the event callback. */
  private static final class WrappedStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrappedStoreException(StoreException cause) {
      super(cause);
    }
  }
}
