package dev.fim.report;

import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * {@code fim report}: the compliance report of a period, from the store's change history, approvals and watch
 * coverage, in one {@link ReportFormat}.
 *
 * <p>Two passes over the period's events, each a stream (nothing is held per event): the first totals them and
 * computes the digest of the data ({@link ReportDigest}), so the summary and the digest can head the report; the
 * second writes each change as it is read. Approvals are read beside the events (same key order), and only those
 * accepted by the report's time count, so the same report can be made again later ({@link ReportVerifier}).
 * Reads only; safe beside a running {@code fim watch} on a read-only store. Stateless.
 */
public final class ComplianceReport {
  private ComplianceReport() {}

  /**
   * What was written.
   *
   * @param sha256     the digest of the report's data (hex)
   * @param changes    changes in the period (overflow events not counted)
   * @param unapproved of which not approved
   * @param overflows  overflow (lost events) events in the period
   */
  public record Result(String sha256, long changes, long unapproved, long overflows) {}

  /** Writes the report of {@code p} to {@code out} (not closed). */
  public static Result write(Store store, ReportParameters p, Writer out) throws StoreException, IOException {
    Coverage coverage = Coverage.of(WatchCoverage.overlapping(store, p.fromNs(), p.untilNs()), p);
    Summary summary = new Summary(p, coverage);
    String sha;
    try (ReportDigest digest = new ReportDigest()) {
      forEach(store, p, (e, a) -> {
        summary.add(e, a);
        digest.change(e, a);
      });
      sha = digest.finish(summary);
    }
    ReportWriter w = switch (p.format()) {
      case TEXT -> new TextReport(out);
      case JSON -> new JsonReport(out);
      case CSV -> new CsvReport(out);
      case HTML -> new HtmlReport(out);
    };
    w.begin(summary, sha);
    forEach(store, p, w::change);
    w.end(summary, sha);
    out.flush();
    return new Result(sha, summary.changes, summary.unapproved(), summary.overflows);
  }

  private interface ChangeSink {
    void accept(ChangeEvent e, Approval a) throws IOException;
  }

  /** Each event of the period with its approval as of the report's time, oldest first. */
  private static void forEach(Store store, ReportParameters p, ChangeSink sink) throws StoreException, IOException {
    EventLog log = new EventLog(store);
    try (Approvals.Cursor approvals = new Approvals(store).cursor(p.fromNs())) {
      log.forEach(p.fromNs(), p.untilNs(), e -> {
        try {
          Approval a = approvals.of(e);
          sink.accept(e, a != null && a.acceptedNs() <= p.generatedNs() ? a : null);
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        } catch (StoreException ex) {
          throw new WrappedStoreException(ex);
        }
      });
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
