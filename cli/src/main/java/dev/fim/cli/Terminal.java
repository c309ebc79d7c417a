package dev.fim.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output streams. Always UTF-8, whatever the locale: under {@code LC_ALL=C} Java would print '?'
 * for every non-ASCII character, and a report must name paths exactly (bytes that are not UTF-8 are
 * already escaped as {@code \xNN} by {@code PathBytes.display()}).
 */
final class Terminal {
  private Terminal() {}

  /**
   * Standard output; a write that fails throws {@link StandardOutput.Failure} (exit 20) rather than
   * being ignored.
   */
  static PrintWriter stdout() {
    PrintWriter w =
        new PrintWriter(new OutputStreamWriter(StandardOutput.get(), StandardCharsets.UTF_8), true);
    stdoutWriter = w;
    return w;
  }

  /** The last writer {@link #stdout()} gave (no class of its own: one more to load per start). */
  private static volatile PrintWriter stdoutWriter;

  /**
   * The bytes under {@code out} when it is a writer {@link #stdout()} gave (UTF-8 over {@link
   * StandardOutput}): a command that has its text as UTF-8 already writes it there, after flushing
   * {@code out}. Null for any other writer.
   */
  static OutputStream bytesOf(PrintWriter out) {
    return out != null && out == stdoutWriter ? StandardOutput.get() : null;
  }

  static PrintWriter stderr() {
    return new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
        true);
  }

  /** Whether stderr is a terminal (progress lines only then: cron mail stays clean). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/")
          || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (Exception e) {
      return false;
    }
  }
}
