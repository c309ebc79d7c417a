package dev.fim.cli;

import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.Destination;
import dev.fim.engine.ship.HostIdentity;
import dev.fim.engine.ship.IndexTemplate;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.engine.ship.ShipException;
import dev.fim.engine.ship.ShipState;
import dev.fim.engine.ship.Shipper;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fim ship}: the recorded events to OpenSearch/Elasticsearch, exactly once. */
@Command(
    name = "ship",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Send every event recorded in the database to an OpenSearch or Elasticsearch cluster",
      "(_bulk API), with host.name, host.id (/etc/machine-id) and agent.type fim, into monthly",
      "indices fim-events-YYYY.MM (docs/fleet.md); approvals (fim accept) into fim-approvals-*,",
      "and watch coverage (when fim watch ran, over which trees) into fim-coverage-*, each run's",
      "document replaced as its heartbeat moves its end (a newer copy always wins).",
      "",
      "Exactly once: each document's id is <host.id>-<database id>-<sequence>, sent with create,",
      "so a retry never duplicates; the last acknowledged sequence per destination is kept in the",
      "database directory (DIR/ship/), so a restart or an outage resends only what was not",
      "acknowledged. A document the cluster refuses for good (a mapping error) stops shipping with",
      "its sequence, path and reason (exit 25): it is not skipped. 429/5xx and an unreachable",
      "cluster are retried with backoff (without --once: for ever).",
      "",
      "Reads the database without locking it: run it beside fim watch (the store is the buffer;",
      "the watcher never waits for the cluster). Without --once it keeps following new events",
      "until SIGINT/SIGTERM (exit 0).",
      "",
      "--setup installs (or checks) the index template fim-events first; shipping without it",
      "is refused. Secrets come from files only, which must not be world-readable.",
      "",
      "Examples:",
      "  fim ship --setup --to https://search.example:9200 --ca-file ca.pem --user fim \\",
      "      --password-file /etc/fim/ship.password --once",
      "  fim ship --to https://search.example:9200 --ca-file ca.pem --api-key-file /etc/fim/key"
    })
