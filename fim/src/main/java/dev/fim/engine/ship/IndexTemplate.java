package dev.fim.engine.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The composable index template {@code fim-events} (index-template.json beside this class): ECS
 * mappings for every field fim writes, for the monthly indices {@code fim-events-YYYY.MM}.
 *
 * <p>{@code dynamic: false}: a field the template does not know (one a newer fim adds) is kept in
 * {@code _source} but not indexed, so it never makes the cluster refuse a document (which would
 * stop shipping); mapping it is a template update. Keywords that an attacker controls (paths,
 * process names) have {@code ignore_above} below Lucene's term limit, and file times are {@code
 * date} with {@code ignore_malformed}: a file dated 1960 or a 20,000-byte path is kept, not a
 * mapping error that would halt the shipping of all later evidence.
 */
public final class IndexTemplate {
  public static final String NAME = "fim-events";

  /** Raised when the template's fields change; an older one in the cluster is replaced. */
  public static final int VERSION = 3;

  private IndexTemplate() {}

  /** The template's JSON body. */
  public static String body() {
    try (InputStream in = IndexTemplate.class.getResourceAsStream("index-template.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What {@link #setUp} did. */
  public enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * Creates the template, replaces an older fim's, leaves this version's alone; refuses a template
   * of that name that fim did not make or that a newer fim made.
   */
  public static Outcome setUp(BulkClient client) throws ShipException, InterruptedException {
    int found = installedVersion(client);
    if (found == VERSION) {
      return Outcome.UNCHANGED;
    }
    if (found > VERSION) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "index template "
              + NAME
              + " on "
              + client
              + " is version "
              + found
              + ", newer than this fim's ("
              + VERSION
              + "); leaving it as it is");
    }
    try {
      BulkClient.Response r = client.request("PUT", "/_index_template/" + NAME, body());
      if (r.status() != 200) {
        throw new ShipException(
            ShipException.Reason.SETUP,
            "the cluster refused index template " + NAME + " (" + r.status() + "): " + r.body());
      }
    } catch (IOException e) {
      throw client.failure(e);
    }
    return found == 0 ? Outcome.CREATED : Outcome.UPDATED;
  }

  /**
   * Checks before shipping that the template is there (documents would otherwise get guessed
   * mappings, e.g. {@code file.inode} as a number and no {@code date_nanos}).
   */
  public static void require(BulkClient client) throws ShipException, InterruptedException {
    if (installedVersion(client) == 0) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "index template "
              + NAME
              + " is not on "
              + client
              + ": set it up first with fim ship --setup --to "
              + client);
    }
  }

  /** The version of the installed template, 0 when there is none. */
  static int installedVersion(BulkClient client) throws ShipException, InterruptedException {
    BulkClient.Response r;
    try {
      r = client.request("GET", "/_index_template/" + NAME, null);
    } catch (IOException e) {
      throw client.failure(e);
    }
    if (r.status() == 404) {
      return 0;
    }
    if (r.status() == 401 || r.status() == 403) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          client
              + " refused to show index template "
              + NAME
              + " ("
              + r.status()
              + "): "
              + r.body());
    }
    if (r.status() != 200) {
      throw new ShipException(
          ShipException.Reason.UNREACHABLE,
          client + " answered " + r.status() + " for index template " + NAME + ": " + r.body());
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"fim_template_version\"\\s*:\\s*(\\d+)")
            .matcher(r.body());
    if (!m.find()) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "index template "
              + NAME
              + " on "
              + client
              + " was not made by fim; remove or rename it, then run fim ship --setup");
    }
    return Integer.parseInt(m.group(1));
  }
}
