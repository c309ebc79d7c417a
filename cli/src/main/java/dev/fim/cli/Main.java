package dev.fim.cli;

/** Entry point of {@code fim}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Preload.startFor(args);
    System.exit(FimCommand.commandLine(RawArgs.fromProcCmdline(args), args).execute(args));
  }
}
