package dev.fim.baseline;

import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Collects a scan's output, thread-safe; fails on a path recorded twice. */
public final class CollectingSink implements ScanSink {
  public final Map<PathBytes, FileRecord> records = new ConcurrentSkipListMap<>();
  private final List<ScanProblem> problems = new ArrayList<>();

  @Override
  public void record(PathBytes path, FileRecord record) {
    if (records.putIfAbsent(path, record) != null) {
      throw new AssertionError("recorded twice: " + path);
    }
  }

  @Override
  public synchronized void problem(ScanProblem p) {
    problems.add(p);
  }

  public synchronized List<ScanProblem> problems() {
    return new ArrayList<>(problems);
  }

  public synchronized List<ScanProblem> problems(ScanProblem.Kind kind) {
    return problems.stream().filter(p -> p.kind() == kind).toList();
  }

  public FileRecord get(PathBytes p) {
    return records.get(p);
  }
}
