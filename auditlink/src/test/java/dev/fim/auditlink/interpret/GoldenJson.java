package dev.fim.auditlink.interpret;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a go-libaudit golden file into plain maps, lists and strings (jackson-core, streaming). */
final class GoldenJson {
  private GoldenJson() {}

  static Object read(Path f) {
    try (JsonParser p = new JsonFactory().createParser(f.toFile())) {
      p.nextToken();
      return value(p);
    } catch (IOException e) {
      throw new AssertionError("reading golden " + f + ": " + e, e);
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_ARRAY:
        {
          List<Object> l = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(p));
          return l;
        }
      case START_OBJECT:
        {
          Map<String, Object> m = new LinkedHashMap<>();
          while (p.nextToken() != JsonToken.END_OBJECT) {
            String k = p.currentName();
            p.nextToken();
            m.put(k, value(p));
          }
          return m;
        }
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      default:
        return p.getText();
    }
  }
}
