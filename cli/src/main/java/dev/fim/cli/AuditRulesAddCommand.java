package dev.fim.cli;

import dev.fim.auditlink.netlink.AuditClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code fim audit rules add RULE…}: one rule in auditctl words, like {@code auditctl}. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    customSynopsis = "fim audit rules add [--] RULE-WORDS…",
    description = {
      "Add one rule to the kernel (AUDIT_ADD_RULE), given as auditctl words:",
      "  fim audit rules add -a always,exit -F arch=b64 -F dir=/etc -F perm=wa -F key=fim",
      "  fim audit rules add -- -w /etc/passwd -p wa -k fim      (-- is optional)",
      "auditctl(8) calls -w slow; prefer -a always,exit -F dir=… -F perm=wa per arch.",
      "Control words -b N, -e 0|1|2, -f N, -r N, --backlog_wait_time N set the audit status.",
      "Fails (exit 23) if the rule exists, without CAP_AUDIT_CONTROL, or in immutable mode (enabled=2)."
    })
final class AuditRulesAddCommand implements Callable<Integer> {
  /**
   * Every word after "add": auditctl's options (-w, -a, -F…) are not ours, so they are all taken as
   * the rule.
   */
  @Unmatched List<String> words;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return AuditRuleWords.run(spec.commandLine(), words, AuditClient::addRule);
  }
}
