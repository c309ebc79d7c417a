package dev.fim.baseline;

import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sink of one scan plus its live counters: every record and problem passes here, so the counts
 * and the sink cannot disagree. Thread-safe (LongAdders; the sink is thread-safe by contract).
 */
final class ScanOutput {
  private final ScanSink sink;
  final LongAdder entriesDiscovered = new LongAdder();
  final LongAdder bytesDiscovered = new LongAdder();
  final LongAdder entriesDone = new LongAdder();
  final LongAdder bytesHashed = new LongAdder();
  private final LongAdder files = new LongAdder();
  private final LongAdder directories = new LongAdder();
  private final LongAdder problems = new LongAdder();

  ScanOutput(ScanSink sink) {
    this.sink = sink;
  }

  void record(PathBytes path, FileRecord record) {
    (record.type() == FileType.DIRECTORY ? directories : files).increment();
    sink.record(path, record);
  }

  void problem(PathBytes path, ScanProblem.Kind kind, String message) {
    problems.increment();
    sink.problem(new ScanProblem(path, kind, message));
  }

  ScanProgress progress() {
    return new ScanProgress(
        entriesDiscovered.sum(),
        bytesDiscovered.sum(),
        entriesDone.sum(),
        bytesHashed.sum(),
        problems.sum());
  }

  ScanSummary summary(java.time.Duration elapsed) {
    return new ScanSummary(
        files.sum(), directories.sum(), bytesHashed.sum(), problems.sum(), elapsed);
  }
}
