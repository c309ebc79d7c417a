package dev.fim.cli;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fim audit rules list}: the kernel's rules as {@code auditctl -l} prints them. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the kernel's audit rules (AUDIT_LIST_RULES), one per line as auditctl -l prints them,",
      "or \"No rules\". Needs CAP_AUDIT_CONTROL (root)."
    })
final class AuditRulesListCommand implements Callable<Integer> {
  @Option(names = "--debug", description = "Print stack traces with errors.")
  boolean debug;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<byte[]> rules;
    try (AuditClient c = AuditClient.open()) {
      rules = c.listRules();
    }
    RuleCompiler compiler = new RuleCompiler(RuleSettings.host());
    PrintWriter out = spec.commandLine().getOut();
    if (rules.isEmpty()) {
      out.println("No rules");
    }
    for (byte[] r : rules) {
      out.println(compiler.decode(r));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
