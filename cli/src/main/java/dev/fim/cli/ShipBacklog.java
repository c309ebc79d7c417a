package dev.fim.cli;

import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The ship-backlog notice of a command that does not hold the database ({@code fim ship}, and
 * {@code fim check/update --ship} after they returned it): an overflow-style event ({@code
 * fim.attribution_reason: ship-backlog}) written like any event (borrowing the database from a
 * running fim watch, sealed when the database is), so it is shipped and reported like the changes.
 * {@code fim watch --ship} hands its notice to its own watcher instead.
 */
final class ShipBacklog {
  /** The loss reason of the backlog notice. */
  static final String REASON = "ship-backlog";

  private ShipBacklog() {}

  /** The notice's message. */
  static String message(String uri, long waiting, long bound) {
    return "fim ship: "
        + waiting
        + " recorded events wait to be shipped to "
        + uri
        + ", more than the bound of "
        + bound
        + " (--backlog-warn): the cluster is behind; nothing is lost (the store"
        + " keeps every event until it is shipped), watch the database's disk";
  }

  static void record(CommonOptions common, String uri, long waiting, long bound, PrintWriter err)
      throws Exception {
    Path keyFile = common.keyFile(common.loadConfig(err));
    try (Store store = common.openBorrowing(Store.OpenMode.EXISTING, err);
        Evidence evidence =
            store.getMeta("seal") == null
                ? null
                : Evidence.attach(common, store, dev.fim.store.seal.SealKey.load(keyFile), err)) {
      long now = dev.fim.engine.coalesce.Coalescer.wallClockNs();
      new EventLog(store)
          .append(
              List.of(
                  ChangeEvent.notice(
                      now,
                      PathBytes.ofUtf8(store.dir().toString()),
                      null,
                      REASON,
                      message(uri, waiting, bound))));
    }
  }
}
