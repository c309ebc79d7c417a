package dev.fim.engine.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.engine.output.EventJson;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The {@code _bulk} lines of one event: a {@code create} action naming the month's index and the
 * document id, then the event JSON of {@link EventJson} (so every field fim writes ships, also
 * those added later) with {@code host.*} and, unless the event JSON has it already, {@code
 * agent.*}.
 *
 * <p>The id is {@code <host.id>-<database id>-<sequence>}: the same event always gets the same id
 * and, its time being fixed, the same index, so {@code create} refuses a second copy (409) however
 * often it is sent. A data stream would not keep that promise: after a rollover the retry goes to a
 * new backing index, where the id is not known.
 */
public final class ShipDocuments {
  /** Index names: this prefix and the event's month (UTC), e.g. {@code fim-events-2026.12}. */
  public static final String INDEX_PREFIX = "fim-events-";

  private static final JsonFactory FACTORY = new JsonFactory();

  /** Whether {@link EventJson} writes {@code agent.*} itself (then this adds no second one). */
  private static final boolean EVENT_JSON_HAS_AGENT =
      EventJson.toJson(
              new ChangeEvent(
                  0,
                  1,
                  Action.CREATED,
                  PathBytes.ofUtf8("/"),
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null))
          .contains("\"agent\":");

  private final String hostJson;
  private final String idPrefix;

  public ShipDocuments(HostIdentity host, String databaseId, String agentVersion) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject(); // only its fields are used: ,"host":{…}[,"agent":{…}]
      g.writeObjectFieldStart("host");
      g.writeStringField("name", host.name());
      g.writeStringField("hostname", host.name());
      g.writeStringField("id", host.id());
      g.writeEndObject();
      if (!EVENT_JSON_HAS_AGENT) {
        g.writeObjectFieldStart("agent");
        g.writeStringField("type", "fim");
        if (agentVersion != null) {
          g.writeStringField("version", agentVersion);
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String fields = w.toString();
    this.hostJson = fields.substring(1, fields.length() - 1);
    this.idPrefix = host.id() + "-" + databaseId + "-";
  }

  /** The document id of the event with sequence {@code seq}. */
  public String id(long seq) {
    return idPrefix + seq;
  }

  /** The index of an event observed at {@code timeNs}: {@code fim-events-YYYY.MM} in UTC. */
  public static String index(long timeNs) {
    ZonedDateTime t =
        Instant.ofEpochSecond(Math.floorDiv(timeNs, 1_000_000_000L)).atZone(ZoneOffset.UTC);
    int m = t.getMonthValue();
    return INDEX_PREFIX + t.getYear() + (m < 10 ? ".0" : ".") + m;
  }

  /** Appends the two NDJSON lines of {@code e} (each ending in a newline) to {@code out}. */
  public void append(ChangeEvent e, StringBuilder out) {
    out.append("{\"create\":{\"_index\":\"")
        .append(index(e.timeNs()))
        .append("\",\"_id\":\"")
        .append(id(e.sequence()))
        .append("\"}}\n");
    String json = EventJson.toJson(e);
    out.append(json, 0, json.length() - 1).append(',').append(hostJson).append("}\n");
  }
}
