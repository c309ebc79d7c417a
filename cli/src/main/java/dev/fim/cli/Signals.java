package dev.fim.cli;

import dev.fim.store.sys.NativeException;
import dev.fim.store.sys.SignalDisposition;
import sun.misc.Signal;

/**
 * Signal handling for long-running commands: SIGINT and SIGTERM ask for an orderly stop (so {@code
 * fim watch} flushes the store and exits 0, instead of the JVM's default exit 130/143 from a
 * shutdown hook), SIGHUP asks for the config to be reloaded and log files to be reopened, SIGUSR1
 * for a status line. {@code sun.misc.Signal} is the supported way to do this in the JDK (module
 * jdk.unsupported).
 */
final class Signals {
  private Signals() {}

  /** The request {@link #holdStops} installed and no command has claimed yet. */
  private static StopRequest held;

  /**
   * Installs SIGINT and SIGTERM handlers that only record the request, so that a signal which
   * arrives while a long-running command is still starting (opening the database, installing audit
   * rules) is kept and acted on as soon as there is something to stop, instead of the JVM's default
   * exit 143 in the middle of the start. {@link Main} calls it first thing for {@code fim watch};
   * the command claims it with {@link #claimStops}.
   */
  static synchronized StopRequest holdStops() {
    if (held == null) {
      held = new StopRequest();
    }
    return held;
  }

  /**
   * The request {@link #holdStops} installed (so a signal that came earlier is not lost), or a new
   * one; either way no later command of this process gets it again.
   */
  static synchronized StopRequest claimStops() {
    StopRequest r = holdStops();
    held = null;
    return r;
  }

  /**
   * For an invocation that turns out not to be a long-running one ({@code fim watch --status}):
   * gives SIGINT and SIGTERM back the handlers they had before {@link #holdStops}, if it ran.
   */
  static synchronized void releaseStops() {
    if (held != null) {
      held.previous.forEach(Signal::handle);
      held = null;
    }
  }

  /**
   * SIGINT/SIGTERM, held from the moment the handlers went in: the first runs the stop action (at
   * once, or when one is set later); a second one while stopping exits at once (128 + its number).
   */
  static final class StopRequest {
    private final java.util.Map<Signal, sun.misc.SignalHandler> previous =
        new java.util.HashMap<>();
    private String received;
    private Runnable action;

    private StopRequest() {
      for (String name : new String[] {"INT", "TERM"}) {
        Signal sig = new Signal(name);
        previous.put(sig, Signal.handle(sig, this::signalled));
      }
    }

    private void signalled(Signal s) {
      Runnable run;
      synchronized (this) {
        if (received != null) {
          Runtime.getRuntime().halt(128 + s.getNumber());
        }
        received = "SIG" + s.getName();
        run = action;
      }
      if (run != null) {
        run.run();
      }
    }

    /** {@code stop} runs on the first signal; now, if it came already. */
    void whenRequested(Runnable stop) {
      boolean now;
      synchronized (this) {
        action = stop;
        now = received != null;
      }
      if (now) {
        stop.run();
      }
    }

    /** "SIGTERM" or "SIGINT" once one came, else null. */
    synchronized String received() {
      return received;
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

  /** SIGHUP's action; until the watch sets one, a SIGHUP is held ({@link HeldAction}). */
  private static final HeldAction hangup = new HeldAction();

  /** SIGUSR1's action, held likewise. */
  private static final HeldAction statusRequest = new HeldAction();

  private static boolean operationsInstalled;

  /**
   * SIGHUP and SIGUSR1 handlers that run whatever action is set now: their default would end the
   * JVM, so {@link Main} installs them with the stop handlers, before the watch starts. A signal
   * that comes before the watch has set its action is kept and acted on when it does (a reload
   * asked for while the watch was starting is not lost).
   */
  static synchronized void holdOperations() {
    if (!operationsInstalled) {
      handleEvenIfIgnored(new Signal("HUP"), s -> hangup.received());
      handleEvenIfIgnored(new Signal("USR1"), s -> statusRequest.received());
      operationsInstalled = true;
    }
  }

  /**
   * Installs {@code handler}, also when the process was started with the signal ignored. {@code
   * nohup fim watch} starts it with SIGHUP ignored, and the JVM will not install a handler over an
   * ignored SIGHUP ({@code Signal.handle} then only answers SIG_IGN): every reload and every
   * logrotate reopen would be dropped without a word. Here, fim's handler never ends the process
   * (SIGHUP reloads, SIGUSR1 reports), so what nohup protects against still holds; the disposition
   * is set back to the default through the C library and the handler installed over it. Between the
   * two calls (microseconds, at start only) the default action would apply.
   */
  private static void handleEvenIfIgnored(Signal signal, sun.misc.SignalHandler handler) {
    if (Signal.handle(signal, handler) != sun.misc.SignalHandler.SIG_IGN) {
      return;
    }
    try {
      SignalDisposition.restoreDefault(signal.getNumber());
      Signal.handle(signal, handler);
    } catch (NativeException | LinkageError e) {
      System.err.println(
          "fim: SIG"
              + signal.getName()
              + " is ignored in this process (started under nohup?) and fim could not handle it: "
              + e.getMessage()
              + "; it is ignored");
    }
  }

  /** Runs {@code action} on every SIGHUP from now on, and at once for one that was held. */
  static void onHangup(Runnable action) {
    holdOperations();
    hangup.set(action);
  }

  /** Runs {@code action} on every SIGUSR1 from now on, and at once for one that was held. */
  static void onStatusRequest(Runnable action) {
    holdOperations();
    statusRequest.set(action);
  }

  /**
   * A signal's action, or, until one is set, whether the signal came: the watch sets its actions
   * only once its watcher runs, after it printed its first status lines, and a SIGHUP sent in
   * between (by a test, an operator or logrotate that saw those lines) must not be dropped. Several
   * signals before the action are one, as the kernel folds pending signals.
   */
  static final class HeldAction {
    private Runnable action;
    private boolean held;

    void received() {
      Runnable a;
      synchronized (this) {
        a = action;
        if (a == null) {
          held = true;
          return;
        }
      }
      a.run();
    }

    void set(Runnable a) {
      boolean run;
      synchronized (this) {
        action = a;
        run = held;
        held = false;
      }
      if (run) {
        a.run();
      }
    }

    synchronized boolean held() {
      return held;
    }
  }
}
