package dev.fim.engine.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The scalar values of a JSON object by their path ({@code /file/path}), read with jackson-core's
 * parser (which also proves the text is valid JSON: it throws otherwise).
 */
final class JsonPath {
  private JsonPath() {}

  static Map<String, String> scalars(String json) throws IOException {
    Map<String, String> out = new HashMap<>();
    Deque<String> path = new ArrayDeque<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> field = p.currentName();
          case START_OBJECT, START_ARRAY -> {
            path.addLast(field == null ? "" : field);
            field = null;
          }
          case END_OBJECT, END_ARRAY -> path.removeLast();
          default -> {
            StringBuilder k = new StringBuilder();
            for (var it = path.iterator(); it.hasNext(); ) {
              String s = it.next();
              if (!s.isEmpty()) {
                k.append('/').append(s);
              }
            }
            if (field != null) {
              k.append('/').append(field);
            }
            out.putIfAbsent(k.toString(), p.getValueAsString());
            field = null;
          }
        }
      }
    }
    return out;
  }
}