final class ShipCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "URL",
      description = "The cluster's URL (http:// or https://), e.g. https://search.example:9200.")
  String to;

  @Option(names = "--setup", description = "Create or check the index template, then ship.")
  boolean setup;

  @Mixin DestinationOptions cluster;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "1000",
      description = "At most N documents per bulk request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--batch-bytes",
      paramLabel = "BYTES",
      defaultValue = "5000000",
      description = "And about at most BYTES per bulk request (default: ${DEFAULT-VALUE}).")
  long batchBytes;

  @Option(
      names = "--max-rate",
      paramLabel = "DOCS/S",
      defaultValue = "0",
      description = "At most this many documents per second (default: no limit).")
  double maxRate;

  @Option(names = "--once", description = "Ship what is recorded now, then exit.")
  boolean once;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description = "Without --once: look for new events this often (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(
      names = "--retry-for",
      paramLabel = "SECONDS",
      description =
          "Give up (exit 25) after the cluster failed this long without progress (default: 60"
              + " with --once, never without).")
  Long retryFor;

  @Option(
      names = "--backlog-warn",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Warn when more than N events wait to be shipped (default: ${DEFAULT-VALUE}).")
  long backlogWarn;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || batchBytes < 1 || maxRate < 0 || interval <= 0 || backlogWarn < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--batch, --batch-bytes and --interval must be positive, --max-rate and --backlog-warn"
              + " not negative");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Destination dest = cluster.destination(to, spec.commandLine());
    URI uri = dest.uri();
    BulkClient client = new BulkClient(dest, Duration.ofSeconds(60));
    if (setup) {
      IndexTemplate.Outcome o = IndexTemplate.setUp(client);
      out.println(
          "fim ship: index template "
              + IndexTemplate.NAME
              + " on "
              + uri
              + ": "
              + o.name().toLowerCase(java.util.Locale.ROOT));
    }
    int template = setup ? IndexTemplate.VERSION : IndexTemplate.require(client);
    Path dbDir = common.dbDir();
    String databaseId = databaseId(dbDir);
    ShipState state = ShipState.of(dbDir, databaseId, uri.toString());
    Shipper shipper =
        new Shipper(
            client,
            new ShipDocuments(HostIdentity.ofThisHost(), databaseId, version()),
            state,
            new Shipper.Settings(
                batch,
                batchBytes,
                maxRate,
                retryFor != null
                    ? Duration.ofSeconds(retryFor)
                    : once ? Duration.ofSeconds(60) : null,
                backlogWarn),
            line -> {
              synchronized (err) {
                err.println("fim ship: warning: " + line);
                err.flush();
              }
            },
            (waiting, bound) -> recordBacklog(uri, waiting, bound, err));
    if (template < IndexTemplate.COVERAGE_SINCE) {
      shipper.withoutCoverage(
          "index template "
              + IndexTemplate.NAME
              + " on "
              + uri
              + " is version "
              + template
              + ", which does not map watch coverage: coverage is not shipped (a fleet report"
              + " shows this host as not watched) until fim ship --setup updates it");
    }
    long[] totals = new long[3];
    if (!once) {
      Signals.claimStops().whenRequested(shipper::stop);
    }
    shipper.follow(
        dbDir,
        once,
        Duration.ofNanos((long) (interval * 1e9)),
        r -> {
          totals[0] += r.sent();
          totals[1] += r.created();
          totals[2] += r.alreadyPresent();
        });
    out.println(
        "fim ship: "
            + totals[1]
            + " events shipped to "
            + uri
            + (totals[2] > 0 ? " (" + totals[2] + " were there already)" : "")
            + "; acknowledged up to sequence "
            + state.acknowledged());
    return ExitCodes.OK;
  }

  /**
   * The database's id; a database that a fim before ids has written gets one now (from a brief open
   * as writer, which a running old fim watch would refuse).
   */
  private static String databaseId(Path dbDir) throws StoreException, ShipException {
    try (Store store = Store.open(dbDir, Store.OpenMode.READ_ONLY)) {
      String id = store.databaseId();
      if (id != null) {
        return id;
      }
    }
    try (Store store = Store.open(dbDir, Store.OpenMode.EXISTING)) {
      return store.databaseId();
    } catch (StoreException e) {
      if (e.reason() == StoreException.Reason.LOCKED) {
        throw new ShipException(
            ShipException.Reason.SETUP,
            "database "
                + dbDir
                + " has no database id yet and is in use by a fim that makes none;"
                + " restart fim watch with this fim once, then ship",
            e);
      }
      throw e;
    }
  }

  /**
   * The backlog notice: an overflow-style event ({@code fim.attribution_reason: ship-backlog}) in
   * the store, written like any event (borrowing the database from a running fim watch, sealed when
   * the database is), so it is shipped and reported like the changes.
   */
  private void recordBacklog(URI uri, long waiting, long bound, PrintWriter err) throws Exception {
    Path keyFile = common.keyFile(common.loadConfig(err));
    try (Store store = common.openBorrowing(Store.OpenMode.EXISTING, err);
        Evidence evidence =
            store.getMeta("seal") == null
                ? null
                : Evidence.attach(common, store, dev.fim.store.seal.SealKey.load(keyFile), err)) {
      long now = dev.fim.engine.coalesce.Coalescer.wallClockNs();
      new dev.fim.store.EventLog(store)
          .append(
              java.util.List.of(
                  dev.fim.store.ChangeEvent.notice(
                      now,
                      dev.fim.store.PathBytes.of(
                          store.dir().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                      null,
                      BACKLOG_REASON,
                      "fim ship: "
                          + waiting
                          + " recorded events wait to be shipped to "
                          + uri
                          + ", more than the bound of "
                          + bound
                          + " (--backlog-warn): the cluster is behind; nothing is lost (the store"
                          + " keeps every event until it is shipped), watch the database's disk")));
    }
  }

  /** The loss reason of the backlog notice. */
  static final String BACKLOG_REASON = "ship-backlog";

  private static String version() {
    return FimCommand.class.getPackage().getImplementationVersion();
  }
}
