package dev.fim.engine.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A strict parser of one datagram of journald's native protocol: {@code NAME=value\n}, or {@code
 * NAME\n} + 64-bit little-endian length + value + {@code \n}. Field names as journald accepts them
 * (upper-case letters, digits, underscore; not starting with an underscore or a digit).
 */
final class JournalProtocol {
  record Field(String name, byte[] value) {
    String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  private JournalProtocol() {}

  static List<Field> parse(byte[] d) {
    List<Field> out = new ArrayList<>();
    int i = 0;
    while (i < d.length) {
      int start = i;
      while (i < d.length && d[i] != '=' && d[i] != '\n') {
        i++;
      }
      if (i == d.length) {
        throw new IllegalArgumentException("a field without = or newline at " + start);
      }
      String name = new String(d, start, i - start, StandardCharsets.US_ASCII);
      if (!name.matches("[A-Z][A-Z0-9_]*")) {
        throw new IllegalArgumentException("a field name journald refuses: " + name);
      }
      byte[] value;
      if (d[i] == '=') {
        int v = ++i;
        while (i < d.length && d[i] != '\n') {
          i++;
        }
        if (i == d.length) {
          throw new IllegalArgumentException("field " + name + " not ended by a newline");
        }
        value = Arrays.copyOfRange(d, v, i);
        i++;
      } else {
        i++;
        long n = ByteBuffer.wrap(d, i, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        i += 8;
        if (n < 0 || i + n + 1 > d.length || d[(int) (i + n)] != '\n') {
          throw new IllegalArgumentException(
              "binary field " + name + " of length " + n + " is cut");
        }
        value = Arrays.copyOfRange(d, i, (int) (i + n));
        i += (int) n + 1;
      }
      out.add(new Field(name, value));
    }
    return out;
  }

  /** The values of {@code name}, in order. */
  static List<Field> all(List<Field> fields, String name) {
    return fields.stream().filter(f -> f.name().equals(name)).toList();
  }

  /** The one value of {@code name}; fails when it is missing or repeated. */
  static Field one(List<Field> fields, String name) {
    List<Field> f = all(fields, name);
    if (f.size() != 1) {
      throw new AssertionError(name + " appears " + f.size() + " times");
    }
    return f.get(0);
  }
}
