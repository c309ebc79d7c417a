package dev.fim.cli;

/** Output formats of check/update reports. */
enum ReportFormat {
  text,
  json
}
