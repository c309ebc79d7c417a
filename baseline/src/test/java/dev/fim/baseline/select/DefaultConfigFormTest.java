package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.FileType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DefaultConfigForm}, the built-in config as fim builds it at start, is exactly the parse of
 * the shipped default.conf: the checked-in class is what {@link #source} generates from that parse,
 * and the config it builds has the same rules, rule by rule, groups, options, digest and decisions.
 * After an edit of default.conf, regenerate the class with {@code mvn -o -pl baseline -am test
 * -Dtest=DefaultConfigFormTest -Dsurefire.failIfNoSpecifiedTests=false -Dfim.regenerate=true}.
 */
class DefaultConfigFormTest {
  private static final Path FORM =
      Path.of("src/main/java/dev/fim/baseline/select/DefaultConfigForm.java");

  @Test
  void theCheckedInFormIsGeneratedFromTheShippedDefault() throws IOException {
    String expected = source(ConfigParser.parseDefaultConfig());
    if (Boolean.getBoolean("fim.regenerate")) {
      Files.writeString(FORM, expected, StandardCharsets.UTF_8);
    }
    assertEquals(
        expected,
        Files.readString(FORM, StandardCharsets.UTF_8),
        FORM + " is not the parse of default.conf; regenerate it (see this test's comment)");
  }

  @Test
  void theFormBuildsTheConfigTheParseBuilds() {
    Config parsed = ConfigParser.parseDefaultConfig();
    Config built = ConfigParser.defaultConfig();
    assertNotSame(parsed, built);
    assertEquals(parsed.source(), built.source());
    assertEquals(parsed.rules(), built.rules());
    assertArrayEquals(parsed.digest(), built.digest());
    assertEquals(parsed.digestHex(), built.digestHex());
    assertEquals(parsed.groups(), built.groups());
    assertEquals(List.copyOf(parsed.groups().keySet()), List.copyOf(built.groups().keySet()));
    assertEquals(parsed.hashThreads(), built.hashThreads());
    assertNull(built.sealKey());
    assertEquals(parsed.sealKey(), built.sealKey());
    assertEquals(parsed.ruleCounts(), built.ruleCounts());
    List<RegexRule> want = ((RuleSelector) parsed.selector()).rulesInConfigOrder();
    List<RegexRule> got = ((RuleSelector) built.selector()).rulesInConfigOrder();
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      RegexRule w = want.get(i);
      RegexRule g = got.get(i);
      String at = "rule " + i + " (" + w.origin + ")";
      assertSame(w.kind, g.kind, at);
      assertEquals(w.regex, g.regex, at);
      assertEquals(w.typeMask, g.typeMask, at);
      assertEquals(w.attributes, g.attributes, at);
      assertEquals(w.line, g.line, at);
      assertEquals(w.origin, g.origin, at);
      assertArrayEquals(w.literal, g.literal, at);
      assertEquals(w.pureLiteral, g.pureLiteral, at);
      assertArrayEquals(w.node, g.node, at);
      assertEquals(w.canonical(), g.canonical(), at);
    }
    for (String p :
        List.of(
            "/",
            "/etc",
            "/etc/passwd",
            "/etc/resolv.conf",
            "/etc/mtab",
            "/boot/grub/grubenv",
            "/var",
            "/var/log",
            "/var/log/syslog",
            "/var/log/syslog.1",
            "/var/log/syslog.2.gz",
            "/var/log/journal/x",
            "/var/lib/fim/CURRENT",
            "/var/spool/cron/crontabs/root",
            "/root/.ssh/authorized_keys",
            "/root/.sshx",
            "/tmp/x",
            "/proc/1/status",
            "/home/alice/x",
            "/usr/bin/ls",
            "/opt")) {
      for (FileType t : FileType.values()) {
        assertEquals(
            parsed.selector().select(path(p), t), built.selector().select(path(p), t), p + " " + t);
        assertEquals(
            parsed.explain(path(p), t).toString(), built.explain(path(p), t).toString(), p);
      }
      assertEquals(
          parsed.selector(List.of(path(p))).select(path(p), FileType.FILE),
          built.selector(List.of(path(p))).select(path(p), FileType.FILE),
          p);
    }
  }

  /**
   * The built-in config compiles a rule's regex only when a path first leaves it to the regex
   * (issue 18: the 29 compiles were 12-15 ms of every start); a plain literal rule never does. The
   * decisions are those of the parse, whose rules were compiled as they were read (above).
   */
  @Test
  void theFormCompilesARuleWhenAPathFirstNeedsIt() {
    Config built = ConfigParser.defaultConfig();
    List<RegexRule> rules = ((RuleSelector) built.selector()).rulesInConfigOrder();
    for (RegexRule r : rules) {
      assertFalse(r.compiled(), r.origin + " compiled before any path needed it");
    }
    assertNotNull(built.selector().select(path("/etc/passwd"), FileType.FILE));
    for (RegexRule r : rules) {
      // /etc/passwd starts with no literal prefix of a rule that needs its regex but /etc/mtab$'s
      // and /etc/adjtime$'s ("/etc/" is no longer than the path: their prefixes do not match it).
      assertFalse(r.compiled(), r.origin + " compiled for /etc/passwd");
    }
    assertNull(built.selector().select(path("/etc/mtab"), FileType.FILE));
    for (RegexRule r : rules) {
      assertEquals(r.regex.equals("/etc/mtab$"), r.compiled(), r.origin + " after /etc/mtab");
    }
  }

  /** Each built-in rule, once compiled, is the program the parser compiled for its line. */
  @Test
  void eachBuiltInRuleCompilesAsTheParserCompiledIt() {
    List<RegexRule> want =
        ((RuleSelector) ConfigParser.parseDefaultConfig().selector()).rulesInConfigOrder();
    List<RegexRule> got =
        ((RuleSelector) ConfigParser.defaultConfig().selector()).rulesInConfigOrder();
    for (int i = 0; i < want.size(); i++) {
      assertTrue(want.get(i).compiled(), want.get(i).origin + ": the parser compiles as it reads");
      assertEquals(
          want.get(i).newMatcher().pattern().toString(),
          got.get(i).newMatcher().pattern().toString(),
          got.get(i).origin.toString());
      assertTrue(got.get(i).compiled());
    }
  }

  /**
   * A built-in rule whose regex would not compile (the generator's output is checked above, so only
   * a hand-edited form could hold one) fails where a path needs it, naming the regex, never
   * deciding silently.
   */
  @Test
  void aBuiltInRuleThatDoesNotCompileFailsWhereAPathNeedsIt() throws Exception {
    RegexRule bad =
        RegexRule.builtIn(
            RegexRule.Kind.SELECT,
            "/etc/(x",
            0,
            null,
            1,
            new ConfigLine("<default>", 1, "/etc/(x"));
    RuleSelector s = new RuleSelector(List.of(bad));
    assertNull(s.select(path("/usr/bin"), FileType.FILE)); // its literal prefix decides
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.select(path("/etc/(x"), FileType.FILE));
    assertTrue(e.getMessage().contains("/etc/(x"), e.getMessage());
  }

  /** The Java source of {@link DefaultConfigForm} for {@code parsed}, the default's parse. */
  static String source(Config parsed) {
    if (parsed.sealKey() != null) {
      throw new IllegalStateException("the form holds no seal_key: add it to the generator");
    }
    StringBuilder s = new StringBuilder();
    s.append("package dev.fim.baseline.select;\n\n")
        .append("import dev.fim.baseline.AttributeSet;\n")
        .append("import java.util.ArrayList;\n")
        .append("import java.util.Collections;\n")
        .append("import java.util.HexFormat;\n")
        .append("import java.util.LinkedHashMap;\n")
        .append("import java.util.List;\n")
        .append("import java.util.Map;\n\n")
        .append("/**\n")
        .append(
            " * GENERATED from default.conf by DefaultConfigFormTest, which requires it to be that\n")
        .append(
            " * parse; do not edit (regenerate: see that test). fim's built-in config, parsed: the\n")
        .append(
            " * rules as the parser built them, the groups, the options and the digest of the\n")
        .append(
            " * selection, so that a command without a config does not read, parse and hash the text\n")
        .append(
            " * at every start (issue 18). Code in fim's own jar, as the parser and the text are.\n")
        .append(" */\n")
        .append("final class DefaultConfigForm {\n")
        .append("  private static final String SOURCE = ")
        .append(literal(parsed.source()))
        .append(";\n\n")
        .append("  private static final int HASH_THREADS = ")
        .append(parsed.hashThreads())
        .append(";\n\n")
        .append("  /** SHA-256 of the selection's canonical form (Config#digest). */\n")
        .append("  private static final String DIGEST = ")
        .append(literal(parsed.digestHex()))
        .append(";\n\n")
        .append(
            "  /** Every group at the end of the config, in order: name, attribute bits (hex). */\n")
        .append("  private static final String[] GROUPS = {\n");
    for (Map.Entry<String, dev.fim.baseline.AttributeSet> e : parsed.groups().entrySet()) {
      s.append("    ")
          .append(literal(e.getKey()))
          .append(", ")
          .append(literal(Long.toHexString(e.getValue().bits())))
          .append(",\n");
    }
    s.append("  };\n\n")
        .append("  /**\n")
        .append(
            "   * The rules in config order: kind, line number, type mask, attribute bits (hex; \"-\"\n")
        .append("   * for none), regex, the line as written (ISO-8859-1, one char per byte).\n")
        .append("   */\n")
        .append("  private static final String[][] RULES = {\n");
    for (RegexRule r : ((RuleSelector) parsed.selector()).rulesInConfigOrder()) {
      if (r.origin == null
          || !r.origin.source().equals(parsed.source())
          || r.origin.number() != r.line) {
        throw new IllegalStateException("a rule not from the default's own lines: " + r.origin);
      }
      s.append("    {")
          .append(literal(r.kind.name()))
          .append(", ")
          .append(literal(Integer.toString(r.line)))
          .append(", ")
          .append(literal(Integer.toString(r.typeMask)))
          .append(", ")
          .append(literal(r.attributes == null ? "-" : Long.toHexString(r.attributes.bits())))
          .append(", ")
          .append(literal(r.regex))
          .append(", ")
          .append(literal(r.origin.latin1()))
          .append("},\n");
    }
    s.append("  };\n\n")
        .append("  private DefaultConfigForm() {}\n\n")
        .append("  /** A new Config equal to the parse of default.conf. */\n")
        .append("  static Config config() {\n")
        .append("    Map<String, AttributeSet> groups = new LinkedHashMap<>();\n")
        .append("    for (int i = 0; i < GROUPS.length; i += 2) {\n")
        .append(
            "      groups.put(GROUPS[i], AttributeSet.ofBits(Long.parseUnsignedLong(GROUPS[i + 1], 16)));\n")
        .append("    }\n")
        .append("    List<RegexRule> rules = new ArrayList<>(RULES.length);\n")
        .append("    List<String> canonical = new ArrayList<>(RULES.length);\n")
        .append("    for (String[] r : RULES) {\n")
        .append("      int line = Integer.parseInt(r[1]);\n")
        .append("      AttributeSet attributes =\n")
        .append(
            "          r[3].equals(\"-\") ? null : AttributeSet.ofBits(Long.parseUnsignedLong(r[3], 16));\n")
        .append("      RegexRule rule;\n")
        .append("      try {\n")
        .append("        rule =\n")
        .append("            RegexRule.builtIn(\n")
        .append("                RegexRule.Kind.valueOf(r[0]),\n")
        .append("                r[4],\n")
        .append("                Integer.parseInt(r[2]),\n")
        .append("                attributes,\n")
        .append("                line,\n")
        .append("                new ConfigLine(SOURCE, line, r[5]));\n")
        .append("      } catch (Re2Regex.Rejected e) {\n")
        .append(
            "        throw new IllegalStateException(\"default config: \" + r[5] + \": \" + e.getMessage(), e);\n")
        .append("      }\n")
        .append("      rules.add(rule);\n")
        .append("      canonical.add(rule.canonical());\n")
        .append("    }\n")
        .append("    return new Config(\n")
        .append("        SOURCE,\n")
        .append("        new RuleSelector(rules),\n")
        .append("        canonical,\n")
        .append("        Collections.unmodifiableMap(groups),\n")
        .append("        HASH_THREADS,\n")
        .append("        null,\n")
        .append("        HexFormat.of().parseHex(DIGEST));\n")
        .append("  }\n")
        .append("}\n");
    return s.toString();
  }

  /** A Java string literal of {@code text} (ISO-8859-1 chars: anything else is escaped). */
  private static String literal(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.append('"').toString();
  }
}
