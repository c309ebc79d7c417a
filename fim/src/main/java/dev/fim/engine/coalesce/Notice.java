package dev.fim.engine.coalesce;

import dev.fim.engine.attribute.Sighting;
import dev.fim.store.PathBytes;

/**
 * Everything the sources said about one path within one coalescing window, merged: the union of the
 * {@link dev.fim.engine.source.ChangeListener} flags, the first and last time, the last pid (with
 * what was seen of its process, a {@link Sighting}), and the other end of a rename. Handed to the
 * comparator, which reads the path's state and decides what (if anything) changed. Mutable only
 * while the {@link Coalescer} holds it (under its lock); the comparator only reads it.
 */
public final class Notice {
  private final PathBytes path;
  private final long firstNs;
  private final long firstWallNs;
  int what;
  boolean directory;
  Sighting sighting = Sighting.NONE;
  long lastNs;
  int count;
  PathBytes partner;
  boolean ready;
  boolean taken;

  /** What it holds of the heap while pending, by {@link Coalescer#weight} (plus its partner). */
  long bytes;

  Notice(PathBytes path, long nowNs, long wallNs) {
    this.path = path;
    this.firstNs = nowNs;
    this.firstWallNs = wallNs;
    this.lastNs = nowNs;
  }

  public PathBytes path() {
    return path;
  }

  /** The merged {@link dev.fim.engine.source.ChangeListener} flags. */
  public int what() {
    return what;
  }

  /** True if any of {@code flags} was seen. */
  public boolean has(int flags) {
    return (what & flags) != 0;
  }

  /** A source said the object is a directory. */
  public boolean directory() {
    return directory;
  }

  /** The pid of the last event that had one, else 0. */
  public int pid() {
    return sighting.pid();
  }

  /**
   * What was seen of the writer of the last event with a pid, as it arrived ({@link Sighting#NONE}
   * if no event had one): handed on to the correlator.
   */
  public Sighting sighting() {
    return sighting;
  }

  /** Monotonic time (the coalescer's clock) of the first event. */
  public long firstNs() {
    return firstNs;
  }

  /** Wall-clock time (ns since the epoch) of the first event: when the change was seen. */
  public long firstWallNs() {
    return firstWallNs;
  }

  /** Events merged into this notice. */
  public int count() {
    return count;
  }

  /** The other end of a rename this path took part in, or null. */
  public PathBytes partner() {
    return partner;
  }

  @Override
  public String toString() {
    return "Notice["
        + path
        + ", what=0x"
        + Integer.toHexString(what)
        + ", count="
        + count
        + (partner != null ? ", partner=" + partner : "")
        + "]";
  }
}
