package dev.fim.cli;

import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.IndexTemplate;
import dev.fim.engine.ship.ShipException;
import dev.fim.engine.ship.Shipper;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.io.PrintWriter;
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

  @Mixin ShipOptions shipping;

  @Option(names = "--once", description = "Ship what is recorded now, then exit.")
  boolean once;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description = "Without --once: look for new events this often (default: ${DEFAULT-VALUE}).")
  double interval;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    shipping.check(spec.commandLine());
    if (interval <= 0) {
      throw new ParameterException(spec.commandLine(), "--interval must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BulkClient client = shipping.client(to, spec.commandLine());
    String uri = client.toString();
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
    Shipper shipper =
        shipping.shipper(
            client,
            dbDir,
            databaseId(dbDir),
            once ? Duration.ofSeconds(60) : null,
            err,
            "fim ship: warning: ",
            (waiting, bound) -> ShipBacklog.record(common, uri, waiting, bound, err));
    shipper.forTemplate(template);
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
            + shipper.acknowledged());
    return ExitCodes.OK;
  }

  /**
   * The database's id; a database that a fim before ids has written gets one now (from a brief open
   * as writer, which a running old fim watch would refuse).
   */
  static String databaseId(Path dbDir) throws StoreException, ShipException {
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
}
