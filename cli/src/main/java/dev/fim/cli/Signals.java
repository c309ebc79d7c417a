package dev.fim.cli;

import sun.misc.Signal;

/**
 * Signal handling for long-running commands: SIGINT and SIGTERM ask for an orderly stop (so {@code fim watch} flushes
 * the store and exits 0, instead of the JVM's default exit 130/143 from a shutdown hook), SIGHUP asks for log files
 * to be reopened. {@code sun.misc.Signal} is the supported way to do this in the JDK (module jdk.unsupported).
 */
final class Signals {
  private Signals() {}

  /** Runs {@code stop} on SIGINT and SIGTERM; a second signal while stopping exits at once (status 130). */
  static void onStop(Runnable stop) {
    boolean[] stopping = {false};
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> {
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

  /** Runs {@code action} on every SIGHUP. */
  static void onHangup(Runnable action) {
    Signal.handle(new Signal("HUP"), s -> action.run());
  }
}
