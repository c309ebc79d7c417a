package dev.fim.report;

import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code fim report}: the compliance report of a period, from the store's change history, approvals and watch
 * coverage, in one {@link ReportFormat}.
 *
 * <p>One pass over the period's events, as a stream (at most a few batches are held): each is rendered (its canonical
 * line for the digest of the data, {@link ReportDigest}, and its row) on the render threads, then totalled, added to
 * the digest and written as its row to a temporary body file, in order. Only then are the
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
    ReportWriter w = writer(p.format());
    Path spill = Files.createTempFile(spillDir, ".fim-report-", ".body");
    ExecutorService pool = Executors.newFixedThreadPool(RENDER_THREADS, r -> {
      Thread t = new Thread(r, "fim-report-render");
      t.setDaemon(true);
      return t;
    });
    try {
      String sha;
      try (OutputStream body = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
          ReportDigest digest = new ReportDigest()) {
        ArrayDeque<Future<Rendered>> inFlight = new ArrayDeque<>();
        List<ChangeEvent> events = new ArrayList<>(BATCH);
        List<Approval> approvals = new ArrayList<>(BATCH);
        boolean[] first = {true};
        forEach(store, p, (e, a) -> {
          events.add(e);
          approvals.add(a);
          if (events.size() == BATCH) {
            submit(pool, inFlight, p.format(), events, approvals, first);
            while (inFlight.size() > MAX_IN_FLIGHT) {
              take(inFlight.poll(), summary, digest, body);
            }
          }
        });
        if (!events.isEmpty()) {
          submit(pool, inFlight, p.format(), events, approvals, first);
        }
        while (!inFlight.isEmpty()) {
          take(inFlight.poll(), summary, digest, body);
        }
        sha = digest.finish(summary);
      }
      w.head(out, summary, sha);
      copy.copy(spill);
      w.end(out, summary, sha);
      out.flush();
      return new Result(sha, summary.changes, summary.unapproved(), summary.overflows);
    } finally {
      pool.shutdownNow();
      Files.deleteIfExists(spill);
    }
  }

  /**
   * Rendering (each event's canonical JSON for the digest, and its row in the report's format) is most of a report's
   * work: it runs on every core, in batches, while this thread reads the store; the batches are taken back in
   * order, so the digest and the rows are those of one sequential pass (bench/report.sh: 1M events).
   */
  private static final int RENDER_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final int BATCH = 1024;
  private static final int MAX_IN_FLIGHT = 2 * RENDER_THREADS;

  /** One batch rendered: its events and approvals (for the summary), its digest lines and its rows. */
  private record Rendered(List<ChangeEvent> events, List<Approval> approvals, ReportDigest.Lines lines,
      byte[] rows) {}

  private static ReportWriter writer(ReportFormat f) {
    return switch (f) {
      case TEXT -> new TextReport();
      case JSON -> new JsonReport();
      case CSV -> new CsvReport();
      case HTML -> new HtmlReport();
    };
  }

  private static void submit(ExecutorService pool, ArrayDeque<Future<Rendered>> inFlight, ReportFormat f,
      List<ChangeEvent> events, List<Approval> approvals, boolean[] first) {
    List<ChangeEvent> es = List.copyOf(events);
    List<Approval> as = new ArrayList<>(approvals); // may hold nulls
    boolean firstBatch = first[0];
    first[0] = false;
    events.clear();
    approvals.clear();
    inFlight.add(pool.submit(() -> render(f, es, as, firstBatch)));
  }

  private static Rendered render(ReportFormat f, List<ChangeEvent> events, List<Approval> approvals,
      boolean firstBatch) throws IOException {
    ReportDigest.Lines lines = new ReportDigest.Lines();
    ByteArrayOutputStream rows = new ByteArrayOutputStream(1 << 16);
    Writer text = new OutputStreamWriter(rows, StandardCharsets.UTF_8);
    ReportWriter w = f == ReportFormat.JSON ? null : writer(f);
    for (int i = 0; i < events.size(); i++) {
      lines.change(events.get(i), approvals.get(i));
      if (w == null) {
        rows.write(JsonReport.separator(firstBatch && i == 0));
        lines.writeLastTo(rows); // the JSON report's row is the canonical line itself
      } else {
        w.change(text, events.get(i), approvals.get(i));
      }
    }
    text.flush();
    lines.close();
    return new Rendered(events, approvals, lines, rows.toByteArray());
  }

  private static void take(Future<Rendered> f, Summary summary, ReportDigest digest, OutputStream body)
      throws IOException {
    Rendered r;
    try {
      r = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing the report");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
    for (int i = 0; i < r.events().size(); i++) {
      summary.add(r.events().get(i), r.approvals().get(i));
    }
    digest.update(r.lines());
    body.write(r.rows());
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
