package dev.fim.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fim.engine.ship.FleetSearch;
import dev.fim.engine.ship.ShipDocuments;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code fim report --source URL}: the fleet report, from the event documents that {@code fim
 * ship} sent to a cluster ({@link FleetSearch}), with totals per host, per login user and per path
 * prefix, every change, and the SHA-256 over the documents used (index, id and compact source of
 * each, in the search's order: host.id, sequence).
 *
 * <p>A shared cluster has no seal: any host with write access can write any document. What the
 * report can check it marks: a document whose {@code _id} is not {@code <host.id>-<database
 * id>-<event.sequence>} of its own source, or whose index is not the month of its {@code
 * @timestamp}, is SUSPECT (not left out: the reader must see it). Coverage and approvals are not
 * shipped yet; the report says so instead of implying there were none.
 *
 * <p>Rows are held in memory until the totals are known (a fleet report of millions of documents
 * would want the spill of {@link ComplianceReport}).
 */
public final class FleetReport {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** What was read and written. */
  public record Result(String sha256, long documents, long suspect) {}

  /** One change as the report shows it. */
  record Row(
      String index,
      String id,
      String timestamp,
      String hostName,
      String hostId,
      long sequence,
      String action,
      String path,
      String user,
      String suspect) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, long[]> byHost = new TreeMap<>();
  private final Map<String, long[]> byUser = new TreeMap<>();
  private final Map<String, long[]> byPrefix = new TreeMap<>();
  private final MessageDigest sha;
  private final int prefixDepth;
  private long suspect;

  FleetReport(int prefixDepth) {
    this.prefixDepth = prefixDepth;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds one document: digest, row, totals. */
  void add(FleetSearch.Document d) throws IOException {
    sha.update(line(d));
    Row r = row(d);
    rows.add(r);
    if (r.suspect() != null) {
      suspect++;
    }
    count(byHost, r.hostName() + " (" + r.hostId() + ")");
    count(byUser, r.user());
    count(byPrefix, prefix(r.path(), prefixDepth));
  }

  private static void count(Map<String, long[]> m, String key) {
    m.computeIfAbsent(key, k -> new long[1])[0]++;
  }

  private static byte[] line(FleetSearch.Document d) {
    return (d.index() + '\0' + d.id() + '\0' + d.source() + '\n').getBytes(StandardCharsets.UTF_8);
  }

  static String prefix(String path, int depth) {
    if (path == null || !path.startsWith("/")) {
      return String.valueOf(path);
    }
    int at = 0;
    for (int i = 0; i < depth; i++) {
      int next = path.indexOf('/', at + 1);
      if (next < 0) {
        return i == 0 ? "/" : path.substring(0, at);
      }
      at = next;
    }
    return path.substring(0, at);
  }

  /** The fields the report shows, from the document's source, and whether it is suspect. */
  static Row row(FleetSearch.Document d) throws IOException {
    String ts = null;
    String hostName = null;
    String hostId = null;
    long seq = -1;
    String action = null;
    String path = null;
    String auditName = null;
    String auditId = null;
    try (JsonParser p = FACTORY.createParser(d.source())) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (f.equals("@timestamp") && t == JsonToken.VALUE_STRING) {
          ts = p.getText();
        } else if (t == JsonToken.START_OBJECT
            && (f.equals("host") || f.equals("event") || f.equals("file") || f.equals("user"))) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            JsonToken v = p.nextToken();
            String key = f + "." + g;
            switch (key) {
              case "host.name" -> hostName = p.getText();
              case "host.id" -> hostId = p.getText();
              case "event.sequence" -> seq = v.isNumeric() ? p.getLongValue() : -1;
              case "event.action" -> action = p.getText();
              case "file.path" -> path = p.getText();
              case "user.audit" -> {
                if (v == JsonToken.START_OBJECT) {
                  while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String a = p.currentName();
                    p.nextToken();
                    if (a.equals("name")) {
                      auditName = p.getText();
                    } else if (a.equals("id")) {
                      auditId = p.getText();
                    } else {
                      p.skipChildren();
                    }
                  }
                }
              }
              default -> p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    String user =
        auditName != null ? auditName : auditId != null ? "auid " + auditId : "(unattributed)";
    return new Row(
        d.index(),
        d.id(),
        ts,
        hostName,
        hostId,
        seq,
        action,
        path,
        user,
        suspect(d, hostId, seq, ts));
  }

  /**
   * Why the document is not what fim ship writes for its own fields, or null: its id must be {@code
   * <host.id>-<database id>-<sequence>} and its index the month of its time.
   */
  static String suspect(FleetSearch.Document d, String hostId, long seq, String ts) {
    if (hostId == null || seq < 0 || ts == null) {
      return "host.id, event.sequence or @timestamp missing";
    }
    String id = d.id();
    String head = hostId + "-";
    String tail = "-" + seq;
    if (!id.startsWith(head)
        || !id.endsWith(tail)
        || id.length() <= head.length() + tail.length()) {
      return "_id " + id + " is not " + hostId + "-<database id>-" + seq;
    }
    long ns;
    try {
      Instant t = Instant.parse(ts);
      ns = t.getEpochSecond() * 1_000_000_000L + t.getNano();
    } catch (RuntimeException e) {
      return "@timestamp " + ts + " is not a time";
    }
    if (!ShipDocuments.index(ns).equals(d.index())) {
      return "index " + d.index() + " is not the month of @timestamp " + ts;
    }
    return null;
  }

  /**
   * Reads the documents through {@code read} and writes the report (text or JSON) to {@code out}.
   */
  public static Result write(
      Source read,
      String source,
      String from,
      String until,
      List<String> hosts,
      int prefixDepth,
      ReportFormat format,
      Writer out)
      throws Exception {
    FleetReport r = new FleetReport(prefixDepth);
    read.read(r::add);
    String digest = HexFormat.of().formatHex(r.sha.digest());
    if (format == ReportFormat.JSON) {
      r.json(out, source, from, until, hosts, digest);
    } else {
      r.text(out, source, from, until, hosts, digest);
    }
    out.flush();
    return new Result(digest, r.rows.size(), r.suspect);
  }

  /** Where the documents come from ({@link FleetSearch#read} in the command). */
  public interface Source {
    FleetSearch.Counts read(FleetSearch.Sink sink) throws Exception;
  }

  static final String NOT_SHIPPED =
      "not available from the cluster: fim ship sends events only, not watch coverage or"
          + " approvals (see the local report of each host)";

  private void text(
      Writer out, String source, String from, String until, List<String> hosts, String digest)
      throws IOException {
    out.write("fim fleet report\n");
    out.write("source: " + source + "\n");
    out.write("period: " + from + " .. " + until + " (until exclusive)\n");
    out.write("hosts: " + (hosts.isEmpty() ? "all" : String.join(", ", hosts)) + "\n");
    out.write("data SHA-256: " + digest + "\n");
    out.write("documents: " + rows.size() + " (suspect: " + suspect + ")\n");
    out.write("seal: none (a shared cluster is not sealed; see docs/fleet.md)\n");
    out.write("coverage: " + NOT_SHIPPED + "\n");
    out.write("approvals: " + NOT_SHIPPED + "\n\n");
    totals(out, "Changes by host", byHost);
    totals(out, "Changes by login user (auid)", byUser);
    totals(out, "Changes by path prefix", byPrefix);
    out.write("Changes\n");
    for (Row r : rows) {
      out.write(
          "  "
              + r.timestamp()
              + "  "
              + r.hostName()
              + "  #"
              + r.sequence()
              + "  "
              + r.action()
              + "  "
              + oneLine(r.path())
              + "  "
              + r.user()
              + (r.suspect() == null ? "" : "  SUSPECT: " + r.suspect())
              + "\n");
    }
  }

  private static void totals(Writer out, String title, Map<String, long[]> m) throws IOException {
    out.write(title + "\n");
    for (Map.Entry<String, long[]> e : m.entrySet()) {
      out.write(String.format("  %8d  %s%n", e.getValue()[0], oneLine(e.getKey())));
    }
    out.write("\n");
  }

  private void json(
      Writer out, String source, String from, String until, List<String> hosts, String digest)
      throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeObjectFieldStart("fleet_report");
      g.writeStringField("source", source);
      g.writeStringField("since", from);
      g.writeStringField("until", until);
      g.writeArrayFieldStart("hosts");
      for (String h : hosts) {
        g.writeString(h);
      }
      g.writeEndArray();
      g.writeStringField("sha256", digest);
      g.writeNumberField("documents", rows.size());
      g.writeNumberField("suspect", suspect);
      g.writeBooleanField("sealed", false);
      g.writeStringField("coverage", NOT_SHIPPED);
      g.writeStringField("approvals", NOT_SHIPPED);
      g.writeEndObject();
      g.writeObjectFieldStart("totals");
      map(g, "by_host", byHost);
      map(g, "by_user", byUser);
      map(g, "by_path_prefix", byPrefix);
      g.writeEndObject();
      g.writeArrayFieldStart("changes");
      for (Row r : rows) {
        g.writeStartObject();
        g.writeStringField("index", r.index());
        g.writeStringField("id", r.id());
        g.writeStringField("@timestamp", r.timestamp());
        g.writeStringField("host_name", r.hostName());
        g.writeStringField("host_id", r.hostId());
        g.writeNumberField("sequence", r.sequence());
        g.writeStringField("action", r.action());
        g.writeStringField("path", r.path());
        g.writeStringField("user", r.user());
        if (r.suspect() != null) {
          g.writeStringField("suspect", r.suspect());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.write("\n");
  }

  /** A cluster's text on one line: a forged path must not start a line of its own. */
  static String oneLine(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static void map(JsonGenerator g, String name, Map<String, long[]> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, long[]> e : m.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue()[0]);
    }
    g.writeEndObject();
  }
}
