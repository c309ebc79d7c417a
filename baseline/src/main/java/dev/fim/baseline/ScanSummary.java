package dev.fim.baseline;

import java.time.Duration;

/**
 * The totals of one finished scan. Immutable.
 *
 * @param files records of everything but directories (regular files, symlinks, FIFOs…)
 * @param directories records of directories
 * @param bytesHashed content bytes hashed (a file hashed again because it changed counts twice)
 * @param problems {@link ScanProblem}s reported
 * @param elapsed wall time of the scan
 */
public record ScanSummary(
    long files, long directories, long bytesHashed, long problems, Duration elapsed) {
  /** Hashing throughput in bytes per second (0 for an instant scan). */
  public double bytesPerSecond() {
    long ns = elapsed.toNanos();
    return ns == 0 ? 0 : bytesHashed * 1e9 / ns;
  }
}
