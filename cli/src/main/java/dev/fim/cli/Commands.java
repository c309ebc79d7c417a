package dev.fim.cli;

/** Process-wide facts the commands share: the raw argument bytes (see {@link RawArgs}). */
final class Commands {
  static RawArgs rawArgs = RawArgs.fromProcCmdline(new String[0]);

  private Commands() {}
}
