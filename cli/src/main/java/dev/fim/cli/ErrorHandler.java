package dev.fim.cli;

import dev.fim.store.SealException;
import dev.fim.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints what failed and why, in one line a person can act on; the stack trace only with {@code
 * --debug} (or for an internal error, which is a bug). Maps exception types to {@link ExitCodes}.
 */
final class ErrorHandler
    implements IExecutionExceptionHandler, CommandLine.IExitCodeExceptionMapper {
  // Both picocli interfaces in one named class, not a lambda or method reference: picocli's classes
  // are Java 5 class files, which Java 17's class-data archive can hold only while they stay
  // unlinked at dump time, and the dump links the interface of every lambda it archives. One such
  // lambda kept this class and six of picocli's out of the archive, and its runtime spinning cost
  // every command the lambda machinery's start-up (issue 18; LauncherIT checks the archive).
  @Override
  public int getExitCode(Throwable exception) {
    return exitCodeOf(exception);
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    boolean debug =
        parsed.hasMatchedOption("--debug")
            || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
    return report(e, cl.getErr(), debug);
  }

  /** Prints {@code e} as fim does for every command; its exit code. */
  static int report(Exception e, PrintWriter err, boolean debug) {
    StandardOutput.Failure output = StandardOutput.Failure.in(e);
    if (output != null) {
      // Not the command's own error, which may wrap it: the output is what failed. A closed pipe
      // says nothing (the reader stopped reading on purpose, as `fim history | head` does); a full
      // disk says so.
      if (!output.brokenPipe() || debug) {
        err.println("fim: " + output.getMessage());
      }
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.IO;
    }
    int code = exitCodeOf(e);
    err.println("fim: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (debug || code == ExitCodes.INTERNAL) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  static int exitCodeOf(Throwable e) {
    if (StandardOutput.Failure.in(e) != null) {
      return ExitCodes.IO;
    }
    if (e instanceof CommandLine.ParameterException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof ErrorHandler.ConfigError) {
      return ExitCodes.CONFIG;
    }
    if (e instanceof StoreException) {
      return ExitCodes.DATABASE;
    }
    if (e instanceof SealException) {
      return ExitCodes.SEAL;
    }
    if (e instanceof dev.fim.engine.ship.ShipException) {
      return ExitCodes.SHIP;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof dev.fim.auditlink.netlink.AuditRefusedException) {
        return ExitCodes.AUDIT; // also when wrapped, e.g. fim watch --attribution audit
      }
    }
    if (e instanceof dev.fim.auditlink.netlink.AuditLinkException) {
      return ExitCodes
          .IO; // the audit link failed (no socket, no answer): not a watch backend's failure
    }
    if (e instanceof dev.fim.store.sys.NativeException) {
      return ExitCodes.WATCH;
    }
    if (e instanceof InterruptedException) {
      return ExitCodes.INTERRUPTED;
    }
    if (e instanceof IOException) {
      return ExitCodes.IO;
    }
    return ExitCodes.INTERNAL;
  }

  /** A config problem that stops the command (its message is {@code file:line: reason}). */
  static final class ConfigError extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
