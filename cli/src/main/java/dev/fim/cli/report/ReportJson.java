package dev.fim.cli.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.JsonSink;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EvidenceChain;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.util.Map;

/**
 * The report's data as JSON: one object per change and one summary object. The same objects are the
 * JSON report's {@code changes[]} and {@code summary}, and, written compactly, the canonical form
 * that {@link ReportDigest} hashes. Stateless.
 */
final class ReportJson {
  private ReportJson() {}

  /** A change's field names, quoted and encoded once (a million changes, issue 18). */
  private static final SerializedString HOST = new SerializedString("host");

  private static final SerializedString EVENT = new SerializedString("event");
  private static final SerializedString APPROVAL = new SerializedString("approval");
  private static final SerializedString ACCEPTED_AT = new SerializedString("accepted_at");
  private static final SerializedString NOTE = new SerializedString("note");

  /**
   * {@code {"event":{…the event JSON…},"approval":{…}}}; approval is {@code null} for an unapproved
   * change and absent for an overflow (which is not approvable).
   */
  static void change(JsonSink g, ChangeEvent e, Approval a) throws IOException {
    change(g, null, e, a);
  }

  /** As {@link #change(JsonSink, ChangeEvent, Approval)}, with a fleet report's host first. */
  static void change(JsonSink g, String host, ChangeEvent e, Approval a) throws IOException {
    g.startObject();
    if (host != null) {
      g.name(HOST);
      g.string(host);
    }
    g.name(EVENT);
    EventJson.write(e, g);
    if (e.action() != Action.OVERFLOW) {
      g.name(APPROVAL);
      if (a == null) {
        g.nullValue();
      } else {
        approval(g, a);
      }
    }
    g.endObject();
  }

  private static void approval(JsonSink g, Approval a) throws IOException {
    g.startObject();
    g.name(ACCEPTED_AT);
    g.timestamp(a.acceptedNs());
    EventJson.writeUser(a.uid(), a.uidName(), a.auid(), a.auidName(), g);
    g.name(NOTE);
    g.string(a.note());
    g.endObject();
  }

