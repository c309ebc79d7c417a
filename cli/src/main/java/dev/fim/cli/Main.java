package dev.fim.cli;

import java.io.PrintWriter;

/** Entry point of {@code fim}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("watch")) {
      // Before anything else: a SIGTERM while the watch starts must stop it in order (exit 0,
      // audit state restored), not end the JVM with 143 halfway through its start.
      Signals.holdStops();
      Signals.holdOperations();
    }
    Preload.startFor(args);
    PrintWriter err = Terminal.stderr();
    PrintWriter out = Terminal.stdout();
    int code;
    try {
      code = execute(args, out, err);
      StandardOutput.Failure met = StandardOutput.get().failure();
      if (met == null) {
        out.flush(); // what a command printed without a newline is written now: its failure counts
        // too
      } else if (code < ExitCodes.USAGE) {
        code =
            ErrorHandler.report(met, err, false); // met and not reported: the output is not whole
      }
    } catch (StandardOutput.Failure f) {
      code = ErrorHandler.report(f, err, false);
    } catch (Throwable t) {
      // An Error (out of memory, a class that cannot load) escapes the commands' handlers: exit
      // with the internal-error code, not the JVM's 1, which would read as "added" or "no match".
      err.println("fim: internal error: " + t);
      t.printStackTrace(err);
      err.flush();
      code = ExitCodes.INTERNAL;
    }
    System.exit(code);
  }

  /**
   * Runs the command line {@code args}; its exit code. {@code fim audit search} is read without
   * picocli when it can be ({@link AuditSearchArgs}: a one-shot search that should start fast), and
   * so are {@code fim --version} ({@link QuickVersion}) and the usual {@code fim check}, {@code
   * update} and {@code fim init} lines ({@link CheckArgs}, {@link InitArgs}) and those of {@code
   * history}, {@code who} and {@code report} ({@link QueryArgs}) and {@code fim audit status}
   * ({@link AuditStatusCommand#runQuick}); everything else, and every error, goes through picocli.
   */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    Integer version = QuickVersion.run(args, out, err);
    if (version != null) {
      return version;
    }
    RawArgs raw = RawArgs.fromProcCmdline(args);
    Integer quick = AuditSearchOptions.runQuick(raw, args, out, err);
    if (quick != null) {
      return quick;
    }
    Integer check = CheckArgs.runQuick(raw, args, out, err);
    if (check != null) {
      return check;
    }
    Integer init = InitArgs.runQuick(raw, args, out, err);
    if (init != null) {
      return init;
    }
    Integer query = QueryArgs.runQuick(raw, args, out, err);
    if (query != null) {
      return query;
    }
    Integer auditStatus = AuditStatusCommand.runQuick(args, out, err);
    if (auditStatus != null) {
      return auditStatus;
    }
    return PicocliLine.execute(raw, args, out, err);
  }
}
