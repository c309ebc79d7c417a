package dev.fim.engine.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP to the cluster with {@link java.net.http.HttpClient}: the {@code _bulk} call with its
 * per-item outcome, and plain requests for the template. Every request has a timeout, so a cluster
 * that stops answering is a failure to retry, not a hang.
 */
public final class BulkClient {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final Destination destination;
  private final HttpClient http;
  private final Duration timeout;

  /** The credentials in every form a cluster could echo them (see {@link #redact}). */
  private final List<String> secrets;

  private final long maxResponseBytes;

  public BulkClient(Destination destination, Duration timeout) {
    this(destination, timeout, MAX_RESPONSE_BYTES);
  }

  /** With a bound of its own on the answer's length (tests). */
  BulkClient(Destination destination, Duration timeout, long maxResponseBytes) {
    this.destination = destination;
    this.timeout = timeout;
    this.maxResponseBytes = maxResponseBytes;
    this.secrets = secretForms(destination.authorization());
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER);
    if (destination.ssl() != null) {
      b.sslContext(destination.ssl());
    }
    this.http = b.build();
  }

  @Override
  public String toString() {
    return destination.uri().toString();
  }

  /** A response: its status and body. */
  public record Response(int status, String body) {}

  /**
   * One item of a bulk response.
   *
   * @param status the item's HTTP status (201 created, 409 exists already, 429, 400…)
   * @param errorType the error's type ({@code mapper_parsing_exception}…), or null
   * @param errorReason the error's reason, with its cause's when it has one, or null
   */
  public record Item(int status, String errorType, String errorReason) {}

  /** Sends {@code method path} with an optional JSON body. */
  public Response request(String method, String path, String body)
      throws IOException, InterruptedException {
    return send(method, path, body, "application/json");
  }

  /** Posts an NDJSON body to {@code _bulk}; {@link #items} reads the per-item outcome. */
  public Response bulk(String ndjson) throws IOException, InterruptedException {
    return send("POST", "/_bulk", ndjson, "application/x-ndjson");
  }

  private Response send(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(destination.uri() + path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      r.header("Content-Type", contentType);
    }
    if (destination.authorization() != null) {
      r.header("Authorization", destination.authorization());
    }
    // sendAsync and a bounded wait rather than send: HttpRequest.timeout ends at the response's
    // headers, so a cluster that sends them and then drips (or stalls) its body would hold the
    // calling thread for ever; the body is also bounded, so a hostile one cannot fill the heap of
    // the process shipping (fim watch --ship).
    java.util.concurrent.CompletableFuture<HttpResponse<String>> f =
        http.sendAsync(r.build(), info -> new LimitedBody(maxResponseBytes));
    HttpResponse<String> resp;
    try {
      resp = f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      f.cancel(true);
      throw new java.net.http.HttpTimeoutException(
          "no complete answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(String.valueOf(c), c);
    }
    return new Response(resp.statusCode(), redact(resp.body()));
  }

  /**
   * {@code text} without the credentials: a cluster (or whatever answers at its address) may echo
   * the request's Authorization header in an error, which fim would otherwise print on stderr and
   * into the journal. Every answer goes through here, so no message built from one carries them.
   */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String t = text;
    for (String secret : secrets) {
      if (t.contains(secret)) {
        t = t.replace(secret, "[credentials removed]");
      }
    }
    return t;
  }

  /** The header's value, its token and the decoded secret (password or key), longest first. */
  private static List<String> secretForms(String authorization) {
    List<String> forms = new ArrayList<>();
    if (authorization == null) {
      return forms;
    }
    forms.add(authorization);
    int sp = authorization.indexOf(' ');
    String token = sp < 0 ? authorization : authorization.substring(sp + 1);
    forms.add(token);
    try {
      String decoded =
          new String(java.util.Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
      forms.add(decoded);
      int colon = decoded.indexOf(':');
      if (colon >= 0) {
        forms.add(decoded.substring(colon + 1)); // the password, or the API key's secret half
      }
    } catch (IllegalArgumentException e) {
      // an API key as given, not base64: the token is the secret
    }
    forms.removeIf(f -> f.length() < 3);
    forms.sort((a, b) -> b.length() - a.length());
    return List.copyOf(forms);
  }

  /** The largest response body read: a bulk answer of 1,000 items, errors and all, is ~1 MB. */
  static final long MAX_RESPONSE_BYTES = 64L << 20;

  /** A UTF-8 body that fails (and stops reading) once it is longer than its bound. */
  static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
    private final HttpResponse.BodySubscriber<String> text =
        HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    private final java.util.concurrent.CompletableFuture<String> result =
        new java.util.concurrent.CompletableFuture<>();
    private final long limit;
    private java.util.concurrent.Flow.Subscription subscription;
    private long seen;

    LimitedBody(long limit) {
      this.limit = limit;
      text.getBody()
          .whenComplete(
              (body, failure) -> {
                if (failure != null) {
                  result.completeExceptionally(failure);
                } else {
                  result.complete(body);
                }
              });
    }

    @Override
    public java.util.concurrent.CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
      subscription = s;
      text.onSubscribe(s);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (java.nio.ByteBuffer b : items) {
        seen += b.remaining();
      }
      if (seen > limit) {
        subscription.cancel();
        result.completeExceptionally(
            new IOException("the answer is longer than " + limit + " bytes; not read"));
        return;
      }
      text.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
      text.onError(t);
    }

    @Override
    public void onComplete() {
      text.onComplete();
    }
  }

  /**
   * A request that got no answer: UNREACHABLE (retried by the shipper), except a TLS handshake the
   * client refused (a certificate not from --ca-file, a wrong host name), which no retry fixes and
   * which is what a man in the middle looks like: SETUP, at once.
   */
  public ShipException failure(IOException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return new ShipException(
            ShipException.Reason.SETUP,
            "TLS with "
                + this
                + " failed: "
                + c.getMessage()
                + "; fim ship trusts only the CA certificates of --ca-file (or the JVM's without it)",
            e);
      }
    }
    return new ShipException(
        ShipException.Reason.UNREACHABLE, "cannot reach " + this + ": " + e, e);
  }

  /** The items of a {@code _bulk} response body, in order. */
  public static List<Item> items(String body) throws IOException {
    List<Item> items = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a bulk response is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if ("items".equals(name) && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            p.nextToken(); // the action's name
            p.nextToken(); // its object
            items.add(item(p));
            p.nextToken(); // the item's END_OBJECT
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return items;
  }

  /** Reads one action object ({@code _index, _id, status, error…}), the parser on its start. */
  private static Item item(JsonParser p) throws IOException {
    int status = 0;
    String type = null;
    String reason = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("status".equals(name)) {
        status = p.getIntValue();
      } else if ("error".equals(name) && t == JsonToken.START_OBJECT) {
        String[] e = error(p);
        type = e[0];
        reason = e[1];
      } else {
        p.skipChildren();
      }
    }
    return new Item(status, type, reason);
  }

  /** {type, reason (+ "; caused by: " cause's reason)} of an error object. */
  private static String[] error(JsonParser p) throws IOException {
    String type = null;
    String reason = null;
    String cause = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("type".equals(name)) {
        type = p.getText();
      } else if ("reason".equals(name)) {
        reason = p.getText();
      } else if ("caused_by".equals(name) && t == JsonToken.START_OBJECT) {
        String[] c = error(p);
        cause = c[1];
      } else {
        p.skipChildren();
      }
    }
    return new String[] {type, cause == null ? reason : reason + "; caused by: " + cause};
  }
}
