package dev.fim.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A kernel reader's {@code run} on a thread of its own, as {@code fim watch} runs it; what it
 * throws is kept.
 */
public final class ReaderThread {
  /** The reader's blocking loop. */
  @FunctionalInterface
  public interface Loop {
    void run() throws Exception;
  }

  private final Thread thread;
  private final List<Throwable> failures = new ArrayList<>();

  private ReaderThread(String name, Loop loop) {
    thread =
        new Thread(
            () -> {
              try {
                loop.run();
              } catch (Throwable t) {
                synchronized (failures) {
                  failures.add(t);
                }
              }
            },
            name);
  }

  public static ReaderThread start(String name, Loop loop) {
    ReaderThread r = new ReaderThread(name, loop);
    r.thread.start();
    return r;
  }

  /** Waits up to {@code millis} for the loop to return; true if it did. */
  public boolean join(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  /** What the loop threw (empty while it runs or if it returned normally). */
  public List<Throwable> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }
}
