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
 * agent.id, event.sequence, @timestamp), paged with {@code search_after} on that sort (never {@code
 * from/size}), so each page continues exactly after the last document of the one before and the
 * order is the same on every run. Only a forged copy can share all four keys with another document;
 * the first page counts the period's documents ({@code track_total_hits}), so a document hidden by
 * such a tie at a page's edge shows as a difference between that count and the documents read.
 *
 * <p>Each document is handed over with its {@code _source} re-serialised compactly (the stored
 * field order, no whitespace): the text the fleet report digests.
 */
public final class FleetSearch {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final int PAGE = 1000;

  /**
   * The order, on fields only: Elasticsearch 8 refuses to sort on {@code _id} by default ({@code
   * indices.id_field_data.enabled: false}), and a point in time is spelled differently by each
   * engine. {@code agent.id} is the database id, so (host.id, agent.id, event.sequence) is unique
   * for every document fim ship wrote.
   */
  static final String[] SORT = {"host.id", "agent.id", "event.sequence", "@timestamp"};

  /**
   * Coverage documents' order: (host.id, agent.id, event.start) is unique for every one fim ship
   * wrote (one run per database and start).
   */
  static final String[] COVERAGE_SORT = {"host.id", "agent.id", "event.start"};

  /** What is read: the indices, the filter on time and the order. */
  private enum Kind {
    EVENTS(ShipDocuments.INDEX_PREFIX, SORT),
    APPROVALS(ShipDocuments.APPROVALS_PREFIX, SORT),
    /** The runs overlapping the period: started before its end, ended at or after its start. */
    COVERAGE(ShipDocuments.COVERAGE_PREFIX, COVERAGE_SORT);

    final String prefix;
    final String[] sort;

    Kind(String prefix, String[] sort) {
      this.prefix = prefix;
      this.sort = sort;
    }
  }

  /** One shipped document. */
  public record Document(String index, String id, String source) {}

  /** Receives each document in order. */
  public interface Sink {
    void accept(Document d) throws IOException;
  }

  private FleetSearch() {}

  /**
   * What a read found.
   *
   * @param read the documents handed to the sink
   * @param counted the cluster's count of the period's documents when the read began (exact: {@code
   *     track_total_hits}); fewer read than counted means documents were hidden (equal sort keys)
   */
  public record Counts(long read, long counted) {}

  /**
   * Hands every document of the period (and hosts, when not empty) to {@code sink}; returns how
   * many were read and counted.
   */
  public static Counts read(
      BulkClient client, String fromTimestamp, String untilTimestamp, List<String> hosts, Sink sink)
      throws IOException, InterruptedException, ShipException {
    return read(client, fromTimestamp, untilTimestamp, hosts, PAGE, sink);
  }

  /**
   * As {@link #read(BulkClient, String, String, List, Sink)}, the approval documents ({@code
   * fim-approvals-*}) of the events of the period.
   */
  public static Counts readApprovals(
      BulkClient client, String fromTimestamp, String untilTimestamp, List<String> hosts, Sink sink)
      throws IOException, InterruptedException, ShipException {
    return read(client, Kind.APPROVALS, fromTimestamp, untilTimestamp, hosts, PAGE, sink);
  }

  /**
   * The watch coverage documents ({@code fim-coverage-*}) of the runs that overlap the period, as a
   * host's report selects them from its store: started before {@code untilTimestamp}, ending
   * ({@code event.end}) at or after {@code fromTimestamp}; in the order (host.id, agent.id,
   * event.start).
   */
  public static Counts readCoverage(
      BulkClient client, String fromTimestamp, String untilTimestamp, List<String> hosts, Sink sink)
      throws IOException, InterruptedException, ShipException {
    return readCoverage(client, fromTimestamp, untilTimestamp, hosts, PAGE, sink);
  }

  /** As {@link #readCoverage(BulkClient, String, String, List, Sink)}, {@code page} a search. */
  public static Counts readCoverage(
      BulkClient client,
      String fromTimestamp,
      String untilTimestamp,
      List<String> hosts,
      int page,
      Sink sink)
      throws IOException, InterruptedException, ShipException {
    return read(client, Kind.COVERAGE, fromTimestamp, untilTimestamp, hosts, page, sink);
  }

  /** As {@link #read(BulkClient, String, String, List, Sink)}, {@code page} documents a search. */
  public static Counts read(
      BulkClient client,
      String fromTimestamp,
      String untilTimestamp,
      List<String> hosts,
      int page,
      Sink sink)
      throws IOException, InterruptedException, ShipException {
    return read(client, Kind.EVENTS, fromTimestamp, untilTimestamp, hosts, page, sink);
  }

  private static Counts read(
      BulkClient client,
      Kind kind,
      String fromTimestamp,
      String untilTimestamp,
      List<String> hosts,
      int page,
      Sink sink)
      throws IOException, InterruptedException, ShipException {
    List<String> after = null;
    long n = 0;
    long counted = -1;
    while (true) {
      String prefix = kind.prefix;
      String body = query(kind, fromTimestamp, untilTimestamp, hosts, page, after);
      BulkClient.Response r;
      try {
        r =
            client.request(
                "POST",
                "/" + prefix + "*/_search?ignore_unavailable=true&allow_no_indices=true",
                body);
      } catch (IOException e) {
        throw client.failure(e); // unreachable, or TLS refused: the cluster's error, exit 25
      }
      if (r.status() != 200) {
        throw new ShipException(
            ShipException.Reason.SETUP,
            "search of " + prefix + "* refused: HTTP " + r.status() + " " + abbreviate(r.body()));
      }
      List<String> last = new ArrayList<>();
      long[] total = {-1};
      int hits = hits(r.body(), sink, last, total);
      if (counted < 0) {
        counted = total[0];
      }
      n += hits;
      if (hits < page) {
        return new Counts(n, counted);
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

  private static String query(
      Kind kind, String from, String until, List<String> hosts, int page, List<String> after)
      throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeNumberField("size", page);
      g.writeBooleanField("track_total_hits", after == null); // counted once, on the first page
      g.writeObjectFieldStart("query");
      g.writeObjectFieldStart("bool");
      g.writeArrayFieldStart("filter");
      if (kind == Kind.COVERAGE) {
        range(g, "event.start", "lt", until);
        range(g, "event.end", "gte", from);
      } else {
        g.writeStartObject();
        g.writeObjectFieldStart("range");
        g.writeObjectFieldStart("@timestamp");
        g.writeStringField("gte", from);
        g.writeStringField("lt", until);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
      }
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
      for (String f : kind.sort) {
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

  private static void range(JsonGenerator g, String field, String op, String value)
      throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("range");
    g.writeObjectFieldStart(field);
    g.writeStringField(op, value);
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** Parses hits.hits of a search response; the last hit's sort values go to {@code last}. */
  private static int hits(String response, Sink sink, List<String> last, long[] total)
      throws IOException {
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
          if (inner.equals("total") && p.currentToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String t = p.currentName();
              p.nextToken();
              if (t.equals("value") && p.currentToken().isNumeric()) {
                total[0] = p.getLongValue();
              } else {
                p.skipChildren();
              }
            }
            continue;
          }
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