  static void summary(JsonGenerator g, Summary s) throws IOException {
    ReportParameters p = s.parameters;
    g.writeStartObject();
    g.writeObjectFieldStart("period");
    g.writeStringField("since", EventTime.of(p.fromNs()));
    g.writeStringField("until", EventTime.of(p.untilNs()));
    g.writeEndObject();
    // Not when or where it was generated (the parameter line says that): the same data has the same
    // digest.
    g.writeNumberField("prefix_depth", p.prefixDepth());
    g.writeArrayFieldStart("hosts");
    for (String h : s.coverage.hosts()) {
      g.writeString(h);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("trees");
    for (PathBytes t : s.coverage.trees()) {
      g.writeString(t.display());
    }
    g.writeEndArray();
    coverage(g, s);
    g.writeObjectFieldStart("totals");
    g.writeNumberField("changes", s.changes);
    g.writeNumberField("approved", s.approved);
    g.writeNumberField("unapproved", s.unapproved());
    counts(g, "by_action", s.byAction());
    counts(g, "by_user", s.byUser());
    counts(g, "by_path_prefix", s.byPrefix());
    counts(g, "by_origin", s.byOrigin());
    if (!s.byHost().isEmpty()) {
      counts(g, "by_host", s.byHost());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("loss");
    g.writeNumberField("overflow_events", s.overflows);
    g.writeNumberField("audit_records_lost", s.auditRecordsLost);
    counts(g, "by_reason", s.lossByReason());
    g.writeEndObject();
    if (s.firstNs <= s.lastNs) {
      g.writeStringField("first_event", EventTime.of(s.firstNs));
      g.writeStringField("last_event", EventTime.of(s.lastNs));
    }
    if (s.mentionsPackages()) {
      // Only then: a report of data without packages keeps the summary (and digest) it had before.
      g.writeObjectFieldStart("packages");
      g.writeNumberField("changes", s.packageChanges);
      g.writeNumberField("verified", s.packageVerified);
      g.writeNumberField("not_verified", s.packageUnverified());
      if (s.parameters.excludeVerifiedPackages()) {
        g.writeNumberField("verified_left_out", s.excludedVerifiedPackages);
      }
      g.writeEndObject();
    }
    timeline(g, s.timeline);
    if (s.fleet != null) {
      s.fleet.json(g);
    } else {
      evidence(g, s.chain);
    }
    g.writeEndObject();
  }

  /**
   * The evidence chain's state; only what stays the same while the data does (see
   * Summary#evidence).
   */
  private static void evidence(JsonGenerator g, EvidenceChain.Verification v) throws IOException {
    g.writeObjectFieldStart("evidence_chain");
    g.writeBooleanField("verified", v.verified());
    g.writeStringField("status", v.verified() ? "verified" : "NOT VERIFIED");
    if (!v.verified()) {
      g.writeStringField("problem", v.problem());
    } else if (v.head() != null) {
      g.writeNumberField("starts_at_event", v.head().firstEvent());
      g.writeStringField("started", EventTime.of(v.head().startNs()));
      g.writeNumberField("records_sealed_at_start", v.head().adopted());
    }
    g.writeEndObject();
  }

  /**
   * The coverage object; in a fleet report {@code {"by_host":{"web1 (id)":{…}}}}, each host's
   * object as its own report writes it.
   */
  private static void coverage(JsonGenerator g, Summary s) throws IOException {
    g.writeObjectFieldStart("coverage");
    if (s.coverageByHost == null) {
      coverage(g, s.coverage, s.parameters);
      return;
    }
    g.writeObjectFieldStart("by_host");
    for (Map.Entry<String, Coverage> h : s.coverageByHost.entrySet()) {
      g.writeObjectFieldStart(h.getKey());
      coverage(g, h.getValue(), s.parameters);
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The fields of one coverage object, and its end. */
  private static void coverage(JsonGenerator g, Coverage c, ReportParameters p) throws IOException {
    g.writeNumberField("period_seconds", (p.untilNs() - p.fromNs()) / 1_000_000_000L);
    g.writeNumberField("watched_seconds", c.coveredNs() / 1_000_000_000L);
    g.writeArrayFieldStart("watch_runs");
    for (Coverage.Run r : c.runs()) {
      g.writeStartObject();
      g.writeStringField("start", EventTime.of(r.startNs()));
      g.writeStringField("end", EventTime.of(r.endNs()));
      g.writeStringField("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
      g.writeStringField("host", r.host());
      g.writeStringField("backend", r.backend());
      g.writeStringField("attribution", r.attribution());
      g.writeArrayFieldStart("trees");
      for (PathBytes t : r.trees()) {
        g.writeString(t.display());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("gaps");
    for (Coverage.Span gap : c.gaps()) {
      g.writeStartObject();
      g.writeStringField("start", EventTime.of(gap.startNs()));
      g.writeStringField("end", EventTime.of(gap.endNs()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void timeline(JsonGenerator g, Timeline t) throws IOException {
    g.writeObjectFieldStart("timeline");
    g.writeNumberField("bucket_seconds", t.bucketNs / 1_000_000_000L);
    array(g, "approved", t.approved);
    array(g, "unapproved", t.unapproved);
    array(g, "overflows", t.overflows);
    g.writeEndObject();
  }

  private static void array(JsonGenerator g, String name, long[] values) throws IOException {
    g.writeFieldName(name);
    g.writeArray(values, 0, values.length);
  }

  private static void counts(JsonGenerator g, String name, Map<String, Long> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, Long> e : m.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /**
   * The approval state of a change for people: {@code approved}, {@code UNAPPROVED}, or {@code n/a}
   * (overflow).
   */
  static String state(ChangeEvent e, Approval a) {
    return e.action() == Action.OVERFLOW ? "n/a" : a == null ? "UNAPPROVED" : "approved";
  }

  /** Who made the change: the actor's parts for the CSV and HTML columns. */
  static String actorExe(Actor a) {
    return a == null || a.executable() == null ? "" : a.executable();
  }
}
