package dev.fim.auditlink.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.search.EventSummary.ObjectPath;
import dev.fim.auditlink.search.EventSummary.User;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Renders an event as one JSON object for {@code fim audit search --format json} (one object per
 * line; the caller writes the separator):
 *
 * <pre>
 * {"sequence":59,"time":"2017-04-12T22:48:11.036Z","record_types":["SYSCALL","EXECVE",…],
 *  "keys":["user_commands"],
 *  "actor":{"auid":{"id":"1000","name":"alice"},"uid":{"id":"1000","name":"alice"}},
 *  "action":"executed","result":"success",
 *  "object":{"what":"file","paths":[{"path":"/usr/bin/grep","nametype":"NORMAL","inode":"2512","mode":"0100755"}]},
 *  "how":{"exe":"/usr/bin/grep","comm":"grep","proctitle":"grep --color=auto mapping","syscall":"execve"}}
 * </pre>
 *
 * Absent values are left out, not written as null. A path that is not valid UTF-8 also gets {@code
 * path_hex}, its exact bytes (DESIGN.md: nothing is lost). Thread-safe.
 */
public final class SearchJson {
  private final Interpreter names;

  public SearchJson(Interpreter names) {
    this.names = names;
  }

  public void write(AuditEvent e, JsonGenerator g) throws IOException {
    write(EventSummary.of(e, names), g);
  }

  /**
   * Writers of each event as one line of JSON, for {@link AuditSearch#run}: one per thread that
   * asks (a writer is not thread-safe, this object is).
   */
  public java.util.function.Supplier<EventWriter> lines() {
    return new Lines(new JsonFactory());
  }

  /**
   * {@link #lines()}. Named classes, not lambdas: a search asks for its writers on the main thread
   * before the first byte is read, and a lambda's first link there ran the lambda machinery (method
   * handles spun, a few ms) on the search's critical path.
   */
  private final class Lines implements java.util.function.Supplier<EventWriter> {
    private final JsonFactory factory;

    Lines(JsonFactory factory) {
      this.factory = factory;
    }

    @Override
    public EventWriter get() {
      return new Line(factory);
    }
  }

  /** One thread's writer of events as lines of JSON. */
  private final class Line implements EventWriter {
    private final JsonFactory factory;

    Line(JsonFactory factory) {
      this.factory = factory;
    }

    @Override
    public void write(AuditEvent e, java.io.Writer to) throws IOException {
      JsonGenerator g = factory.createGenerator(to);
      g.setRootValueSeparator(null);
      SearchJson.this.write(e, g);
      g.flush();
      to.write('\n');
    }
  }

  public void write(EventSummary s, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("sequence", s.sequence());
    g.writeStringField(
        "time", AusearchTime.isoUtc(s.time())); // DateTimeFormatter's cold start: ~0.05 s
    field(g, "node", s.node());
    strings(g, "record_types", s.recordTypes());
    if (!s.keys().isEmpty()) strings(g, "keys", s.keys());
    g.writeObjectFieldStart("actor");
    user(g, "auid", s.actor().auid());
    user(g, "uid", s.actor().uid());
    g.writeEndObject();
    field(g, "action", s.action());
    field(g, "result", s.result());
    if (s.object() != null) {
      g.writeObjectFieldStart("object");
      g.writeStringField("what", s.object().what());
      g.writeArrayFieldStart("paths");
      for (ObjectPath p : s.object().paths()) {
        g.writeStartObject();
        g.writeStringField("path", p.name());
        byte[] raw = p.nameBytes();
        if (raw != null && !isUtf8(raw))
          g.writeStringField("path_hex", HexFormat.of().formatHex(raw));
        field(g, "nametype", p.nametype());
        field(g, "inode", p.inode());
        field(g, "mode", p.mode());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeObjectFieldStart("how");
    field(g, "exe", s.how().exe());
    field(g, "comm", s.how().comm());
    field(g, "proctitle", s.how().proctitle());
    field(g, "syscall", s.how().syscall());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void user(JsonGenerator g, String name, User u) throws IOException {
    if (u == null) return;
    g.writeObjectFieldStart(name);
    field(g, "id", u.id());
    field(g, "name", u.name());
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) g.writeString(v);
    g.writeEndArray();
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) g.writeStringField(name, value);
  }

  private static boolean isUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
