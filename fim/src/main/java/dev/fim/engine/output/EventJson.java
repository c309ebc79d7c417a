package dev.fim.engine.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;

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
      write(e, new GeneratorSink(g), true);
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  /**
   * As {@link #write(ChangeEvent, Writer)}, as UTF-8 bytes appended to {@code line}: the same bytes
   * (JsonBytes writes what the generator writes), without the generator's bookkeeping and a
   * character encoder after it (the watch's lines, issue 18).
   */
  public static void writeLine(ChangeEvent e, JsonBytes line) throws IOException {
    write(e, line, true);
  }

  /**
   * Writes one event object to an open generator, for arrays in documents (check's JSON names the
   * agent once at its top; a report's events carry none, see docs/usage.md: its bytes are made
   * again from the database by {@code fim report --verify}, whatever fim version verifies).
   */
  public static void write(ChangeEvent e, JsonGenerator g) throws IOException {
    write(e, new GeneratorSink(g), false);
  }

  /**
   * As {@link #write(ChangeEvent, JsonGenerator)}, to any sink: a JSON report's rows go to {@link
   * JsonBytes}.
   */
  public static void write(ChangeEvent e, JsonSink s) throws IOException {
    write(e, s, false);
  }

  /*
   * Field names as SerializedStrings, quoted and encoded once: a name given as a String is copied
   * and escape-checked character by character for every event (Jackson's writeStringField was the
   * top frame of a JSON report's render threads, issue 18).
   */
  private static final SerializedString N_ACTION = new SerializedString("action");
  private static final SerializedString N_AGENT = new SerializedString("agent");
  private static final SerializedString N_ARGS = new SerializedString("args");
  private static final SerializedString N_ATTRIBUTION_REASON =
      new SerializedString("attribution_reason");
  private static final SerializedString N_AUDIT = new SerializedString("audit");
  private static final SerializedString N_AUID = new SerializedString("auid");
  private static final SerializedString N_CATEGORY = new SerializedString("category");
  private static final SerializedString N_CHANGES = new SerializedString("changes");
  private static final SerializedString N_CTIME = new SerializedString("ctime");
  private static final SerializedString N_DIFF = new SerializedString("diff");
  private static final SerializedString N_EVENT = new SerializedString("event");
  private static final SerializedString N_EXECUTABLE = new SerializedString("executable");
  private static final SerializedString N_FILE = new SerializedString("file");
  private static final SerializedString N_FIM = new SerializedString("fim");
  private static final SerializedString N_GID = new SerializedString("gid");
  private static final SerializedString N_HASH = new SerializedString("hash");
  private static final SerializedString N_ID = new SerializedString("id");
  private static final SerializedString N_INODE = new SerializedString("inode");
  private static final SerializedString N_KIND = new SerializedString("kind");
  private static final SerializedString N_MESSAGE = new SerializedString("message");
  private static final SerializedString N_MODE = new SerializedString("mode");
  private static final SerializedString N_MTIME = new SerializedString("mtime");
  private static final SerializedString N_NAME = new SerializedString("name");
  private static final SerializedString N_NEW = new SerializedString("new");
  private static final SerializedString N_OLD = new SerializedString("old");
  private static final SerializedString N_OLD_PATH = new SerializedString("old_path");
  private static final SerializedString N_OLD_PATH_HEX = new SerializedString("old_path_hex");
  private static final SerializedString N_ORIGIN = new SerializedString("origin");
  private static final SerializedString N_PACKAGE = new SerializedString("package");
  private static final SerializedString N_PACKAGE_REASON = new SerializedString("package_reason");
  private static final SerializedString N_PACKAGE_VERIFIED =
      new SerializedString("package_verified");
  private static final SerializedString N_PARENT = new SerializedString("parent");
  private static final SerializedString N_PARENTS = new SerializedString("parents");
  private static final SerializedString N_PARENTS_CUT = new SerializedString("parents_cut");
  private static final SerializedString N_PATH = new SerializedString("path");
  private static final SerializedString N_PATH_HEX = new SerializedString("path_hex");
  private static final SerializedString N_PID = new SerializedString("pid");
  private static final SerializedString N_PREVIOUS_INODE = new SerializedString("previous_inode");
  private static final SerializedString N_PROBLEM = new SerializedString("problem");
  private static final SerializedString N_PROCESS = new SerializedString("process");
  private static final SerializedString N_SEQUENCE = new SerializedString("sequence");
  private static final SerializedString N_SERIAL = new SerializedString("serial");
  private static final SerializedString N_SESSION_ID = new SerializedString("session_id");
  private static final SerializedString N_SIZE = new SerializedString("size");
  private static final SerializedString N_SYSCALL = new SerializedString("syscall");
  private static final SerializedString N_SYSTEMD_UNIT = new SerializedString("systemd_unit");
  private static final SerializedString N_TARGET_PATH = new SerializedString("target_path");
  private static final SerializedString N_TIME = new SerializedString("time");
  private static final SerializedString N_TIMESTAMP = new SerializedString("@timestamp");
  private static final SerializedString N_TTY = new SerializedString("tty");
  private static final SerializedString N_TYPE = new SerializedString("type");
  private static final SerializedString N_UID = new SerializedString("uid");
  private static final SerializedString N_USER = new SerializedString("user");
  private static final SerializedString N_VERSION = new SerializedString("version");
  private static final SerializedString N_WRITERS = new SerializedString("writers");

  private static void string(JsonSink g, SerializedString name, String value) throws IOException {
    g.name(name);
    g.string(value);
  }

  private static void number(JsonSink g, SerializedString name, long value) throws IOException {
    g.name(name);
    g.number(value);
  }

  private static void bool(JsonSink g, SerializedString name, boolean value) throws IOException {
    g.name(name);
    g.bool(value);
  }

  /** A value fim names itself (an enum's label): quoted and encoded once, as the field names. */
  private static void label(JsonSink g, SerializedString name, SerializedString value)
      throws IOException {
    g.name(name);
    g.label(value);
  }

  private static void object(JsonSink g, SerializedString name) throws IOException {
    g.name(name);
    g.startObject();
  }

  private static void array(JsonSink g, SerializedString name) throws IOException {
    g.name(name);
    g.startArray();
  }

  private static void write(ChangeEvent e, JsonSink g, boolean agent) throws IOException {
    FileRecord file = e.after() != null ? e.after() : e.before();
    g.startObject();
    g.name(N_TIMESTAMP);
    g.timestamp(e.timeNs());
    if (e.message() != null) {
      string(g, N_MESSAGE, e.message());
    }
    object(g, N_EVENT);
    label(g, N_ACTION, ACTION[e.action().ordinal()]);
    number(g, N_SEQUENCE, e.sequence());
    label(g, N_KIND, V_EVENT);
    array(g, N_CATEGORY);
    g.label(V_FILE);
    g.endArray();
    array(g, N_TYPE);
    g.label(ECS_TYPE[e.action().ordinal()]);
    g.endArray();
    g.endObject();

    object(g, N_FILE);
    string(g, N_PATH, e.path().display());
    if (!e.path().isUtf8()) {
      string(g, N_PATH_HEX, e.path().hex());
    }
    if (e.oldPath() != null) {
      string(g, N_OLD_PATH, e.oldPath().display());
      if (!e.oldPath().isUtf8()) {
        string(g, N_OLD_PATH_HEX, e.oldPath().hex());
      }
    }
    if (file != null) {
      label(g, N_TYPE, FILE_TYPE[file.type().ordinal()]);
      g.name(N_INODE);
      g.unsignedDecimal(file.ino());
      if (e.before() != null && e.after() != null && e.before().ino() != e.after().ino()) {
        g.name(N_PREVIOUS_INODE);
        g.unsignedDecimal(e.before().ino());
      }
      number(g, N_SIZE, file.size());
      g.name(N_MODE);
      g.mode(file.mode());
      g.name(N_UID);
      g.decimal(Integer.toUnsignedLong(file.uid()));
      g.name(N_GID);
      g.decimal(Integer.toUnsignedLong(file.gid()));
      g.name(N_MTIME);
      g.timestamp(file.mtimeNs());
      g.name(N_CTIME);
      g.timestamp(file.ctimeNs());
      if (file.linkTarget() != null) {
        string(g, N_TARGET_PATH, PathBytes.of(file.linkTarget()).display());
      }
      if (!file.digests().isEmpty()) {
        object(g, N_HASH);
        for (Digest d : file.digests()) {
          g.name(HASH_NAME[d.algorithm().ordinal()]);
          g.hex(d);
        }
        g.endObject();
      }
    }
    if (!e.changes().isEmpty()) {
      array(g, N_CHANGES);
      writeChangedAttributes(e.changes(), g);
      g.endArray();
    }
    g.endObject();

    if (e.actor() != null) {
      writeActor(e.actor(), g);
    }
    if (e.pkg() != null) {
      object(g, N_PACKAGE);
      string(g, N_NAME, e.pkg().name());
      if (e.pkg().version() != null) {
        string(g, N_VERSION, e.pkg().version());
      }
      g.endObject();
    }
    object(g, N_FIM);
    if (e.origin() != null) {
      label(g, N_ORIGIN, ORIGIN[e.origin().ordinal()]);
    }
    label(
        g,
        N_ATTRIBUTION,
        ATTRIBUTION[(e.attribution() == null ? Attribution.NONE : e.attribution()).ordinal()]);
    if (e.attributionReason() != null) {
      string(g, N_ATTRIBUTION_REASON, e.attributionReason());
    }
    if (!e.changes().isEmpty()) {
      object(g, N_DIFF);
      for (AttributeChange c : e.changes()) {
        g.name(c.attribute());
        g.startObject();
        string(g, N_OLD, c.oldValue());
        string(g, N_NEW, c.newValue());
        g.endObject();
      }
      g.endObject();
    }
    if (file != null && file.problem() != null) {
      string(g, N_PROBLEM, file.problem());
    }
    if (e.actor() != null && e.actor().sessionId() != null) {
      g.name(N_SESSION_ID);
      g.decimal(e.actor().sessionId());
    }
    if (e.actor() != null && e.actor().tty() != null) {
      string(g, N_TTY, e.actor().tty());
    }
    if (e.actor() != null) {
      writeContext(e.actor(), g);
    }
    if (e.pkg() != null && e.pkg().verified() != null) {
      bool(g, N_PACKAGE_VERIFIED, e.pkg().verified());
      if (e.pkg().reason() != null) {
        string(g, N_PACKAGE_REASON, e.pkg().reason());
      }
    }
    if (!e.writers().isEmpty()) {
      writeWriters(e.writers(), g);
    }
    g.endObject();
    if (agent) {
      writeAgent(g);
    }
    g.endObject();
  }

  /**
   * ECS {@code agent}: {@code {"type":"fim","version":"…"}}, which build wrote this (BuildInfo);
   * one precomputed string written raw, the same for every event.
   */
  public static void writeAgent(JsonGenerator g) throws IOException {
    writeAgent(new GeneratorSink(g));
  }

  private static void writeAgent(JsonSink g) throws IOException {
    g.name(N_AGENT);
    g.rawValue(BuildInfo.AGENT_JSON);
  }

  /**
   * {@code fim.writers}: every audited syscall that contributed to the change, oldest first, each
   * {@code {"pid":N,"executable":"…","name":"…","auid":"N","uid":"N","syscall":"…","serial":N,
   * "time":"…"}} (ids keywords, as in {@code user}; a field the record did not give is left out).
   * Written only when there were two or more; the last is {@code process}/{@code user}.
   */
  private static void writeWriters(java.util.List<dev.fim.store.Writer> writers, JsonSink g)
      throws IOException {
    array(g, N_WRITERS);
    for (dev.fim.store.Writer w : writers) {
      g.startObject();
      if (w.pid() != null) {
        number(g, N_PID, w.pid());
      }
      if (w.executable() != null) {
        string(g, N_EXECUTABLE, w.executable());
      }
      if (w.name() != null) {
        string(g, N_NAME, w.name());
      }
      if (w.auid() != null) {
        g.name(N_AUID);
        g.decimal(w.auid());
      }
      if (w.uid() != null) {
        g.name(N_UID);
        g.decimal(w.uid());
      }
      if (w.syscall() != null) {
        string(g, N_SYSCALL, w.syscall());
      }
      if (w.serial() != null) {
        number(g, N_SERIAL, w.serial());
      }
      g.name(N_TIME);
      g.timestamp(w.timeNs());
      g.endObject();
    }
    g.endArray();
  }

  /**
   * ECS {@code user}: {@code id}/{@code name} (the effective user) and Auditbeat's {@code
   * user.audit.id/name} (the login user, which survives sudo); ids are keywords (strings), as ECS
   * has them; a null id leaves its part out. Also the user of an approval in {@code fim report}'s
   * JSON.
   */
  public static void writeUser(
      Long uid, String uidName, Long auid, String auidName, JsonGenerator g) throws IOException {
    writeUser(uid, uidName, auid, auidName, new GeneratorSink(g));
  }

  /** As {@link #writeUser(Long, String, Long, String, JsonGenerator)}, to any sink. */
  public static void writeUser(Long uid, String uidName, Long auid, String auidName, JsonSink g)
      throws IOException {
    object(g, N_USER);
    if (uid != null) {
      g.name(N_ID);
      g.decimal(uid);
      if (uidName != null) {
        string(g, N_NAME, uidName);
      }
    }
    if (auid != null) {
      object(g, N_AUDIT);
      g.name(N_ID);
      g.decimal(auid);
      if (auidName != null) {
        string(g, N_NAME, auidName);
      }
      g.endObject();
    }
    g.endObject();
  }

  /**
   * ECS {@code user} (effective user; {@code user.audit} is the login user, Auditbeat's convention)
   * and {@code process} ({@code pid} a long, {@code parent.pid}, {@code executable}, {@code name},
   * {@code args}). User ids are keywords (strings), as ECS has them.
   */
  private static void writeActor(Actor a, JsonSink g) throws IOException {
    if (a.uid() != null || a.auid() != null) {
      writeUser(a.uid(), a.uidName(), a.auid(), a.auidName(), g);
    }
    if (a.pid() != null || a.executable() != null) {
      object(g, N_PROCESS);
      if (a.pid() != null) {
        number(g, N_PID, a.pid());
      }
      if (a.executable() != null) {
        string(g, N_EXECUTABLE, a.executable());
      }
      if (a.name() != null) {
        string(g, N_NAME, a.name());
      }
      if (a.args() != null) {
        array(g, N_ARGS);
        for (String arg : a.args()) {
          g.string(arg);
        }
        g.endArray();
      }
      if (a.ppid() != null) {
        object(g, N_PARENT);
        number(g, N_PID, a.ppid());
        g.endObject();
      }
      g.endObject();
    }
  }

  /**
   * The context of an unset login uid (ECS has no field for it): {@code fim.systemd_unit} and
   * {@code fim.parents}, each parent as {@code {"pid":N,"executable":"…","auid":"N"}} (auid a
   * keyword, as {@code user.audit.id}), nearest first; {@code fim.parents_cut: true} when the chain
   * stopped at its bound with more ancestors above.
   */
  private static void writeContext(Actor a, JsonSink g) throws IOException {
    if (a.systemdUnit() != null) {
      string(g, N_SYSTEMD_UNIT, a.systemdUnit());
    }
    if (a.parents() != null) {
      array(g, N_PARENTS);
      for (Actor.Parent p : a.parents()) {
        g.startObject();
        number(g, N_PID, p.pid());
        if (p.executable() != null) {
          string(g, N_EXECUTABLE, p.executable());
        }
        if (p.auid() != null) {
          g.name(N_AUID);
          g.decimal(p.auid());
        }
        g.endObject();
      }
      g.endArray();
      if (a.parentsCut()) {
        bool(g, N_PARENTS_CUT, true);
      }
    }
  }

  /**
   * {@code file.changes}: each changed attribute's name once, in the order of the changes, as
   * {@link ChangeEvent#changedAttributes()} lists them, without making that list (an event has at
   * most a handful of changes).
   */
  private static void writeChangedAttributes(List<AttributeChange> changes, JsonSink g)
      throws IOException {
    for (int i = 0; i < changes.size(); i++) {
      String name = changes.get(i).attribute();
      boolean seen = false;
      for (int j = 0; j < i && !seen; j++) {
        seen = java.util.Objects.equals(changes.get(j).attribute(), name);
      }
      if (!seen) {
        g.string(name);
      }
    }
  }

  private static final SerializedString N_ATTRIBUTION = new SerializedString("attribution");
  private static final SerializedString V_EVENT = new SerializedString("event");
  private static final SerializedString V_FILE = new SerializedString("file");
  private static final SerializedString[] ACTION = labels(Action.values(), Action::label);
  private static final SerializedString[] ECS_TYPE = labels(Action.values(), EventJson::ecsType);
  private static final SerializedString[] FILE_TYPE = labels(FileType.values(), FileType::label);
  private static final SerializedString[] ORIGIN = labels(Origin.values(), Origin::label);
  private static final SerializedString[] ATTRIBUTION =
      labels(Attribution.values(), Attribution::label);
  private static final SerializedString[] HASH_NAME =
      labels(HashAlgorithm.values(), HashAlgorithm::label);

  /** Each constant's label, quoted and encoded once, by ordinal. */
  private static <E extends Enum<E>> SerializedString[] labels(
      E[] values, java.util.function.Function<E, String> label) {
    SerializedString[] out = new SerializedString[values.length];
    for (E v : values) {
      out[v.ordinal()] = new SerializedString(label.apply(v));
    }
    return out;
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
