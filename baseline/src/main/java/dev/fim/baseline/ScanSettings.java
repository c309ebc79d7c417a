package dev.fim.baseline;

/**
 * How a {@link Scanner} runs (not what it selects: that is the {@link Selector}). Immutable.
 *
 * @param threads worker threads; 0 means one per available processor
 * @param hashBufferBytes per-thread native read buffer: files up to this size are read whole into
 *     it, larger ones through it chunk by chunk (never mapped: see {@link
 *     dev.fim.baseline.hash.ContentHasher}); at least 4096
 */
public record ScanSettings(int threads, int hashBufferBytes) {
  public static final int DEFAULT_HASH_BUFFER = 1 << 20;

  public ScanSettings {
    if (threads < 0) {
      throw new IllegalArgumentException(
          "threads must be 0 (one per processor) or more, got " + threads);
    }
    if (hashBufferBytes < 4096) {
      throw new IllegalArgumentException(
          "hashBufferBytes must be at least 4096, got " + hashBufferBytes);
    }
  }

  /** All processors, 1 MiB buffers. */
  public static ScanSettings defaults() {
    return new ScanSettings(0, DEFAULT_HASH_BUFFER);
  }

  public ScanSettings withThreads(int n) {
    return new ScanSettings(n, hashBufferBytes);
  }

  /** The thread count this setting means on this machine. */
  public int effectiveThreads() {
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }
}
