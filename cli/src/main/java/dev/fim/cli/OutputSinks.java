package dev.fim.cli;

import dev.fim.engine.sink.Destination;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.sink.Outputs;
import dev.fim.engine.sink.ResumingSink;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * The {@code --output} values of a command: files, syslog and the journal as {@link ResumingSink}s
 * (one queue, thread and delivery cursor each), standard output written directly ({@link
 * Outputs#direct}); closing delivers what is left and closes them.
 */
final class OutputSinks implements AutoCloseable {
  /** Events queued per output before it falls behind and catches up from the store. */
  static final int QUEUE = 4096;

  /** How long the end of a command waits for an output to deliver what is left. */
  static final long GRACE_NS = TimeUnit.SECONDS.toNanos(5);

  private final List<EventSink> sinks = new ArrayList<>();
  private final List<ResumingSink> queued = new ArrayList<>();

  private OutputSinks() {}

  /**
   * Parses and opens {@code values} (default: standard output). Usage errors (an unknown facility,
   * the same output twice, {@code stdout} where it is not allowed) are ParameterExceptions.
   */
  static OutputSinks open(
      CommandLine cl,
      List<String> values,
      boolean json,
      OutputStream stdout,
      boolean stdoutAllowed,
      Consumer<String> status)
      throws IOException {
    Map<String, Outputs.Spec> specs = new LinkedHashMap<>();
    for (String v : values == null || values.isEmpty() ? List.of("stdout") : values) {
      Outputs.Spec s;
      try {
        s = Outputs.parse(v);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, "--output " + v + ": " + e.getMessage());
      }
      if (s.kind() == Outputs.Kind.STDOUT && !stdoutAllowed) {
        throw new CommandLine.ParameterException(
            cl,
            "--output stdout: the report goes to standard output; name a file, syslog or journal");
      }
      if (specs.put(s.name(), s) != null) {
        throw new CommandLine.ParameterException(cl, "--output " + v + " is given twice");
      }
    }
    OutputSinks out = new OutputSinks();
    try {
      for (Outputs.Spec s : specs.values()) {
        if (s.kind() == Outputs.Kind.STDOUT) {
          out.sinks.add(Outputs.direct(json, stdout));
          continue;
        }
        Destination d = Outputs.open(s, json);
        ResumingSink q = new ResumingSink(d, QUEUE, GRACE_NS, status);
        out.queued.add(q);
        out.sinks.add(q);
      }
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  List<EventSink> sinks() {
    return List.copyOf(sinks);
  }

  /** SIGHUP: files are reopened (after log rotation). */
  void reopen() {
    for (ResumingSink s : queued) {
      s.destination().reopen();
    }
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (EventSink s : sinks) {
      try {
        s.close();
      } catch (RuntimeException e) { // standard output that cannot be written: exit 20 after all
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
