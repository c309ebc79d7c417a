package dev.fim.cli.report;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The arrays a JSON report's batches are rendered into (~1.2 MB each), used again once the report's
 * thread has written them: a million-event report made ~1,000 of them, 1.15 GB of its ~5.8 GB of
 * allocation, each zeroed when made and written once. At most {@code capacity} are kept (the
 * batches in flight); when none is free a new one is made. (The other formats' batches are
 * characters encoded on the render thread; keeping their builders showed no gain in alternated
 * runs.) Thread-safe.
 */
final class RowBuffers {
  private final ArrayBlockingQueue<byte[]> bytes;

  RowBuffers(int capacity) {
    bytes = new ArrayBlockingQueue<>(capacity);
  }

  /** A free byte array of at least {@code size} bytes (what it held is left to be overwritten). */
  byte[] bytes(int size) {
    byte[] b = bytes.poll();
    return b != null && b.length >= size ? b : new byte[size];
  }

  /** Hands back an array from {@link #bytes} that nothing reads any more. */
  void free(byte[] b) {
    bytes.offer(b); // dropped when the pool is full
  }
}
