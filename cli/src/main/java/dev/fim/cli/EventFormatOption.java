package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * The {@code --format} of {@code history} and {@code who}, which print recorded events as {@link
 * EventLines}.
 */
final class EventFormatOption {
  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description =
          "text (one line per change, ending with who made it) or json (one event object per line, as "
              + "fim watch prints). Default: ${DEFAULT-VALUE}.")
  ReportFormat format;

  EventLines lines(PrintWriter out) {
    return new EventLines(out, format);
  }

  boolean isText() {
    return format == ReportFormat.TEXT;
  }
}
