package dev.fim.cli;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.search.AuditSearch;
import dev.fim.auditlink.search.EventWriter;
import dev.fim.auditlink.search.InputFiles;
import dev.fim.auditlink.search.LocalZone;
import dev.fim.auditlink.search.SearchJson;
import dev.fim.auditlink.search.SearchSettings;
import dev.fim.auditlink.search.SearchStats;
import dev.fim.auditlink.search.SearchText;
import dev.fim.auditlink.search.SearchTrace;
import dev.fim.auditlink.search.TimeSpec;
import dev.fim.cli.report.ReportFormat;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code fim audit search}'s options and the search they ask for. picocli fills them through {@link
 * AuditSearchCommand}'s mixin, {@link AuditSearchArgs} directly (the quick way in). Nothing here
 * refers to picocli's classes except through annotations, which the JVM reads only when asked: the
 * quick way never opens picocli's jar (~18 ms: its Java 5 classes cannot be in the class data
 * sharing archive).
 */
final class AuditSearchOptions {
  @Option(
      names = {"--input", "-if"},
      paramLabel = "FILE",
      description =
          "Audit log to read (repeatable; default: /var/log/audit/audit.log and its rotations).")
  List<Path> inputs = new ArrayList<>();

  @Option(
      names = {"-k", "--key"},
      paramLabel = "KEY",
      description = "Events whose rule key contains KEY (exact with -w).")
  String key;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "PATH",
      description = "Events naming a file whose path contains PATH (exact with -w).")
  String file;

  @Option(
      names = {"-ua", "--uid-all"},
      paramLabel = "USER",
      description = "Events whose auid, uid or euid is USER (name or number).")
  String auid;

  @Option(
      names = {"-ts", "--start"},
      paramLabel = "TIME",
      description =
          "Events at or after TIME: ISO-8601 (2026-11-25T10:00:00Z), relative (-24h, 7d, 30m), now, today, yesterday.")
  String start;

  @Option(
      names = {"-te", "--end"},
      paramLabel = "TIME",
      description = "Events at or before TIME (same forms as -ts).")
  String end;

  @Option(
      names = {"-w", "--word"},
      description = "Match -k and -f exactly instead of as a substring (ausearch's -w).")
  boolean exact;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description =
          "text (ausearch -i style blocks) or json (one object per line) (default: ${DEFAULT-VALUE}).")
  ReportFormat format;

  /**
   * Runs {@code fim audit search} without picocli when {@link AuditSearchArgs} can read {@code
   * args} and the criteria are valid; null when picocli must parse the line (then it also reports
   * the error, the same way as for any other command).
   */
  static Integer runQuick(RawArgs raw, String[] args, PrintWriter out, PrintWriter err) {
    SearchTrace.mark("reading the options");
    AuditSearchOptions c = AuditSearchArgs.parse(args);
    if (c == null) {
      return null;
    }
    Commands.rawArgs = raw;
    AuditSearch s;
    try {
      s = c.prepare();
    } catch (IllegalArgumentException e) {
      return null;
    }
    try {
      return c.search(s, out, err);
    } catch (Exception e) {
      return ErrorHandler.report(e, err, false);
    }
  }

  /**
   * The search the options ask for; IllegalArgumentException (with the reason) for an option that
   * is not valid: a time that cannot be read, an empty value, a user passwd does not know.
   */
  AuditSearch prepare() {
    SearchTrace.mark("command parsed");
    Instant now = Instant.now();
    ZoneId zone =
        LocalZone.systemDefault(); // ZoneId.systemDefault(), without the rules provider for UTC
    SearchSettings s = SearchSettings.all().withExact(exact);
    if (key != null) {
      s = s.withKey(key);
    }
    if (file != null) {
      s = s.withPath(Commands.rawArgs.bytesOf(file));
    }
    if (auid != null) {
      s = s.withAuid(auid);
    }
    if (start != null || end != null) {
      s =
          s.withTime(
              start == null ? null : TimeSpec.parse(start, now, zone),
              end == null ? null : TimeSpec.parse(end, now, zone));
    }
    return new AuditSearch(s);
  }

  /** Runs {@code search}, writing events to {@code out} and notes to {@code err}; the exit code. */
  int search(AuditSearch search, PrintWriter out, PrintWriter err) throws Exception {
    try {
      return searchInputs(search, out, err);
    } catch (java.nio.file.FileSystemException e) {
      // The JDK's message is the bare path: say what could not be done and why.
      throw new java.io.IOException("cannot read " + e.getFile() + ": " + InputFiles.reason(e), e);
    }
  }

  private int searchInputs(AuditSearch search, PrintWriter out, PrintWriter err) throws Exception {
    ZoneId zone =
        LocalZone.systemDefault(); // ZoneId.systemDefault(), without the rules provider for UTC
    List<Path> files =
        inputs.isEmpty() ? InputFiles.rotations(Path.of("/var/log/audit/audit.log")) : inputs;
    Interpreter names = new Interpreter(AccountSource.system());
    Supplier<EventWriter> writers;
    if (format == ReportFormat.JSON) {
      writers = new SearchJson(names).lines();
    } else {
      writers = new TextWriters(names, zone);
    }
    SearchStats stats;
    OutputStream bytes = Terminal.bytesOf(out);
    if (bytes != null) {
      // fim's own stdout: the events' UTF-8 (encoded on the search threads) written as it is.
      out.flush();
      BufferedOutputStream b = new BufferedOutputStream(bytes, 1 << 16);
      stats = search.run(files, writers, b);
      b.flush();
    } else {
      BufferedWriter w = new BufferedWriter(out, 1 << 16);
      stats = search.run(files, writers, w);
      w.flush();
    }
    SearchTrace.mark("output written");
    if (stats.garbage() > 0) {
      err.println("fim: " + stats.garbage() + " unparseable lines skipped");
    }
    if (stats.eventsMatched() == 0) {
      err.println("<no matches>");
      return 1;
    }
    return ExitCodes.OK;
  }

  /**
   * A text renderer for each search thread. A named class, not a lambda (nor a method reference):
   * the main thread asks for the writers before the first byte is read, and a lambda's first link
   * there ran the lambda machinery (method handles spun, ~3 ms) on the search's critical path.
   */
  private static final class TextWriters implements Supplier<EventWriter> {
    private final Interpreter names;
    private final ZoneId zone;

    TextWriters(Interpreter names, ZoneId zone) {
      this.names = names;
      this.zone = zone;
    }

    @Override
    public EventWriter get() {
      return new SearchText(names, zone);
    }
  }
}
