package dev.fim.baseline;

import dev.fim.baseline.capture.XattrReader;
import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import jnr.constants.platform.Errno;

/**
 * Captures one path as the scanner would, for the real-time engine: after a change notice it
 * re-reads the path (lstat, selection, xattrs, hash with the re-fstat check) and gets the same
 * {@link FileRecord} a scan would have stored, so watch and check compare like with like. Owns one
 * set of native buffers; one instance per thread, not thread-safe. Close it to free the hash
 * buffer.
 *
 * <p>The path is taken whole (relative to no directory fd) when it is shorter than PATH_MAX, else
 * its parents are opened piece by piece ({@link DirCalls#locate}): its last component is never
 * followed, its parents are resolved as the kernel would resolve them now. That is right for a
 * notice about a path that exists now; the scanner's {@code RESOLVE_BENEATH} guard matters for long
 * walks, not for one lookup.
 */
public final class PathCapture implements AutoCloseable {
  /**
   * What one capture found.
   *
   * @param record the path's record, or null when it does not exist now or the selection does not
   *     take it
   * @param descend true when the path is a directory the selection descends into (a subtree to
   *     scan)
   * @param problems what could not be read, in the scanner's words (empty normally)
   */
  public record Captured(FileRecord record, boolean descend, List<ScanProblem> problems) {
    public boolean exists() {
      return record != null;
    }
  }

  private final Collector collector = new Collector();
  private final DirCalls calls = new DirCalls();
  private final ContentHasher hasher;
  private final EntryCapture capture;

  public PathCapture(Selector selector, int hashBufferBytes) {
    Objects.requireNonNull(selector, "selector");
    this.hasher = new ContentHasher(hashBufferBytes);
    this.capture =
        new EntryCapture(selector, new ScanOutput(collector), calls, new XattrReader(), hasher);
  }

  /** Captures {@code path} (absolute) now. */
  public Captured capture(PathBytes path) {
    collector.reset();
    byte[] bytes = path.toBytes();
    DirCalls.Located at;
    try {
      // A path longer than PATH_MAX (a deep tree): its parent is opened piece by piece, the entry
      // is looked up in it.
      at = calls.locate(bytes, path);
    } catch (NativeException e) {
      // as EntryCapture tells a failed lstat of the whole path
      return new Captured(
          null,
          false,
          List.of(
              e.is(Errno.ENOENT)
                  ? new ScanProblem(
                      path,
                      ScanProblem.Kind.VANISHED,
                      e.explain(null, "vanished since it was listed").getMessage())
                  : new ScanProblem(
                      path,
                      ScanProblem.Kind.UNREADABLE_ENTRY,
                      e.explain(null, "not recorded").getMessage())));
    }
    boolean descend;
    try {
      descend =
          capture.capture(at.dirFd(), at.name(), null, path, at.ownsFd() ? null : bytes) != null;
    } finally {
      calls.close(at);
    }
    return new Captured(
        collector.record,
        descend,
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
