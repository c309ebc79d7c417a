package dev.fim.store.sys;

import com.kenai.jffi.Type;

/**
 * A signal's disposition set through the C library, for the one thing the JVM will not do: take
 * over a SIGHUP that the process was started with ignored. {@code nohup}, and some service
 * managers, start a program with SIGHUP set to SIG_IGN; the JVM then refuses to install a handler
 * for it ({@code Signal.handle} only answers SIG_IGN), so a long-running command whose SIGHUP means
 * "reload" would ignore every reload and log-rotation request, silently.
 */
public final class SignalDisposition {
  private SignalDisposition() {}

  /** {@code SIG_DFL}, the null handler. */
  private static final long SIG_DFL = 0;

  /** {@code SIG_ERR}, {@code (sighandler_t) -1}. */
  private static final long SIG_ERR = -1;

  /**
   * Sets signal {@code signo}'s disposition back to the default, so that the JVM can install its
   * handler over it. Between this call and that install the default action applies: call it only
   * right before installing, for a signal the caller handles.
   *
   * @throws NativeException with errno when the C library refuses (an invalid signal number)
   */
  public static void restoreDefault(int signo) throws NativeException {
    if (Functions.SIGNAL.call(signo, SIG_DFL) == SIG_ERR) {
      throw new NativeException("signal", LibcFunction.errno(), "signal " + signo);
    }
  }

  /** Looked up on first use only: a command whose SIGHUP is not ignored never loads jffi here. */
  private static final class Functions {
    static final LibcFunction SIGNAL =
        LibcFunction.of("signal", Type.POINTER, Type.SINT, Type.POINTER);
  }
}
