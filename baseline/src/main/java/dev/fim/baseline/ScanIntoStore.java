package dev.fim.baseline;

import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.StoreException;
import java.util.function.Consumer;

/**
 * A scan whose records go straight into a store column through a batched {@link RecordWriter}: what
 * init, check and update do with the {@code scan}/{@code baseline} columns and what watch does with
 * {@code current} and rescans. A store failure in a worker thread (a full disk) stops the scan and
 * is rethrown as the {@link StoreException} it was.
 */
public final class ScanIntoStore {
  private ScanIntoStore() {}

  /**
   * Scans what {@code selector} selects into {@code writer}, then closes the writer.
   *
   * @param problems receives each problem, from the worker threads (must be thread-safe)
   */
  public static ScanSummary scan(
      Scanner scanner, Selector selector, RecordWriter writer, Consumer<ScanProblem> problems)
      throws StoreException, InterruptedException {
    try (writer) {
      return scanner.scan(
          selector,
          new ScanSink() {
            @Override
            public void record(PathBytes path, FileRecord record) {
              try {
                writer.put(path, record);
              } catch (StoreException e) {
                throw new SinkFailure(e); // the scanner stops at the first exception a sink throws
              }
            }

            @Override
            public void problem(ScanProblem p) {
              problems.accept(p);
            }
          });
    } catch (SinkFailure e) {
      throw e.cause;
    }
  }

  /** Carries a store failure out of the scanner's worker threads. */
  private static final class SinkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient StoreException cause;

    SinkFailure(StoreException cause) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
    }
  }
}
