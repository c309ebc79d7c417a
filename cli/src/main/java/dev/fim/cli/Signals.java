package dev.fim.cli;

import sun.misc.Signal;

/**
 * Signal handling for long-running commands: SIGINT and SIGTERM ask for an orderly stop (so {@code
 * fim watch} flushes the store and exits 0, instead of the JVM's default exit 130/143 from a
 * shutdown hook), SIGHUP asks for log files to be reopened. {@code sun.misc.Signal} is the
 * supported way to do this in the JDK (module jdk.unsupported).
 */
final class Signals {
  private Signals() {}

  /**
   * Runs {@code stop} on SIGINT and SIGTERM; a second signal while stopping exits at once (status
   * 130).
   */
  static void onStop(Runnable stop) {
    boolean[] stopping = {false};
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(
          new Signal(name),
          s -> {
            synchronized (stopping) {
              if (stopping[0]) {
                Runtime.getRuntime().halt(128 + s.getNumber());
              }
              stopping[0] = true;
            }
            stop.run();
          });
    }
  }

  /**
   * For a job that runs on the calling thread (init, check, update, accept): SIGINT and SIGTERM
   * interrupt that thread, so the job stops at its next safe point and the command exits {@link
   * ExitCodes#INTERRUPTED} with a message, instead of the JVM's silent exit 130/143. A second
   * signal exits at once (128 + its number). Closing restores the handlers there were before
   * (in-process callers, such as the tests, outlive the command).
   */
  static Interruption interruptOnStop() {
    return new Interruption(Thread.currentThread());
  }

  /** The handlers {@link #interruptOnStop} installed, and which signal came. */
  static final class Interruption implements AutoCloseable {
    private final java.util.Map<Signal, sun.misc.SignalHandler> previous =
        new java.util.HashMap<>();
    private volatile String received;

    private Interruption(Thread job) {
      for (String name : new String[] {"INT", "TERM"}) {
        Signal sig = new Signal(name);
        previous.put(
            sig,
            Signal.handle(
                sig,
                s -> {
                  synchronized (this) {
                    if (received != null) {
                      Runtime.getRuntime().halt(128 + s.getNumber());
                    }
                    received = "SIG" + s.getName();
                  }
                  job.interrupt();
                }));
      }
    }

    /** "SIGTERM" or "SIGINT" once one came, else null. */
    String received() {
      return received;
    }

    @Override
    public void close() {
      previous.forEach(Signal::handle);
    }
  }

  /** Runs {@code action} on every SIGHUP. */
  static void onHangup(Runnable action) {
    Signal.handle(new Signal("HUP"), s -> action.run());
  }
}
