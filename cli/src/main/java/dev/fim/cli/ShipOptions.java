package dev.fim.cli;

import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.Destination;
import dev.fim.engine.ship.HostIdentity;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.engine.ship.ShipException;
import dev.fim.engine.ship.ShipState;
import dev.fim.engine.ship.Shipper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How to ship, for every command that ships: {@code fim ship --to}, {@code fim watch --ship} and
 * {@code fim check/update --ship}. One definition, so an option means the same in each: the
 * cluster's authentication and TLS ({@link DestinationOptions}), batch size, rate, retry and the
 * backlog bound.
 */
final class ShipOptions {
  @Mixin DestinationOptions cluster;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Ship at most N documents per bulk request (default: ${DEFAULT-VALUE}).")
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
      description = "Ship at most this many documents per second (default: no limit).")
  double maxRate;

  @Option(
      names = "--retry-for",
      paramLabel = "SECONDS",
      description =
          "Give up shipping after the cluster failed this long without progress (default: 60 for"
              + " fim ship --once, check and update; never for fim ship and fim watch).")
  Long retryFor;

  @Option(
      names = "--backlog-warn",
      paramLabel = "N",
      defaultValue = "1000000",
      description =
          "Warn, and record one ship-backlog notice, when more than N events wait to be shipped"
              + " (default: ${DEFAULT-VALUE}).")
  long backlogWarn;

  /** Refuses values that make no sense (a usage error, exit 16). */
  void check(CommandLine cmd) {
    if (batch < 1 || batchBytes < 1 || maxRate < 0 || backlogWarn < 0 || retry(0) < 0) {
      throw new ParameterException(
          cmd,
          "--batch and --batch-bytes must be positive, --max-rate, --retry-for and --backlog-warn"
              + " not negative");
    }
  }

  private long retry(long fallback) {
    return retryFor == null ? fallback : retryFor;
  }

  /** The client of the cluster at {@code url} (credentials read from their files now). */
  BulkClient client(String url, CommandLine cmd) throws ShipException {
    Destination dest = cluster.destination(url, cmd);
    return new BulkClient(dest, Duration.ofSeconds(60));
  }

  /**
   * A shipper of database {@code dbDir} (id {@code databaseId}) to {@code client}'s cluster.
   *
   * @param retryDefault the --retry-for default of this command; null: never give up
   * @param warnings the prefix of its stderr lines ("fim ship: warning: ")
   */
  Shipper shipper(
      BulkClient client,
      Path dbDir,
      String databaseId,
      Duration retryDefault,
      PrintWriter err,
      String warnings,
      Shipper.BacklogNotice notice)
      throws ShipException {
    return new Shipper(
        client,
        new ShipDocuments(HostIdentity.ofThisHost(), databaseId, version()),
        ShipState.of(dbDir, databaseId, client.toString()),
        new Shipper.Settings(
            batch,
            batchBytes,
            maxRate,
            retryFor != null ? Duration.ofSeconds(retryFor) : retryDefault,
            backlogWarn),
        line -> {
          synchronized (err) {
            err.println(warnings + line);
            err.flush();
          }
        },
        notice);
  }

  private static String version() {
    return FimCommand.class.getPackage().getImplementationVersion();
  }
}
