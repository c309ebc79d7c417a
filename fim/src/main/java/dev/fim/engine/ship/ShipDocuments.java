package dev.fim.engine.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.engine.output.BuildInfo;
import dev.fim.engine.output.EventJson;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Timestamps;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;

/**
 * The {@code _bulk} lines of one event: a {@code create} action naming the month's index and the
 * document id, then the event JSON of {@link EventJson} (so every field fim writes ships, also
 * those added later) with {@code host.*}, {@code agent.id} (the database id) and {@code fim.record}
 * (the stored record, base64).
 *
 * <p>The id is {@code <host.id>-<database id>-<sequence>}: the same event always gets the same id
 * and, its time being fixed, the same index, so {@code create} refuses a second copy (409) however
 * often it is sent. A data stream would not keep that promise: after a rollover the retry goes to a
 * new backing index, where the id is not known.
 */
public final class ShipDocuments {
  /** Index names: this prefix and the event's month (UTC), e.g. {@code fim-events-2026.12}. */
  public static final String INDEX_PREFIX = "fim-events-";

  /**
   * Approvals' indices: this prefix and the approved event's month, so an approval is kept (and
   * deleted) with its event's month.
   */
  public static final String APPROVALS_PREFIX = "fim-approvals-";

  /**
   * Watch coverage's indices: this prefix and the month (UTC) the watch run started, where its
   * document stays while the run's end moves forward.
   */
  public static final String COVERAGE_PREFIX = "fim-coverage-";

  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * How every event JSON line ends (EventJson writes the {@code fim} object, then {@code agent}
   * last): {@code },"agent":{…}}}. The document replaces it, adding {@code fim.record} and {@code
   * agent.id}.
   */
  private static final String EVENT_TAIL = "},\"agent\":" + BuildInfo.AGENT_JSON + "}";

  private final String tail;
  private final String idPrefix;

  /**
   * @param databaseId the store's database id: the documents' {@code agent.id} (as a Beat's
   *     agent.id is the id kept in its data directory) and the middle part of their {@code _id}
   */
  public ShipDocuments(HostIdentity host, String databaseId, String agentVersion) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject(); // only its fields are used: ,"agent":{…},"host":{…}
      g.writeObjectFieldStart("agent");
      g.writeStringField("type", BuildInfo.AGENT_TYPE);
      String version = agentVersion != null ? agentVersion : BuildInfo.VERSION;
      g.writeStringField("version", version);
      g.writeStringField("id", databaseId);
      g.writeEndObject();
      g.writeObjectFieldStart("host");
      g.writeStringField("name", host.name());
      g.writeStringField("hostname", host.name());
      g.writeStringField("id", host.id());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String fields = w.toString();
    this.tail = "}," + fields.substring(1, fields.length() - 1) + "}";
    this.idPrefix = host.id() + "-" + databaseId + "-";
  }

  /** The document id of the event with sequence {@code seq}. */
  public String id(long seq) {
    return idPrefix + seq;
  }

  /** The index of an event observed at {@code timeNs}: {@code fim-events-YYYY.MM} in UTC. */
  public static String index(long timeNs) {
    return INDEX_PREFIX + month(timeNs);
  }

  /** The month of {@code timeNs} in UTC as an index suffix: {@code YYYY.MM}. */
  public static String month(long timeNs) {
    ZonedDateTime t =
        Instant.ofEpochSecond(Math.floorDiv(timeNs, 1_000_000_000L)).atZone(ZoneOffset.UTC);
    int m = t.getMonthValue();
    return t.getYear() + (m < 10 ? ".0" : ".") + m;
  }

  /**
   * Appends the two NDJSON lines of the approval {@code a} of the event {@code (eventTimeNs,
   * sequence)}: in {@code fim-approvals-<the event's month>}, with the event's document id (one
   * approval per event: accepting again leaves the first). {@code @timestamp} and {@code
   * event.sequence} are the approved event's (a fleet report reads the approvals of its period like
   * its events); {@code fim.approved_at}, {@code fim.note} and {@code user.*} (who accepted) are
   * for searching, {@code fim.record} (the stored approval, base64) is what a report renders.
   */
  public void appendApproval(
      long eventTimeNs, long sequence, Approval a, byte[] stored, StringBuilder out) {
    out.append("{\"create\":{\"_index\":\"")
        .append(APPROVALS_PREFIX)
        .append(month(eventTimeNs))
        .append("\",\"_id\":\"")
        .append(id(sequence))
        .append("\"}}\n");
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", Timestamps.format(eventTimeNs));
      g.writeObjectFieldStart("event");
      g.writeStringField("action", "approved");
      g.writeNumberField("sequence", sequence);
      g.writeStringField("kind", "event");
      g.writeEndObject();
      EventJson.writeUser(a.uid(), a.uidName(), a.auid(), a.auidName(), g);
      g.writeObjectFieldStart("fim");
      g.writeStringField("approved_at", Timestamps.format(a.acceptedNs()));
      g.writeStringField("note", a.note());
      g.writeStringField("record", Base64.getEncoder().encodeToString(stored));
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String json = w.toString();
    out.append(json, 0, json.length() - 1).append(tail, 1, tail.length()).append('\n');
  }

  /** The document id of the watch run that started at {@code startNs}. */
  public String coverageId(long startNs) {
    return idPrefix + "coverage-" + startNs;
  }

  /**
   * Appends the two NDJSON lines of a watch run's coverage interval: an {@code index} action in
   * {@code fim-coverage-<month of its start>} with the id {@link #coverageId} and the external
   * version {@link CoverageState#version} (a copy with a later end replaces the one before; an
   * older or the same copy is refused with 409, which counts as acknowledged), then the document:
   * {@code @timestamp} and {@code event.start} the run's start, {@code event.end} its end (its last
   * heartbeat while it runs or after it was killed), {@code fim.coverage.*} how it ended and what
   * it watched, and {@code fim.record} (the stored interval, base64) from which a fleet report
   * computes the coverage with the local report's code.
   */
  public void appendCoverage(WatchCoverage.Interval i, byte[] stored, StringBuilder out) {
    out.append("{\"index\":{\"_index\":\"")
        .append(COVERAGE_PREFIX)
        .append(month(i.startNs()))
        .append("\",\"_id\":\"")
        .append(coverageId(i.startNs()))
        .append("\",\"version\":")
        .append(CoverageState.version(i))
        .append(",\"version_type\":\"external\"}}\n");
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", Timestamps.format(i.startNs()));
      g.writeObjectFieldStart("event");
      g.writeStringField("kind", "state");
      g.writeStringField("action", "watch-coverage");
      g.writeStringField("start", Timestamps.format(i.startNs()));
      g.writeStringField("end", Timestamps.format(i.endNs()));
      g.writeEndObject();
      g.writeObjectFieldStart("fim");
      g.writeObjectFieldStart("coverage");
      g.writeBooleanField("ended", i.ended());
      g.writeStringField("host", i.host());
      g.writeStringField("backend", i.backend());
      g.writeArrayFieldStart("trees");
      for (dev.fim.store.PathBytes t : i.trees()) {
        g.writeString(t.display());
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeStringField("attribution", i.attribution().label());
      g.writeStringField("record", Base64.getEncoder().encodeToString(stored));
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String json = w.toString();
    out.append(json, 0, json.length() - 1).append(tail, 1, tail.length()).append('\n');
  }

  /**
   * Appends the two NDJSON lines of {@code e} (each ending in a newline) to {@code out}: the event
   * JSON, with {@code fim.record} (its record as the store holds it, base64: what a fleet report
   * renders from, with the same code as a local one), {@code agent.id} and {@code host.*}.
   */
  public void append(ChangeEvent e, byte[] stored, StringBuilder out) {
    out.append("{\"create\":{\"_index\":\"")
        .append(index(e.timeNs()))
        .append("\",\"_id\":\"")
        .append(id(e.sequence()))
        .append("\"}}\n");
    String json = EventJson.toJson(e);
    if (!json.endsWith(EVENT_TAIL)) {
      throw new IllegalStateException("event JSON does not end with the fim object and agent");
    }
    out.append(json, 0, json.length() - EVENT_TAIL.length());
    if (out.charAt(out.length() - 1) != '{') {
      out.append(',');
    }
    out.append("\"record\":\"");
    out.append(Base64.getEncoder().encodeToString(stored));
    out.append('"').append(tail).append('\n');
  }
}
