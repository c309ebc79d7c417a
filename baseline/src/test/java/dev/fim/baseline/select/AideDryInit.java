package dev.fim.baseline.select;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code aide -c CONF --dry-init -l LIMIT} over this host's trees, its output read a line at a
 * time: each line that {@code line} matches whole is handed over, and nothing else is kept but the
 * output's start (for a failure's message). The output is one line per path visited (266,657 lines,
 * 59 MB for {@link RhelStyleConfigTest}'s trees on the build machine, whose {@code /root} holds a
 * Maven repository): read whole into one String it ran a test JVM of 512 MB out of heap once.
 */
final class AideDryInit {
  private AideDryInit() {}

  /** What aide said: its exit status and the start of its output. */
  record Result(int exit, String head) {}

  /**
   * Runs aide's dry run; its stderr goes to {@code stderr} (a file: merged into stdout, a message
   * written mid-line garbled a path's line), its stdout's lines matching {@code line} to {@code
   * each}.
   */
  static Result run(Path conf, String limit, Path stderr, Pattern line, Consumer<Matcher> each)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("aide", "-c", conf.toString(), "--dry-init", "-l", limit)
            .redirectError(stderr.toFile())
            .start();
    p.getOutputStream().close();
    StringBuilder head = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        if (head.length() < 2000) {
          head.append(l).append('\n');
        }
        Matcher m = line.matcher(l);
        if (m.matches()) {
          each.accept(m);
        }
      }
    }
    return new Result(p.waitFor(), head.toString());
  }
}
