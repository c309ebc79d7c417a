package dev.fim.cli;

import dev.fim.engine.ship.Destination;
import dev.fim.engine.ship.ShipException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A cluster's authentication and TLS options, shared by {@code fim ship --to} and {@code fim report
 * --source}: the same options mean the same thing in both.
 */
final class DestinationOptions {
  @Option(names = "--user", paramLabel = "USER", description = "Basic authentication user.")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "The password for --user (first line; not world-readable).")
  Path passwordFile;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description = "An API key (base64 id:key, or id:key; not world-readable).")
  Path apiKeyFile;

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      description = "Trust only the CA certificate(s) in this PEM file for https.")
  Path caFile;

  /** The destination at {@code url} with these options; a bad combination is a usage error. */
  Destination destination(String url, CommandLine cmd) throws ShipException {
    if (apiKeyFile != null && (user != null || passwordFile != null)) {
      throw new ParameterException(
          cmd, "--api-key-file and --user/--password-file exclude each other");
    }
    if ((user == null) != (passwordFile == null)) {
      throw new ParameterException(cmd, "--user and --password-file go together");
    }
    String auth =
        apiKeyFile != null
            ? Destination.apiKey(apiKeyFile)
            : user != null ? Destination.basic(user, passwordFile) : null;
    return new Destination(
        Destination.parseUrl(url), auth, caFile == null ? null : Destination.trusting(caFile));
  }
}
