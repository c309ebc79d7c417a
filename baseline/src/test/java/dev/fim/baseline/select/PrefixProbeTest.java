package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Matcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The directory probe ({@link RegexRule#mayMatchExtensionOf}, an NFA walk over RE2/J's program)
 * must never say "nothing below" when some path below matches, or the walk would skip selected
 * files. Checked against brute force: every probe × every extension of up to 3 bytes from a small
 * alphabet; also that it is not trivially "always true".
 */
class PrefixProbeTest {
  private static final String[] REGEXES = {
    "/d/a",
    "/d/a$",
    "/d/a\\Z",
    "/d/[^/]+/x",
    "/d/(a|b)+$",
    "/d/a\\b",
    "/d/a\\B",
    "/d/.*b$",
    "/d/(?i)A",
    "/d/a{2}",
    "/d/\\w+/",
    "/d/(a|ab)(c|bcd)?$",
    "/d/\\xff",
    "/d/a\\sb",
    "/d/(?m)a$",
    "/d/x?$",
    "/d/^a"
  };
  private static final char[] ALPHABET = {'a', 'b', '/', '\n', 0xff, 'x', 'A'};

  private static List<String> extensions(int maxLength) {
    List<String> out = new ArrayList<>(List.of(""));
    List<String> last = List.of("");
    for (int n = 1; n <= maxLength; n++) {
      List<String> next = new ArrayList<>();
      for (String s : last) {
        for (char c : ALPHABET) {
          next.add(s + c);
        }
      }
      out.addAll(next);
      last = next;
    }
    return out;
  }

  private static ByteChars chars(String s) {
    return new ByteChars(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void neverSaysNoWhenAnExtensionMatches() throws Re2Regex.Rejected {
    List<String> ext = extensions(3);
    String[] probes = {
      "/", "/d", "/d/", "/d/a", "/d/a/", "/d/b/", "/d/aa", "/d/\u00ff", "/e/", "/d/a\n", "/d/ab"
    };
    int saidNo = 0;
    for (String re : REGEXES) {
      RegexRule rule = new RegexRule(RegexRule.Kind.SELECT, re, 0, null, 1);
      Matcher m = rule.newMatcher();
      for (String probe : probes) {
        boolean may = rule.mayMatchExtensionOf(chars(probe));
        if (!may) {
          saidNo++;
          for (String e : ext) {
            if (e.isEmpty()) {
              continue; // a path below the probe is longer than it
            }
            assertEquals(
                false,
                rule.matches(chars(probe + e), m),
                () -> re + ": probe '" + probe + "' said no, but '" + probe + e + "' matches");
          }
        }
      }
    }
    assertTrue(saidNo > 40, "the probe said no only " + saidNo + " times: it prunes nothing");
  }
}
