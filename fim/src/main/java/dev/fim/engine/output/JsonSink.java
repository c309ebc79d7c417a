package dev.fim.engine.output;

import com.fasterxml.jackson.core.io.SerializedString;
import dev.fim.store.Digest;
import java.io.IOException;

/**
 * What {@link EventJson} writes an event's JSON to: the few calls its objects need, in the order of
 * the text. Two kinds: {@link GeneratorSink}, a Jackson generator (the watch's lines, check's JSON,
 * the shipped documents), and {@link JsonBytes}, UTF-8 bytes in one array (a JSON report's rows, a
 * million events). Both write the same JSON, byte for byte: compact, names quoted, every value that
 * comes from outside fim escaped as Jackson escapes it.
 */
public interface JsonSink {
  void startObject() throws IOException;

  void endObject() throws IOException;

  void startArray() throws IOException;

  void endArray() throws IOException;

  /** A field name fim names itself, quoted and encoded once. */
  void name(SerializedString name) throws IOException;

  /** A field name from outside fim (an attribute's name): escaped as a string value is. */
  void name(String name) throws IOException;

  /** A string value from outside fim, escaped; {@code null} is JSON's null. */
  void string(String value) throws IOException;

  /** A string value fim names itself (an enum's label), quoted and encoded once. */
  void label(SerializedString value) throws IOException;

  void number(long value) throws IOException;

  void bool(boolean value) throws IOException;

  void nullValue() throws IOException;

  /** A value that is already JSON (the agent's object, the same for every event). */
  void rawValue(String json) throws IOException;

  /** {@link dev.fim.store.Timestamps#format(long)} as a string value. */
  void timestamp(long ns) throws IOException;

  /** {@link Long#toString(long)} as a string value (an id ECS has as a keyword). */
  void decimal(long value) throws IOException;

  /** {@link Long#toUnsignedString(long)} as a string value (an inode number). */
  void unsignedDecimal(long value) throws IOException;

  /** {@link dev.fim.store.Values#mode(int)}'s four octal digits as a string value. */
  void mode(int mode) throws IOException;

  /** {@link Digest#hex()} as a string value. */
  void hex(Digest d) throws IOException;
}
