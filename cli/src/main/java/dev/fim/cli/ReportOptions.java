package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The report options shared by {@code check} and {@code update}. */
final class ReportOptions {
  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ReportFormat format;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Write the report to FILE (atomically: a temporary file renamed into place); stdout then gets a one-line summary.")
  Path report;

  @Option(
      names = "--output",
      paramLabel = "OUTPUT",
      description = {
        "Also send each finding recorded in the change history, as event",
        "JSON, to OUTPUT (repeatable): file:PATH, syslog[:FACILITY] or",
        "journal, as fim watch --output; what the output missed since its",
        "last delivery (its cursor in the database) is sent first."
      })
  java.util.List<String> outputs;
}
