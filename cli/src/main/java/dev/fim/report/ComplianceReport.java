package dev.fim.report;

import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code fim report}: the compliance report of a period, from the store's change history, approvals and watch
 * coverage, in one {@link ReportFormat}.
 *
 * <p>One pass over the period's events, as a stream (nothing is held per event): each is totalled, added to the
 * digest of the data ({@link ReportDigest}) and written as its row to a temporary body file. Only then are the
 * summary and digest known, so the report is the head (summary, digest), the body copied after it, and the end.
 * (Reading the events twice instead, once to total and once to write, cost a second decode of every event: about
 * 40 % more time at a million events, bench/report.sh.) The body file is in {@code spillDir} (beside the output, on
 * the same file system) and is deleted afterwards.
 *
 * <p>Approvals are read beside the events (same key order), and only those accepted by the report's time count, so
 * the same report can be made again later ({@link ReportVerifier}). Reads only; safe beside a running
 * {@code fim watch} on a read-only store. Stateless.
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

  /** Writes the report of {@code p} to {@code out} (flushed, not closed), with its temporary body in {@code spillDir}. */
  public static Result write(Store store, ReportParameters p, OutputStream out, Path spillDir)
      throws StoreException, IOException {
    Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    return write(store, p, spillDir, text, body -> {
      text.flush();
      Files.copy(body, out);
    });
  }

  /** As {@link #write(Store, ReportParameters, OutputStream, Path)}, to characters (e.g. a terminal's writer). */
  public static Result write(Store store, ReportParameters p, Writer out, Path spillDir)
      throws StoreException, IOException {
    return write(store, p, spillDir, out, body -> {
      try (Reader r = Files.newBufferedReader(body, StandardCharsets.UTF_8)) {
        r.transferTo(out);
      }
    });
  }

  private interface BodyCopy {
    void copy(Path body) throws IOException;
  }

  private static Result write(Store store, ReportParameters p, Path spillDir, Writer out, BodyCopy copy)
      throws StoreException, IOException {
    Coverage coverage = Coverage.of(WatchCoverage.overlapping(store, p.fromNs(), p.untilNs()), p);
    Summary summary = new Summary(p, coverage);
    ReportWriter w = switch (p.format()) {
      case TEXT -> new TextReport();
      case JSON -> new JsonReport();
      case CSV -> new CsvReport();
      case HTML -> new HtmlReport();
    };
    boolean json = p.format() == ReportFormat.JSON;
    Path spill = Files.createTempFile(spillDir, ".fim-report-", ".body");
    try {
      String sha;
      try (OutputStream bodyBytes = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
          Writer body = new OutputStreamWriter(bodyBytes, StandardCharsets.UTF_8);
          ReportDigest digest = new ReportDigest()) {
        boolean[] first = {true};
        forEach(store, p, (e, a) -> {
          summary.add(e, a);
          digest.change(e, a);
          if (json) {
            bodyBytes.write(JsonReport.separator(first[0]));
            digest.writeLineTo(bodyBytes);
          } else {
            w.change(body, e, a);
          }
          first[0] = false;
        });
        sha = digest.finish(summary);
      }
      w.head(out, summary, sha);
      copy.copy(spill);
      w.end(out, summary, sha);
      out.flush();
      return new Result(sha, summary.changes, summary.unapproved(), summary.overflows);
    } finally {
      Files.deleteIfExists(spill);
    }
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
