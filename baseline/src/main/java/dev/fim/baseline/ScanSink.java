package dev.fim.baseline;

import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;

/**
 * Where a {@link Scanner} delivers what it found: one call per selected path, one call per problem.
 * <strong>Called concurrently from all worker threads</strong>, in no particular order (not sorted,
 * not parents before children): implementations must be thread-safe, and should be quick (hand off
 * to a batch writer) since a worker waits for the call to return. An exception thrown from a call
 * stops the scan and is rethrown by {@link Scanner#scan}.
 */
public interface ScanSink {
  /**
   * A selected path and what was captured of it. {@code record.problem()} tells what is missing.
   */
  void record(PathBytes path, FileRecord record);

  /** Something the scan could not see or trust; the scan goes on. */
  void problem(ScanProblem problem);
}
