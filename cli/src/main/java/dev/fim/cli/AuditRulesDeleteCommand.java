package dev.fim.cli;

import dev.fim.auditlink.netlink.AuditClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code fim audit rules delete RULE…}: one rule in auditctl words, like {@code auditctl}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    customSynopsis = "fim audit rules delete [--] RULE-WORDS…",
    description = {
      "Delete one rule from the kernel (AUDIT_DEL_RULE), given as auditctl words; the kernel deletes the",
      "rule whose fields match exactly, so give it as it was added (-d or -a, -W or -w both work):",
      "  fim audit rules delete -a always,exit -F arch=b64 -F dir=/etc -F perm=wa -F key=fim",
      "  fim audit rules delete -- -w /etc/passwd -p wa -k fim      (-- is optional)",
      "Fails (exit 23) with \"no such rule\" when none matches."
    })
final class AuditRulesDeleteCommand implements Callable<Integer> {
  /**
   * Every word after "delete": auditctl's options (-w, -a, -F…) are not ours, so they are all taken
   * as the rule.
   */
  @Unmatched List<String> words;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return AuditRuleWords.run(spec.commandLine(), words, AuditClient::deleteRule);
  }
}
