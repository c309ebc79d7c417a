package dev.fim.cli;

import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.GoldenLayout;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import dev.fim.auditlink.rules.RuleSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fim audit rules compile FILE}: auditctl rules → audit_rule_data bytes, in the fixtures'
 * golden layout.
 */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
      "Compile a rules file (auditctl -R syntax) without touching the kernel, and print each rule's",
      "normalised text and its struct audit_rule_data bytes (base64) in go-libaudit's golden layout:",
      "  rules:",
      "  - flags: -w /etc/passwd -p wa -k fim",
      "    bytes: !!binary |",
      "      BAAAAAIAAAAC…",
      "Control lines (-D, -b, -e…) have no bytes and are not printed.",
      "A bad rule stops with FILE:LINE: reason and exit 17."
    })
final class AuditRulesCompileCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "Rules file, e.g. /etc/audit/rules.d/fim.rules.")
  Path file;

  @Option(names = "--debug", description = "Print stack traces with errors.")
  boolean debug;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read: " + e.getMessage(), e);
    }
    List<CompiledRule> rules;
    try {
      rules = new RuleCompiler(RuleSettings.host()).compileFile(lines, file.toString());
    } catch (RuleSyntaxException e) {
      throw new ErrorHandler.ConfigError(e.getMessage(), e);
    }
    spec.commandLine().getOut().print(GoldenLayout.render(rules));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
