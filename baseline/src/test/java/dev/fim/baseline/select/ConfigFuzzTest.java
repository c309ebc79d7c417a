package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.baseline.Selector;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the config parser and its macro preprocessor (issue 12). A config is outside
 * input (an administrator's file, often an AIDE config copied from elsewhere): any bytes must give
 * a {@link Config} or a {@link ConfigException} naming this file and a line of it (exit 17) — never
 * another exception, a hang or an out-of-memory error. The selection compiled from a config that
 * parses is then asked about a few paths: it must answer without an exception.
 *
 * <p>Two inputs are known defects of issue 12 item 7, fixed elsewhere (limits on macro expansion, a
 * linear-time regex engine) and kept out of these targets so that their findings are new ones: a
 * {@code @@define} chain whose expansion can pass {@link #MAX_EXPANSION} bytes (the doubling-define
 * heap bomb) is skipped, and {@link #selectionAnswers} does not match with regexes that nest
 * quantifiers (catastrophic backtracking in {@code java.util.regex}). Once those fixes are in, both
 * guards can go.
 */
class ConfigFuzzTest {
  static final String SOURCE = "fuzz.conf";

  /**
   * Upper bound on the text one line or one variable may expand to before the bomb guard skips the
   * input.
   */
  static final int MAX_EXPANSION = 64 * 1024;

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void parsesOrNamesTheLine(byte[] content) {
    if (macroBomb(content)) {
      return;
    }
    parse(content);
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void selectionAnswers(FuzzedDataProvider data) {
    byte[] path = data.consumeBytes(64);
    FileType type = data.pickValue(FileType.values());
    byte[] content = data.consumeRemainingAsBytes();
    if (macroBomb(content)) {
      return;
    }
    Config config = parse(content);
    if (config == null || nestedQuantifier(config.rules())) {
      return;
    }
    for (int i = 0; i < path.length; i++) {
      if (path[i] == 0) {
        path[i] = '/'; // a Linux path holds no NUL
      }
    }
    PathBytes p = PathBytes.of(path);
    Selector own = config.selector();
    own.select(p, type);
    own.descend(p);
    own.roots();
    if (path.length > 0 && path[0] == '/') {
      Selector scoped = config.selector(List.of(p));
      scoped.select(p, type);
      scoped.descend(p);
      assertEquals(
          1, scoped.roots().size(), scoped.roots().toString()); // the path, its slashes normalised
    }
  }

  /**
   * The config, or null after a {@link ConfigException} that names {@link #SOURCE} and a line it
   * has.
   */
  static Config parse(byte[] content) {
    try {
      Config c =
          ConfigParser.parse(content, SOURCE, w -> assertLine(w.source(), w.line(), content));
      c.digestHex();
      return c;
    } catch (ConfigException e) {
      assertLine(e.source(), e.line(), content);
      assertTrue(e.getMessage().startsWith(SOURCE + ":" + e.line() + ": "), e.getMessage());
      return null;
    }
  }

  private static void assertLine(String source, int line, byte[] content) {
    int lines = 1;
    for (byte b : content) {
      if (b == '\n') {
        lines++;
      }
    }
    assertEquals(SOURCE, source);
    assertTrue(line >= 1 && line <= lines, "line " + line + " of " + lines);
  }

  /**
   * True when some {@code @@define} or line could expand past {@link #MAX_EXPANSION} bytes: an
   * upper bound that ignores conditionals and {@code @@undef} (both can only make the real
   * expansion smaller). Written without java.util.regex so that Jazzer's regex hooks do not slow
   * every execution.
   */
  static boolean macroBomb(byte[] content) {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    if (!text.contains("@@{")) {
      return false;
    }
    Map<String, Long> size = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      String t = ConfigLine.trim(line);
      String defined = null;
      String body = line;
      if (t.startsWith("@@define") && t.length() > 8 && ConfigLine.isBlank(t.charAt(8))) {
        String rest = ConfigLine.trim(t.substring(8));
        int end = 0;
        while (end < rest.length() && isNameChar(rest.charAt(end))) {
          end++;
        }
        defined = rest.substring(0, end);
        body = rest.substring(end);
      }
      long n = body.length();
      for (int at = body.indexOf("@@{"); at >= 0; at = body.indexOf("@@{", at + 3)) {
        int close = body.indexOf('}', at + 3);
        if (close > at + 3) {
          n += size.getOrDefault(body.substring(at + 3, close), 0L);
        }
      }
      if (n > MAX_EXPANSION) {
        return true;
      }
      if (defined != null) {
        size.put(defined, n);
      }
    }
    return false;
  }

  /**
   * Whether a rule's regex nests quantifiers ({@code (a+)+}, {@code (.*a){25}}, {@code a**}): see
   * the class doc.
   */
  static boolean nestedQuantifier(List<String> rules) {
    for (String r : rules) {
      for (int i = 1; i < r.length(); i++) {
        char c = r.charAt(i);
        char before = r.charAt(i - 1);
        if ((c == '*' || c == '+' || c == '?' || c == '{')
            && (before == ')'
                || before == '*'
                || before == '+'
                || before == '?'
                || before == '}')) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }
}
