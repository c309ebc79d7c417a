package dev.fim.engine;

/** Joining the engine's threads at shutdown. */
final class Threads {
  private Threads() {}

  /**
   * Waits for {@code t} to end; an interrupt meanwhile does not cut the wait short (shutdown must
   * see everything recorded) but is kept for the caller.
   */
  static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
