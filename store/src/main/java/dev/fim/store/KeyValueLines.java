package dev.fim.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text of fim's small state records ({@code key=value} lines: the audit crash record in {@code
 * meta}, the shipping state beside the database), read in one place. A key may repeat (one line per
 * audit rule); a line without {@code =} is skipped; the value is everything after the first {@code
 * =}, so it may hold {@code =} itself (a URL's query).
 */
public final class KeyValueLines {
  private KeyValueLines() {}

  /** The lines of {@code text} as key and value, in order. */
  public static List<Map.Entry<String, String>> parse(String text) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq >= 0) {
        out.add(Map.entry(line.substring(0, eq), line.substring(eq + 1)));
      }
    }
    return out;
  }
}
