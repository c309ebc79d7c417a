package dev.fim.cli;

import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim who}: the last recorded changes of one path, with who made them. */
@Command(
    name = "who",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Show who changed PATH: its last recorded changes, newest first, with user and process.",
      "",
      "Each change is followed by the login user (the audit uid, which survives sudo and su), the",
      "effective user and the process, as fim watch attributed them. Changes found by fim check",
      "have no writer: \"by unknown\" and why.",
      "",
      "PATH is matched exactly, as the path or as the old path of a move (fim history PATH lists",
      "everything below a directory). Exit 1 when nothing is recorded for PATH.",
      "",
      "Reads the database without locking it, so it works beside a running fim watch",
      "(it sees what was recorded when it started).",
      "",
      "First verifies every recorded event, approval and coverage interval against the evidence",
      "chain (needs the seal key); exit 19, showing nothing, when any was deleted, added or edited",
      "outside fim (docs/security.md).",
      "",
      "Examples:",
      "  fim who /etc/sudoers",
      "  fim who -n 1 --format json /etc/passwd | jq -r '.user.audit.name'"
    })
final class WhoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "PATH", description = "The file (or directory) whose changes to show.")
  String path;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      defaultValue = "10",
      description = "Show the last N changes. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Mixin EventFormatOption output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(CommandStreams.of(spec));
  }

  /** Runs the command, printing to {@code io}; picocli's way or {@link QueryArgs}'s. */
  int run(CommandStreams io) throws Exception {
    if (limit < 1) {
      throw io.usage("-n " + limit + ": give 1 or more");
    }
    PathBytes p = io.path(path);
    List<ChangeEvent> events;
    Preload.await(); // RocksDB's library, loaded while the line was read
    try (Store store = Store.open(common.dbDir(), Store.OpenMode.READ_ONLY)) {
      Evidence.require(common, store, io.err); // nothing shown from unverified evidence
      events = new EventLog(store).latestForPath(p, limit);
    }
    EventLines lines = output.lines(io.out);
    events.forEach(lines::write);
    lines.flush();
    if (events.isEmpty()) {
      if (output.isText()) {
        io.err.println(
            "fim who: no changes of "
                + p.display()
                + " recorded in database "
                + common.dbDir()
                + " (who matches the exact path; fim history PATH lists a whole tree)");
      }
      return ExitCodes.NONE_FOUND;
    }
    return ExitCodes.OK;
  }
}
