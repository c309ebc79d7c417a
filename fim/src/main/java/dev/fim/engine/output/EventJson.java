package dev.fim.engine.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.Timestamps;
import dev.fim.store.Values;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;

/**
 * Writes a {@link ChangeEvent} as the event JSON of DESIGN.md: ECS field names ({@code @timestamp},
 * {@code event.action}, {@code file.*}), plus fim's own additions only under {@code fim.*}, {@code
 * file.changes}, {@code file.old_path}, {@code file.path_hex}, {@code file.previous_inode} and
 * {@code file.hash.xxh3_128}; ECS {@code package.name}/{@code package.version} for a packaged file,
 * with {@code fim.package_verified} (and {@code fim.package_reason} when false) when the package
 * manager wrote it. ECS keyword fields (inode, uid, gid, mode) are strings. A path that is not
 * UTF-8 also carries its exact bytes as {@code file.path_hex} (and {@code file.old_path_hex} — a
 * fim addition for the old name of a move). Thread-safe (the factory is shared; generators are per
 * call).
 */
public final class EventJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private EventJson() {}

  /** One event as one line of JSON, without the newline. */
  public static String toJson(ChangeEvent e) {
    StringWriter w = new StringWriter(512);
    write(e, w);
    return w.toString();
  }

  /**
   * Writes one event as one JSON object (no newline) to {@code out}: a line of its own (watch,
   * history), so it names the agent that wrote it ({@code agent.type}, {@code agent.version}).
   */
  public static void write(ChangeEvent e, Writer out) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      write(e, g, true);
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  /**
   * A generator for {@link #writeLine} that writes one event after the other to {@code out}, each
   * as its own root value with nothing between them (the caller ends the line), never closing or
   * flushing {@code out} itself. Making a generator per event was a tenth of the event JSON's cost
   * in a watch (JFR, issue 18).
   */
  public static JsonGenerator lineGenerator(Writer out) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    g.setRootValueSeparator(null);
    return g;
  }

  /**
   * As {@link #write(ChangeEvent, Writer)}, through a {@link #lineGenerator}: the object is in the
   * generator's target when this returns.
   */
  public static void writeLine(ChangeEvent e, JsonGenerator g) throws IOException {
    write(e, g, true);
    g.flush();
  }

  /**
   * Writes one event object to an open generator, for arrays in documents (check's JSON names the
   * agent once at its top; a report's events carry none, see docs/usage.md: its bytes are made
   * again from the database by {@code fim report --verify}, whatever fim version verifies).
   */
  public static void write(ChangeEvent e, JsonGenerator g) throws IOException {
    write(e, g, false);
  }

  private static void write(ChangeEvent e, JsonGenerator g, boolean agent) throws IOException {
    FileRecord file = e.after() != null ? e.after() : e.before();
    g.writeStartObject();
    g.writeStringField("@timestamp", Timestamps.format(e.timeNs()));
    if (e.message() != null) {
      g.writeStringField("message", e.message());
    }
    g.writeObjectFieldStart("event");
    g.writeStringField("action", e.action().label());
    g.writeNumberField("sequence", e.sequence());
    g.writeStringField("kind", "event");
    g.writeArrayFieldStart("category");
    g.writeString("file");
    g.writeEndArray();
    g.writeArrayFieldStart("type");
    g.writeString(ecsType(e.action()));
    g.writeEndArray();
    g.writeEndObject();

    g.writeObjectFieldStart("file");
    g.writeStringField("path", e.path().display());
    if (!e.path().isUtf8()) {
      g.writeStringField("path_hex", e.path().hex());
    }
    if (e.oldPath() != null) {
      g.writeStringField("old_path", e.oldPath().display());
      if (!e.oldPath().isUtf8()) {
        g.writeStringField("old_path_hex", e.oldPath().hex());
      }
    }
    if (file != null) {
      g.writeStringField("type", file.type().label());
      g.writeStringField("inode", Long.toUnsignedString(file.ino()));
      if (e.before() != null && e.after() != null && e.before().ino() != e.after().ino()) {
        g.writeStringField("previous_inode", Long.toUnsignedString(e.before().ino()));
      }
      g.writeNumberField("size", file.size());
      g.writeStringField("mode", Values.mode(file.mode()));
      g.writeStringField("uid", Integer.toUnsignedString(file.uid()));
      g.writeStringField("gid", Integer.toUnsignedString(file.gid()));
      g.writeStringField("mtime", Timestamps.format(file.mtimeNs()));
      g.writeStringField("ctime", Timestamps.format(file.ctimeNs()));
      if (file.linkTarget() != null) {
        g.writeStringField("target_path", PathBytes.of(file.linkTarget()).display());
      }
      if (!file.digests().isEmpty()) {
        g.writeObjectFieldStart("hash");
        for (Digest d : file.digests()) {
          g.writeStringField(d.algorithm().label(), d.hex());
        }
        g.writeEndObject();
      }
    }
    if (!e.changes().isEmpty()) {
      g.writeArrayFieldStart("changes");
      for (String c : e.changedAttributes()) {
        g.writeString(c);
      }
      g.writeEndArray();
    }
    g.writeEndObject();

    if (e.actor() != null) {
      writeActor(e.actor(), g);
    }
    if (e.pkg() != null) {
      g.writeObjectFieldStart("package");
      g.writeStringField("name", e.pkg().name());
      if (e.pkg().version() != null) {
        g.writeStringField("version", e.pkg().version());
      }
      g.writeEndObject();
    }
    g.writeObjectFieldStart("fim");
    if (e.origin() != null) {
      g.writeStringField("origin", e.origin().label());
    }
    g.writeStringField(
        "attribution", (e.attribution() == null ? Attribution.NONE : e.attribution()).label());
    if (e.attributionReason() != null) {
      g.writeStringField("attribution_reason", e.attributionReason());
    }
    if (!e.changes().isEmpty()) {
      g.writeObjectFieldStart("diff");
      for (AttributeChange c : e.changes()) {
        g.writeObjectFieldStart(c.attribute());
        g.writeStringField("old", c.oldValue());
        g.writeStringField("new", c.newValue());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    if (file != null && file.problem() != null) {
      g.writeStringField("problem", file.problem());
    }
    if (e.actor() != null && e.actor().sessionId() != null) {
      g.writeStringField("session_id", Long.toString(e.actor().sessionId()));
    }
    if (e.actor() != null && e.actor().tty() != null) {
      g.writeStringField("tty", e.actor().tty());
    }
    if (e.actor() != null) {
      writeContext(e.actor(), g);
    }
    if (e.pkg() != null && e.pkg().verified() != null) {
      g.writeBooleanField("package_verified", e.pkg().verified());
      if (e.pkg().reason() != null) {
        g.writeStringField("package_reason", e.pkg().reason());
      }
    }
    if (!e.writers().isEmpty()) {
      writeWriters(e.writers(), g);
    }
    g.writeEndObject();
    if (agent) {
      writeAgent(g);
    }
    g.writeEndObject();
  }

  /**
   * ECS {@code agent}: {@code {"type":"fim","version":"…"}}, which build wrote this (BuildInfo);
   * one precomputed string written raw, the same for every event.
   */
  public static void writeAgent(JsonGenerator g) throws IOException {
    g.writeFieldName("agent");
    g.writeRawValue(BuildInfo.AGENT_JSON);
  }

  /**
   * {@code fim.writers}: every audited syscall that contributed to the change, oldest first, each
   * {@code {"pid":N,"executable":"…","name":"…","auid":"N","uid":"N","syscall":"…","serial":N,
   * "time":"…"}} (ids keywords, as in {@code user}; a field the record did not give is left out).
   * Written only when there were two or more; the last is {@code process}/{@code user}.
   */
  private static void writeWriters(java.util.List<dev.fim.store.Writer> writers, JsonGenerator g)
      throws IOException {
    g.writeArrayFieldStart("writers");
    for (dev.fim.store.Writer w : writers) {
      g.writeStartObject();
      if (w.pid() != null) {
        g.writeNumberField("pid", w.pid());
      }
      if (w.executable() != null) {
        g.writeStringField("executable", w.executable());
      }
      if (w.name() != null) {
        g.writeStringField("name", w.name());
      }
      if (w.auid() != null) {
        g.writeStringField("auid", Long.toString(w.auid()));
      }
      if (w.uid() != null) {
        g.writeStringField("uid", Long.toString(w.uid()));
      }
      if (w.syscall() != null) {
        g.writeStringField("syscall", w.syscall());
      }
      if (w.serial() != null) {
        g.writeNumberField("serial", w.serial());
      }
      g.writeStringField("time", Timestamps.format(w.timeNs()));
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * ECS {@code user}: {@code id}/{@code name} (the effective user) and Auditbeat's {@code
   * user.audit.id/name} (the login user, which survives sudo); ids are keywords (strings), as ECS
   * has them; a null id leaves its part out. Also the user of an approval in {@code fim report}'s
   * JSON.
   */
  public static void writeUser(
      Long uid, String uidName, Long auid, String auidName, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("user");
    if (uid != null) {
      g.writeStringField("id", Long.toString(uid));
      if (uidName != null) {
        g.writeStringField("name", uidName);
      }
    }
    if (auid != null) {
      g.writeObjectFieldStart("audit");
      g.writeStringField("id", Long.toString(auid));
      if (auidName != null) {
        g.writeStringField("name", auidName);
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * ECS {@code user} (effective user; {@code user.audit} is the login user, Auditbeat's convention)
   * and {@code process} ({@code pid} a long, {@code parent.pid}, {@code executable}, {@code name},
   * {@code args}). User ids are keywords (strings), as ECS has them.
   */
  private static void writeActor(Actor a, JsonGenerator g) throws IOException {
    if (a.uid() != null || a.auid() != null) {
      writeUser(a.uid(), a.uidName(), a.auid(), a.auidName(), g);
    }
    if (a.pid() != null || a.executable() != null) {
      g.writeObjectFieldStart("process");
      if (a.pid() != null) {
        g.writeNumberField("pid", a.pid());
      }
      if (a.executable() != null) {
        g.writeStringField("executable", a.executable());
      }
      if (a.name() != null) {
        g.writeStringField("name", a.name());
      }
      if (a.args() != null) {
        g.writeArrayFieldStart("args");
        for (String arg : a.args()) {
          g.writeString(arg);
        }
        g.writeEndArray();
      }
      if (a.ppid() != null) {
        g.writeObjectFieldStart("parent");
        g.writeNumberField("pid", a.ppid());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
  }

  /**
   * The context of an unset login uid (ECS has no field for it): {@code fim.systemd_unit} and
   * {@code fim.parents}, each parent as {@code {"pid":N,"executable":"…","auid":"N"}} (auid a
   * keyword, as {@code user.audit.id}), nearest first; {@code fim.parents_cut: true} when the chain
   * stopped at its bound with more ancestors above.
   */
  private static void writeContext(Actor a, JsonGenerator g) throws IOException {
    if (a.systemdUnit() != null) {
      g.writeStringField("systemd_unit", a.systemdUnit());
    }
    if (a.parents() != null) {
      g.writeArrayFieldStart("parents");
      for (Actor.Parent p : a.parents()) {
        g.writeStartObject();
        g.writeNumberField("pid", p.pid());
        if (p.executable() != null) {
          g.writeStringField("executable", p.executable());
        }
        if (p.auid() != null) {
          g.writeStringField("auid", Long.toString(p.auid()));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      if (a.parentsCut()) {
        g.writeBooleanField("parents_cut", true);
      }
    }
  }

  private static String ecsType(Action a) {
    return switch (a) {
      case CREATED -> "creation";
      case DELETED -> "deletion";
      case MOVED, UPDATED, ATTRIBUTES_MODIFIED -> "change";
      case OVERFLOW -> "info";
    };
  }
}
