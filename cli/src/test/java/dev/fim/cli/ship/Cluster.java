package dev.fim.cli.ship;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The tests' own plain HTTP view of a cluster (every call with a timeout). */
public final class Cluster {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final URI uri;

  public Cluster(URI uri) {
    this.uri = uri;
  }

  public record Reply(int status, String body) {}

  public Reply call(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(uri + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    HttpResponse<String> resp =
        HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(resp.statusCode(), resp.body());
  }

  /** {@code _count} of {@code index} (a pattern) after a refresh. */
  public long count(String index) throws IOException, InterruptedException {
    call("POST", "/" + index + "/_refresh", null);
    return count(index, null);
  }

  /** {@code _count} of {@code index} with a query body (refreshed by the caller). */
  public long count(String index, String query) throws IOException, InterruptedException {
    Reply r = call(query == null ? "GET" : "POST", "/" + index + "/_count", query);
    if (r.status() == 404) {
      return 0;
    }
    Matcher m = Pattern.compile("\"count\"\\s*:\\s*(\\d+)").matcher(r.body());
    if (r.status() != 200 || !m.find()) {
      throw new AssertionError("_count of " + index + ": " + r.status() + " " + r.body());
    }
    return Long.parseLong(m.group(1));
  }
}
