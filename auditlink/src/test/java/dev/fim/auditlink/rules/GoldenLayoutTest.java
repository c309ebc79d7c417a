package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.auditlink.kernel.Arch;
import dev.fim.store.sys.AccountFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoldenLayoutTest {
  @Test
  void noRulesIsAnEmptyList() throws RuleSyntaxException {
    RuleCompiler c = new RuleCompiler(RuleSettings.of(Arch.X86_64));
    assertEquals("rules: []\n", GoldenLayout.render(List.of()));
    assertEquals(
        "rules: []\n", GoldenLayout.render(List.of(c.compile("-D"), c.compile("-b 8192"))));
  }

  @Test
  void controlRulesAreLeftOut() throws RuleSyntaxException {
    RuleCompiler c = new RuleCompiler(RuleSettings.of(Arch.X86_64));
    String out =
        GoldenLayout.render(
            c.compileFile(List.of("-D", "-w /etc/hosts -p wa -k fim", "-e 1"), "f"));
    assertEquals(1, out.lines().filter(l -> l.startsWith("- flags: ")).count());
    assertEquals(
        "- flags: -w /etc/hosts -p wa -k fim", out.lines().skip(1).findFirst().orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "-w /etc -p wa -k fim|-w /etc -p wa -k fim",
        "-k 'a: b'|'-k ''a: b'''",
        "-k x #y|'-k x #y'",
        "true|'true'",
        "1000|'1000'",
        "- x|'- x'"
      })
  void quotesLikeGoYaml(String text, String expected) {
    assertEquals(expected, GoldenLayout.scalar(text));
  }

  @Test
  void controlCharactersAreEscaped() {
    assertEquals("\"-k a\\x01b\"", GoldenLayout.scalar("-k a\u0001b"));
  }

  @Test
  void parsesIdFiles() {
    assertEquals(
        Map.of("root", 0, "nobody", 65534),
        RuleSettings.ids(
            AccountFile.parse(
                String.join(
                        "\n",
                        "root:x:0:0:root:/root:/bin/bash",
                        "broken",
                        "nobody:x:65534:65534::/:/x",
                        "root:x:5:5:dup:/:/x")
                    .getBytes(StandardCharsets.UTF_8))));
  }
}
