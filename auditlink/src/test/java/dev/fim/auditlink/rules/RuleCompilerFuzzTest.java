package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.auditlink.kernel.Arch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the auditctl rule compiler and decoder (issue 12). Rules files are outside input
 * ({@code fim audit rules compile FILE}, rules copied from elsewhere), and rule bytes come back
 * from the kernel's list. Text compiles or gives a {@link RuleSyntaxException} naming the file and
 * a line of it; what compiles to kernel bytes decodes again, and the decoded text compiles to the
 * same bytes; any bytes decode or give the decoder's documented {@link IllegalArgumentException}.
 *
 * <p>Seeds: go-libaudit's rules fixtures (Apache-2.0, see the LICENSE and NOTICE files in {@code
 * RuleCompilerFuzzTestInputs/}) and compiled bytes of some of them.
 */
class RuleCompilerFuzzTest {
  static final String SOURCE = "fuzz.rules";
  private static final RuleCompiler COMPILER = new RuleCompiler(RuleSettings.of(Arch.X86_64));

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void rulesFilesCompileOrNameTheLine(byte[] file) {
    List<String> lines = Arrays.asList(new String(file, StandardCharsets.UTF_8).split("\n", -1));
    List<CompiledRule> rules;
    try {
      rules = COMPILER.compileFile(lines, SOURCE);
    } catch (RuleSyntaxException e) {
      assertEquals(SOURCE, e.source());
      assertTrue(
          e.line() >= 1 && e.line() <= lines.size(), "line " + e.line() + " of " + lines.size());
      return;
    }
    for (CompiledRule r : rules) {
      byte[] bytes = r.bytes();
      if (bytes == null) {
        continue; // a control command (-D, -b, -e …)
      }
      String text = COMPILER.decode(bytes);
      CompiledRule again;
      try {
        again = COMPILER.compile(text);
      } catch (RuleSyntaxException e) {
        throw new AssertionError(
            "\""
                + r.text()
                + "\" decodes to \""
                + text
                + "\", which does not compile: "
                + e.getMessage(),
            e);
      }
      assertArrayEquals(bytes, again.bytes(), () -> "\"" + r.text() + "\" -> \"" + text + "\"");
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void ruleBytesDecodeOrAreRejected(byte[] auditRuleData) {
    try {
      RuleCompiler.toCommandLine(auditRuleData);
    } catch (IllegalArgumentException documented) {
      // not a well-formed audit_rule_data
    }
  }
}
