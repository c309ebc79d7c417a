package dev.fim.cli;

import dev.fim.auditlink.search.TimeSpec;
import dev.fim.store.EventLog;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim history}: the change events recorded in the database, oldest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Print the changes recorded in the database (by check, update and watch), newest last.",
      "",
      "One line per change, as fim watch --format text prints it, followed by who made it where",
      "fim watch could tell (changes found by check have no writer: \"by unknown\" and why).",
      "",
      "PATH selects that path and everything below it (/etc matches /etc and /etc/hosts, not",
      "/etcetera), as the path or as the old path of a move. --since is inclusive, --until",
      "exclusive. Times: ISO-8601 (2026-11-25T10:00:00Z; 2026-11-25T10:00 and 2026-11-25 are local",
      "time), relative to now (-24h, 7d, 30m, 2w), or now, today, yesterday. Text lines show UTC.",
      "Exit 0, also when nothing matched (then text mode says so on stderr; json prints nothing).",
      "",
      "Reads the database without locking it, so it works beside a running fim watch",
      "(it sees what was recorded when it started).",
      "",
      "First verifies every recorded event, approval and coverage interval against the evidence",
      "chain (needs the seal key); exit 19, showing nothing, when any was deleted, added or edited",
      "outside fim (docs/security.md).",
      "",
      "Examples:",
      "  fim history --since -24h",
      "  fim history /etc --since 2026-11-01 --until 2026-12-01",
      "  fim history --format json /usr/bin | jq -r '.file.path'"
    })
final class HistoryCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..1",
      description = "Only changes of PATH and of everything below it (default: all).")
  String path;

  @Option(names = "--since", paramLabel = "TIME", description = "Changes at or after TIME.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Changes before TIME.")
  String until;

  @Mixin EventFormatOption output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(CommandStreams.of(spec));
  }

  /** Runs the command, printing to {@code io}; picocli's way or {@link QueryArgs}'s. */
  int run(CommandStreams io) throws Exception {
    Instant now = Instant.now();
    // ZoneId.systemDefault() but UTC without the JDK's zone rules provider, whose start opens every
    // jar of the class path looking for others (~20 ms of a tiny report's start, issue 18).
    ZoneId zone = dev.fim.auditlink.search.LocalZone.systemDefault();
    Instant from = since == null ? null : time(io, "--since", since, now, zone);
    Instant to = until == null ? null : time(io, "--until", until, now, zone);
    if (from != null && to != null && from.isAfter(to)) {
      throw io.usage(
          "--since " + since + " is after --until " + until + " (" + from + " > " + to + ")");
    }
    PathBytes root = path == null ? null : io.path(path);
    long fromNs = from == null ? Long.MIN_VALUE : epochNs(from);
    long untilNs = to == null ? Long.MAX_VALUE : epochNs(to);
    EventLines lines = output.lines(io.out);
    Preload.await(); // RocksDB's library, loaded while the line was read
    try (Store store = Store.open(common.dbDir(), Store.OpenMode.READ_ONLY)) {
      Evidence.require(common, store, io.err); // nothing shown from unverified evidence
      EventLog log = new EventLog(store);
      if (root == null) {
        log.forEach(fromNs, untilNs, lines::write);
      } else {
        log.forTree(root, fromNs, untilNs, lines::write);
      }
    } finally {
      lines.flush();
    }
    if (lines.written() == 0 && output.isText()) {
      io.err.println(
          "fim history: no changes recorded"
              + (root == null ? "" : " for " + root.display() + " or below it")
              + (from == null ? "" : " since " + from)
              + (to == null ? "" : " before " + to)
              + " in database "
              + common.dbDir());
    }
    return ExitCodes.OK;
  }

  private static Instant time(
      CommandStreams io, String option, String text, Instant now, ZoneId zone) {
    try {
      return TimeSpec.parse(text, now, zone);
    } catch (IllegalArgumentException e) {
      throw io.usage(option + ": " + e.getMessage());
    }
  }

  /**
   * Nanoseconds since the epoch, the events' clock; saturated beyond what a long holds (years
   * ±292).
   */
  private static long epochNs(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
