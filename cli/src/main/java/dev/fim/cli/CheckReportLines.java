package dev.fim.cli;

/**
 * The summary lines of a check's or update's text report, written without {@code
 * String.format(Locale.ROOT, …)}: the first {@code Formatter} call in the root locale sets up the
 * JDK's locale data (the CLDR provider, its resource bundles, {@code DecimalFormatSymbols}), ~10 ms
 * of CPU that the preload thread spent on every check so that the main thread would find it done
 * (issue 18). Written out, the lines need none of it; the text is {@code String.format}'s, as
 * {@code CheckReportLinesTest} checks over many values ({@link RootNumbers} for {@code %,d} and
 * {@code %.1f}; {@code %d} of the root locale is {@code Long.toString}; {@code %n} is {@code \n} on
 * Linux).
 */
final class CheckReportLines {
  private CheckReportLines() {}

  /** {@code fim %s of %s at %s (%.1f s)%n}. */
  static String header(String command, Object dir, String startedAt, double seconds) {
    return "fim "
        + command
        + " of "
        + dir
        + " at "
        + startedAt
        + " ("
        + RootNumbers.oneDecimal(seconds)
        + " s)\n";
  }

  /** {@code Scanned: %,d files, %,d directories, %s hashed%s%n}. */
  static String scanned(long files, long directories, String hashed, String under) {
    return "Scanned: "
        + RootNumbers.grouped(files)
        + " files, "
        + RootNumbers.grouped(directories)
        + " directories, "
        + hashed
        + " hashed"
        + under
        + "\n";
  }

  /** {@code Summary: %d added, %d removed, %d changed, %d problems%n}. */
  static String summary(long added, long removed, long changed, long problems) {
    return "Summary: " + counts(added, removed, changed, problems) + "\n";
  }

  /**
   * {@code fim %s: %d added, %d removed, %d changed, %d problems (%,d entries scanned)}: stdout's
   * line when the report goes to a file.
   */
  static String summaryLine(
      String command, long added, long removed, long changed, long problems, long entries) {
    return "fim "
        + command
        + ": "
        + counts(added, removed, changed, problems)
        + " ("
        + RootNumbers.grouped(entries)
        + " entries scanned)";
  }

  /** {@code %d added, %d removed, %d changed, %d problems}: both summaries' counts. */
  private static String counts(long added, long removed, long changed, long problems) {
    return added
        + " added, "
        + removed
        + " removed, "
        + changed
        + " changed, "
        + problems
        + " problems";
  }

  /** {@code fim: %d entr%s could not be checked (exit bit 8); see Problems in the report}. */
  static String unchecked(long entries) {
    return "fim: "
        + entries
        + (entries == 1 ? " entry" : " entries")
        + " could not be checked (exit bit 8); see Problems in the report";
  }
}
