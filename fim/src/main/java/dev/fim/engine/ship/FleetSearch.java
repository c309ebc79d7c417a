package dev.fim.engine.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads shipped event documents back from {@code fim-events-*}: a period ({@code @timestamp}, from
 * inclusive, until exclusive) and optionally some {@code host.name}s, in the order (host.id,
 * event.sequence, @timestamp, _id), paged with {@code search_after} on that sort (never {@code
 * from/size}), so each page continues exactly after the last document of the one before and the
 * order is the same on every run. {@code _id} is the last key so that two documents with equal
 * other keys (a forged copy) are both read and neither hides the other.
 *
 * <p>Each document is handed over with its {@code _source} re-serialised compactly (the stored
 * field order, no whitespace): the text the fleet report digests.
 */
public final class FleetSearch {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final int PAGE = 1000;

  /** One shipped document. */
  public record Document(String index, String id, String source) {}

  /** Receives each document in order. */
  public interface Sink {
    void accept(Document d) throws IOException;
  }

  private FleetSearch() {}

  /**
   * Hands every document of the period (and hosts, when not empty) to {@code sink}; returns their
   * number.
   */
  public static long read(
      BulkClient client, String fromTimestamp, String untilTimestamp, List<String> hosts, Sink sink)
      throws IOException, InterruptedException, ShipException {
    return read(client, fromTimestamp, untilTimestamp, hosts, PAGE, sink);
  }

  /** As {@link #read(BulkClient, String, String, List, Sink)}, {@code page} documents a search. */
  public static long read(
      BulkClient client,
      String fromTimestamp,
      String untilTimestamp,
      List<String> hosts,
      int page,
      Sink sink)
      throws IOException, InterruptedException, ShipException {
    List<String> after = null;
    long n = 0;
    while (true) {
      String body = query(fromTimestamp, untilTimestamp, hosts, page, after);
      BulkClient.Response r;
      try {
        r = client.request("POST", "/" + ShipDocuments.INDEX_PREFIX + "*/_search", body);
      } catch (IOException e) {
        throw client.failure(e); // unreachable, or TLS refused: the cluster's error, exit 25
      }
      if (r.status() != 200) {
        throw new ShipException(
            ShipException.Reason.SETUP,
            "search of "
                + ShipDocuments.INDEX_PREFIX
                + "* refused: HTTP "
                + r.status()
                + " "
                + abbreviate(r.body()));
      }
      List<String> last = new ArrayList<>();
      int hits = hits(r.body(), sink, last);
      n += hits;
      if (hits < page) {
        return n;
      }
      after = last;
    }
  }

  private static String quoted(String text) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeString(text);
    }
    return w.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  static String query(String from, String until, List<String> hosts, int page, List<String> after)
      throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeNumberField("size", page);
      g.writeBooleanField("track_total_hits", false);
      g.writeObjectFieldStart("query");
      g.writeObjectFieldStart("bool");
      g.writeArrayFieldStart("filter");
      g.writeStartObject();
      g.writeObjectFieldStart("range");
      g.writeObjectFieldStart("@timestamp");
      g.writeStringField("gte", from);
      g.writeStringField("lt", until);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
      if (!hosts.isEmpty()) {
        g.writeStartObject();
        g.writeObjectFieldStart("terms");
        g.writeArrayFieldStart("host.name");
        for (String h : hosts) {
          g.writeString(h);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      g.writeArrayFieldStart("sort");
      for (String f : new String[] {"host.id", "event.sequence", "@timestamp", "_id"}) {
        g.writeStartObject();
        g.writeStringField(f, "asc");
        g.writeEndObject();
      }
      g.writeEndArray();
      if (after != null) {
        g.writeArrayFieldStart("search_after");
        for (String v : after) {
          g.writeRawValue(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    return w.toString();
  }

  /** Parses hits.hits of a search response; the last hit's sort values go to {@code last}. */
  private static int hits(String response, Sink sink, List<String> last) throws IOException {
    int n = 0;
    try (JsonParser p = FACTORY.createParser(response)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("search response is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (!name.equals("hits")) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          if (!inner.equals("hits")) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String index = null;
            String id = null;
            String source = null;
            last.clear();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              p.nextToken();
              switch (f) {
                case "_index" -> index = p.getText();
                case "_id" -> id = p.getText();
                case "_source" -> {
                  StringWriter s = new StringWriter();
                  try (JsonGenerator g = FACTORY.createGenerator(s)) {
                    g.copyCurrentStructure(p);
                  }
                  source = s.toString();
                }
                case "sort" -> {
                  while (p.nextToken() != JsonToken.END_ARRAY) {
                    // kept as JSON: numbers (sequence, date_nanos) must go back as numbers
                    last.add(
                        p.currentToken() == JsonToken.VALUE_STRING
                            ? quoted(p.getText())
                            : p.getText());
                  }
                }
                default -> p.skipChildren();
              }
            }
            sink.accept(new Document(index, id, source));
            n++;
          }
        }
      }
    }
    return n;
  }
}
