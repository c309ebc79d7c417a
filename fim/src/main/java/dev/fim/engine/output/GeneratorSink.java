package dev.fim.engine.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fim.store.Digest;
import java.io.IOException;

/**
 * {@link JsonSink} over a Jackson generator: the event JSON inside a document Jackson writes
 * (check's JSON, a shipped document) or a line of its own (the watch's lines, the syslog and
 * journal fields). fim's own ASCII values go through {@link AsciiJson}.
 */
public final class GeneratorSink implements JsonSink {
  private final JsonGenerator g;

  public GeneratorSink(JsonGenerator g) {
    this.g = g;
  }

  @Override
  public void startObject() throws IOException {
    g.writeStartObject();
  }

  @Override
  public void endObject() throws IOException {
    g.writeEndObject();
  }

  @Override
  public void startArray() throws IOException {
    g.writeStartArray();
  }

  @Override
  public void endArray() throws IOException {
    g.writeEndArray();
  }

  @Override
  public void name(SerializedString name) throws IOException {
    g.writeFieldName(name);
  }

  @Override
  public void name(String name) throws IOException {
    g.writeFieldName(name);
  }

  @Override
  public void string(String value) throws IOException {
    g.writeString(value);
  }

  @Override
  public void label(SerializedString value) throws IOException {
    g.writeString(value);
  }

  @Override
  public void number(long value) throws IOException {
    g.writeNumber(value);
  }

  @Override
  public void bool(boolean value) throws IOException {
    g.writeBoolean(value);
  }

  @Override
  public void nullValue() throws IOException {
    g.writeNull();
  }

  @Override
  public void rawValue(String json) throws IOException {
    g.writeRawValue(json);
  }

  @Override
  public void timestamp(long ns) throws IOException {
    AsciiJson.timestamp(g, ns);
  }

  @Override
  public void decimal(long value) throws IOException {
    AsciiJson.decimal(g, value);
  }

  @Override
  public void unsignedDecimal(long value) throws IOException {
    AsciiJson.unsignedDecimal(g, value);
  }

  @Override
  public void mode(int mode) throws IOException {
    AsciiJson.mode(g, mode);
  }

  @Override
  public void hex(Digest d) throws IOException {
    AsciiJson.hex(g, d);
  }
}
