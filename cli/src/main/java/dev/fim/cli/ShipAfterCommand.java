package dev.fim.cli;

import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.IndexTemplate;
import dev.fim.engine.ship.ShipException;
import dev.fim.engine.ship.Shipper;
import dev.fim.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code fim check --ship URL} and {@code fim update --ship URL}: once the command has recorded its
 * events and returned the database, they are shipped as {@code fim ship --once} would (the same
 * acknowledged state, so nothing twice). A failure is said on stderr with its reason and does not
 * change the command's exit code (its AIDE bitmask is the answer to "did the files change"); the
 * events wait in the database for the next ship.
 */
final class ShipAfterCommand {
  @Option(
      names = "--ship",
      paramLabel = "URL",
      description =
          "Then ship the database's unshipped events (these findings among them) to this"
              + " OpenSearch/Elasticsearch cluster, as fim ship --once --to URL does (options"
              + " below; docs/fleet.md). A shipping failure is reported on stderr (\"fim: shipping"
              + " …\") and does not change the exit code; the events wait for the next ship.")
  String ship;

  @picocli.CommandLine.Mixin ShipOptions shipping;

  /** Checks the options before the command runs (a usage error then, not after the scan). */
  void check(CommandLine cmd) throws ShipException {
    if (ship != null) {
      shipping.check(cmd);
      shipping.client(ship, cmd); // the URL and the secret files: refused before the scan
    }
  }

  /** Ships, if --ship was given; any failure is a stderr line, never an exception. */
  void ship(CommonOptions common, CommandLine cmd, PrintWriter err) {
    if (ship == null) {
      return;
    }
    String where = ship;
    try {
      BulkClient client = shipping.client(ship, cmd);
      where = client.toString();
      int template = IndexTemplate.require(client);
      Path dbDir = common.dbDir();
      String uri = where;
      Shipper shipper =
          shipping.shipper(
              client,
              dbDir,
              ShipCommand.databaseId(dbDir),
              Duration.ofSeconds(60),
              err,
              "fim: shipping: warning: ",
              (waiting, bound) -> ShipBacklog.record(common, uri, waiting, bound, err));
      shipper.forTemplate(template);
      long[] created = new long[1];
      shipper.follow(dbDir, true, Duration.ZERO, r -> created[0] += r.created());
      err.println(
          "fim: shipped "
              + created[0]
              + " events to "
              + where
              + "; acknowledged up to sequence "
              + shipper.acknowledged());
    } catch (ShipException | StoreException e) {
      err.println(
          "fim: shipping to "
              + where
              + " failed: "
              + e.getMessage()
              + "; the events wait in the database for the next fim ship (exit code unchanged)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("fim: shipping to " + where + " interrupted; the events wait in the database");
    }
    err.flush();
  }
}
