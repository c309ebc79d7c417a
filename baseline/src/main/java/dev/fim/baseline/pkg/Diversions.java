package dev.fim.baseline.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * dpkg's {@code diversions} file: triplets of lines (the path a package ships, where dpkg puts that
 * package's file instead, and the package that diverts it, {@code :} for a local diversion). The
 * file at a diverted path is not the shipping package's; the shipping package's file is at the
 * diverted-to path, under its original name in {@code md5sums}. Paths are ISO-8859-1 strings (one
 * char per byte).
 */
final class Diversions {
  /**
   * @param from the path the package ships
   * @param to where its file is put
   * @param by the diverting package's name, or {@code :} for the administrator
   */
  record Diversion(String from, String to, String by) {
    boolean local() {
      return ":".equals(by);
    }
  }

  static final Diversions NONE = new Diversions(Map.of(), Map.of());

  private final Map<String, Diversion> byFrom;
  private final Map<String, Diversion> byTo;

  private Diversions(Map<String, Diversion> byFrom, Map<String, Diversion> byTo) {
    this.byFrom = byFrom;
    this.byTo = byTo;
  }

  Diversion from(String path) {
    return byFrom.get(path);
  }

  Diversion to(String path) {
    return byTo.get(path);
  }

  static Diversions read(InputStream in) throws IOException {
    Map<String, Diversion> from = new HashMap<>();
    Map<String, Diversion> to = new HashMap<>();
    try (ByteLines lines = new ByteLines(in, DpkgStatus.MAX_LINE)) {
      String[] three = new String[3];
      int n = 0;
      while (lines.next()) {
        three[n++] = new String(lines.bytes(), 0, lines.length(), StandardCharsets.ISO_8859_1);
        if (n == 3) {
          Diversion d = new Diversion(three[0], three[1], three[2]);
          from.put(d.from(), d);
          to.put(d.to(), d);
          n = 0;
        }
      }
    }
    return new Diversions(from, to);
  }
}
