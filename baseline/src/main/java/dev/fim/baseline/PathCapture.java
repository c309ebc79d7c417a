package dev.fim.baseline;

import dev.fim.baseline.capture.XattrReader;
import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Captures one path as the scanner would, for the real-time engine: after a change notice it re-reads the path (lstat,
 * selection, xattrs, hash with the re-fstat check) and gets the same {@link FileRecord} a scan would have stored, so
 * watch and check compare like with like. Owns one set of native buffers; one instance per thread, not thread-safe.
 * Close it to free the hash buffer.
 *
 * <p>The path is taken whole (relative to no directory fd): its last component is never followed, its parents are
 * resolved by the kernel as they are now. That is right for a notice about a path that exists now; the scanner's
 * {@code RESOLVE_BENEATH} guard matters for long walks, not for one lookup.
 */
public final class PathCapture implements AutoCloseable {
  /**
   * What one capture found.
   *
   * @param record the path's record, or null when it does not exist now or the selection does not take it
   * @param descend true when the path is a directory the selection descends into (a subtree to scan)
   * @param problems what could not be read, in the scanner's words (empty normally)
   */
  public record Captured(FileRecord record, boolean descend, List<ScanProblem> problems) {
    public boolean exists() {
      return record != null;
    }
  }

  private final Collector collector = new Collector();
  private final ContentHasher hasher;
  private final EntryCapture capture;

  public PathCapture(Selector selector, int hashBufferBytes) {
    Objects.requireNonNull(selector, "selector");
    this.hasher = new ContentHasher(hashBufferBytes);
    this.capture = new EntryCapture(selector, new ScanOutput(collector), new DirCalls(), new XattrReader(), hasher);
  }

  /** Captures {@code path} (absolute) now. */
  public Captured capture(PathBytes path) {
    collector.reset();
    byte[] bytes = path.toBytes();
    boolean descend = capture.capture(DirCalls.AT_FDCWD, bytes, null, path, bytes) != null;
    return new Captured(collector.record, descend,
        collector.problems == null ? List.of() : List.copyOf(collector.problems));
  }

  @Override
  public void close() {
    hasher.close();
  }

  /** Keeps what the one capture delivers; the scanner's counters are not needed here. */
  private static final class Collector implements ScanSink {
    FileRecord record;
    List<ScanProblem> problems;

    void reset() {
      record = null;
      problems = null;
    }

    @Override
    public void record(PathBytes path, FileRecord r) {
      record = r;
    }

    @Override
    public void problem(ScanProblem p) {
      if (problems == null) {
        problems = new ArrayList<>(2);
      }
      problems.add(p);
    }
  }
}
