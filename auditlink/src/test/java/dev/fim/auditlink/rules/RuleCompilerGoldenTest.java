package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.kernel.Arch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of go-libaudit's {@code rules/*.rules} against the bytes auditctl 3.0 made the kernel
 * hold ({@code *.rules.golden.yml}), one case per rule, named "FILE #N: RULE".
 */
class RuleCompilerGoldenTest {

  static Stream<Arguments> goldenRules() {
    return GoldenRules.all().stream().map(r -> Arguments.of(r));
  }

  /**
   * The rule auditctl was given (the golden's flags) compiles to the golden's bytes, for the
   * golden's machine.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenRules")
  void compilesToAuditctlBytes(GoldenRules.Rule golden) throws RuleSyntaxException {
    CompiledRule rule = new RuleCompiler(RuleSettings.of(golden.machine())).compile(golden.flags());
    assertEquals(RuleOperation.ADD, rule.operation());
    byte[] actual = rule.bytes();
    if (!Arrays.equals(golden.bytes(), actual)) {
      throw new AssertionError(golden + "\n" + StructDiff.diff(golden.bytes(), actual));
    }
    assertEquals(
        golden.flags(), rule.normalisedText(), "normalised text is the text auditctl was given");
  }

  /** text → bytes → text → bytes gives the same bytes. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenRules")
  void roundTripsThroughText(GoldenRules.Rule golden) throws RuleSyntaxException {
    RuleCompiler compiler = new RuleCompiler(RuleSettings.of(golden.machine()));
    byte[] once = compiler.compile(golden.flags()).bytes();
    String text = compiler.decode(once);
    byte[] twice = compiler.compile(text).bytes();
    if (!Arrays.equals(once, twice)) {
      throw new AssertionError(
          golden + "\ndecoded as " + text + "\n" + StructDiff.diff(once, twice));
    }
    assertEquals(text, compiler.decode(twice), "decoding is stable");
  }

  /**
   * Golden rules whose bytes decode to a different (equivalent) text than the one auditctl was
   * given, and why. Every other golden rule decodes to exactly its golden text.
   */
  static final Map<String, String> DECODES_DIFFERENTLY =
      Map.ofEntries(
          pathIsWatch("30-pci-dss-v31.rules #2"),
          pathIsWatch("30-pci-dss-v31.rules #3"),
          pathIsWatch("30-pci-dss-v31.rules #4"),
          pathIsWatch("30-pci-dss-v31.rules #5"),
          pathIsWatch("30-pci-dss-v31.rules #6"),
          argInHex("30-pci-dss-v31.rules #7"),
          argInHex("30-pci-dss-v31.rules #8"),
          argInHex("30-pci-dss-v31.rules #9"),
          argInHex("30-pci-dss-v31.rules #10"),
          pathIsWatch("30-pci-dss-v31.rules #13"),
          pathIsWatch("30-pci-dss-v31.rules #14"),
          pathIsWatch("30-pci-dss-v31.rules #15"),
          pathIsWatch("30-pci-dss-v31.rules #16"),
          pathIsWatch("30-pci-dss-v31.rules #17"),
          Map.entry(
              "30-pci-dss-v31.rules #18",
              "syscalls print in number order: stime,settimeofday,adjtimex"),
          Map.entry(
              "32-power-abuse.rules #1", "auid!=4294967295 prints as auid!=unset (same value)"));

  private static Map.Entry<String, String> pathIsWatch(String rule) {
    return Map.entry(
        rule,
        "-a always,exit -F path=X -F perm=P -F key=K has the bytes of -w X -p P -k K, "
            + "and auditctl -l prints -w");
  }

  private static Map.Entry<String, String> argInHex(String rule) {
    return Map.entry(rule, "a0=0 prints as a0=0x0: auditctl -l shows a0-a3 in hex");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenRules")
  void decodesToGoldenText(GoldenRules.Rule golden) {
    String decoded = RuleCompiler.toCommandLine(golden.bytes(), golden.machine());
    String key = golden.file() + " #" + (golden.index() + 1);
    String why = DECODES_DIFFERENTLY.get(key);
    if (why == null) {
      assertEquals(golden.flags(), decoded);
    } else {
      assertNotEquals(
          golden.flags(), decoded, key + " is listed as decoding differently (" + why + ")");
    }
  }

  @Test
  void decodeExceptionsNameExistingRules() {
    List<String> keys =
        GoldenRules.all().stream().map(r -> r.file() + " #" + (r.index() + 1)).toList();
    assertTrue(
        keys.containsAll(DECODES_DIFFERENTLY.keySet()), "stale entries in DECODES_DIFFERENTLY");
  }

  static Stream<Arguments> rulesFiles() {
    return GoldenRules.rulesFiles().stream().map(p -> Arguments.of(p.getFileName().toString(), p));
  }

  /**
   * Each line of the .rules file, with go-libaudit's generator path rewrite ({@link
   * GoldenRules#asGenerated}), normalises to the golden's text and compiles to its bytes: the
   * goldens are this file's rules.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rulesFiles")
  void rulesFileCompilesToGolden(String name, Path rulesFile) throws RuleSyntaxException {
    List<GoldenRules.Rule> golden = GoldenRules.read(rulesFile);
    List<String> lines =
        GoldenRules.ruleLines(rulesFile).stream().map(GoldenRules::asGenerated).toList();
    List<CompiledRule> compiled =
        new RuleCompiler(RuleSettings.of(golden.get(0).machine())).compileFile(lines, name);
    assertEquals(golden.size(), compiled.size(), "rule count");
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < golden.size(); i++) {
      if (!golden.get(i).flags().equals(compiled.get(i).normalisedText())) {
        failures.add(
            "#"
                + (i + 1)
                + " text: "
                + compiled.get(i).normalisedText()
                + " ≠ "
                + golden.get(i).flags());
      }
      if (!Arrays.equals(golden.get(i).bytes(), compiled.get(i).bytes())) {
        failures.add(
            "#" + (i + 1) + " " + StructDiff.diff(golden.get(i).bytes(), compiled.get(i).bytes()));
      }
    }
    assertEquals(List.of(), failures);
  }

  /**
   * The layout renderer reproduces each golden file exactly, header comment lines (uname, auditctl
   * -v) aside.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rulesFiles")
  void goldenLayoutReproducesGoldenFile(String name, Path rulesFile) throws RuleSyntaxException {
    String goldenText = GoldenRules.readString(GoldenRules.golden(rulesFile));
    String withoutHeader =
        goldenText
            .lines()
            .dropWhile(l -> l.startsWith("#"))
            .reduce(
                new StringBuilder(), (sb, l) -> sb.append(l).append('\n'), StringBuilder::append)
            .toString();
    Arch machine = GoldenRules.machineOf(goldenText, rulesFile);
    List<String> lines =
        GoldenRules.ruleLines(rulesFile).stream().map(GoldenRules::asGenerated).toList();
    List<CompiledRule> compiled =
        new RuleCompiler(RuleSettings.of(machine)).compileFile(lines, name);
    assertEquals(withoutHeader, GoldenLayout.render(compiled));
  }
}
