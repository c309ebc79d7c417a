package dev.fim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.cli.report.ReportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fim audit status}: the kernel's audit state, as {@code auditctl -s} shows it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Print the kernel audit state (AUDIT_GET): enabled, failure, pid (and its process name),",
      "rate_limit, backlog_limit, lost, backlog, backlog_wait_time. Needs CAP_AUDIT_CONTROL (root).",
      "",
      "enabled: 0 off, 1 on, 2 on and locked until reboot (rules cannot change)."
    })
final class AuditStatusCommand implements Callable<Integer> {
  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description = "text (auditctl -s lines) or json (one object). Default: ${DEFAULT-VALUE}.")
  ReportFormat format;

  @Option(names = "--debug", description = "Print stack traces with errors.")
  boolean debug;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(spec.commandLine().getOut());
  }

  /**
   * Runs the usual lines, {@code fim audit status} with at most {@code --format text|json}, without
   * picocli, whose model of {@code audit} and its subcommands (annotations read, proxy classes
   * generated) was a fifth of the command's start (issue 18); null for any other line, which
   * picocli reads (help, {@code --debug}, a repeated or unknown option, another format, an error).
   * An error of the command is printed as picocli's handler prints it ({@link ErrorHandler}).
   */
  static Integer runQuick(String[] args, PrintWriter out, PrintWriter err) {
    AuditStatusCommand c = quick(args);
    if (c == null) {
      return null;
    }
    try {
      return c.run(out);
    } catch (Exception e) {
      return ErrorHandler.report(e, err, false);
    }
  }

  /** The command of a usual line, its fields as picocli fills them; null for any other line. */
  static AuditStatusCommand quick(String[] args) {
    if (args.length < 2 || !args[0].equals("audit") || !args[1].equals("status")) {
      return null;
    }
    AuditStatusCommand c = new AuditStatusCommand();
    c.format = ReportFormat.TEXT; // the option's defaultValue
    if (args.length == 2) {
      return c;
    }
    ReportFormat f = args.length == 4 && args[2].equals("--format") ? TextOrJson.of(args[3]) : null;
    if (f == null) {
      return null;
    }
    c.format = f;
    return c;
  }

  private int run(PrintWriter out) throws IOException {
    AuditStatus s;
    try (AuditClient c = AuditClient.open()) {
      s = c.status();
    }
    String pidName = s.pid() == 0 ? null : processName(s.pid());
    if (format == ReportFormat.JSON) {
      json(out, s, pidName);
    } else {
      out.println(
          "enabled " + s.enabled() + (s.immutable() ? " (locked: immutable until reboot)" : ""));
      out.println("failure " + s.failure());
      out.println("pid " + s.pid() + (pidName == null ? "" : " (" + pidName + ")"));
      out.println("rate_limit " + s.rateLimit());
      out.println("backlog_limit " + s.backlogLimit());
      out.println("lost " + s.lost());
      out.println("backlog " + s.backlog());
      out.println("backlog_wait_time " + s.backlogWaitTime());
      out.println("backlog_wait_time_actual " + s.backlogWaitTimeActual());
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void json(PrintWriter out, AuditStatus s, String pidName) throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("enabled", s.enabled());
      g.writeNumberField("failure", s.failure());
      g.writeNumberField("pid", s.pid());
      if (pidName == null) {
        g.writeNullField("pid_name");
      } else {
        g.writeStringField("pid_name", pidName);
      }
      g.writeNumberField("rate_limit", s.rateLimit());
      g.writeNumberField("backlog_limit", s.backlogLimit());
      g.writeNumberField("lost", s.lost());
      g.writeNumberField("backlog", s.backlog());
      g.writeNumberField("backlog_wait_time", s.backlogWaitTime());
      g.writeNumberField("backlog_wait_time_actual", s.backlogWaitTimeActual());
      g.writeNumberField("feature_bitmap", s.featureBitmap());
      g.writeEndObject();
    }
    out.println();
  }

  /** /proc/PID/comm, or null when the process is gone or unreadable (the name is only a hint). */
  private static String processName(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "comm")),
              StandardCharsets.UTF_8)
          .strip();
    } catch (IOException e) {
      return null;
    }
  }
}
