package dev.fim.cli;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.StatusField;
import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.ControlCommand;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import dev.fim.auditlink.rules.RuleSyntaxException;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine;

/**
 * What {@code fim audit rules add} and {@code delete} share: words → one compiled rule, control
 * commands.
 */
final class AuditRuleWords {
  private AuditRuleWords() {}

  /** Compiles the words as one auditctl rule; a bad rule is a usage error naming the reason. */
  /** What to do with a compiled (non-control) rule's bytes. */
  interface RuleRequest {
    void send(AuditClient client, byte[] ruleData) throws IOException;
  }

  /**
   * The body of {@code rules add} and {@code rules delete}: drops a "--", compiles the words,
   * applies control words to the status, or sends the rule with {@code request}.
   */
  static int run(CommandLine cl, List<String> words, RuleRequest request) throws IOException {
    List<String> rule =
        words == null ? List.of() : words.stream().filter(w -> !w.equals("--")).toList();
    CompiledRule r = compile(cl, rule);
    try (AuditClient c = AuditClient.open()) {
      if (r.isControl()) {
        applyControl(cl, c, r.control());
      } else {
        request.send(c, r.bytes());
      }
    }
    return ExitCodes.OK;
  }

  static CompiledRule compile(CommandLine cl, List<String> words) throws IOException {
    if (words == null || words.isEmpty()) {
      throw new CommandLine.ParameterException(
          cl, "missing RULE (auditctl words, e.g. -w /etc/passwd -p wa -k fim)");
    }
    try {
      return new RuleCompiler(RuleSettings.host()).compile(words);
    } catch (RuleSyntaxException e) {
      throw new CommandLine.ParameterException(
          cl, "bad rule: " + e.reason() + "\n    " + e.ruleText());
    }
  }

  /**
   * Applies -e/-f/-r/-b/--backlog_wait_time as AUDIT_SET; other control commands are not fim's to
   * run.
   */
  static void applyControl(CommandLine cl, AuditClient c, ControlCommand cmd)
      throws NativeException {
    StatusField f =
        switch (cmd.kind()) {
          case ENABLED -> StatusField.ENABLED;
          case FAILURE -> StatusField.FAILURE;
          case RATE_LIMIT -> StatusField.RATE_LIMIT;
          case BACKLOG_LIMIT -> StatusField.BACKLOG_LIMIT;
          case BACKLOG_WAIT_TIME -> StatusField.BACKLOG_WAIT_TIME;
          default ->
              throw new CommandLine.ParameterException(
                  cl,
                  cmd.toCommandLine()
                      + " is not supported here (fim never deletes rules it did not name; use auditctl)");
        };
    switch (f) {
      case ENABLED -> c.setEnabled(cmd.value());
      case FAILURE -> c.setFailure(cmd.value());
      case RATE_LIMIT -> c.setRateLimit(cmd.value());
      case BACKLOG_LIMIT -> c.setBacklogLimit(cmd.value());
      default -> c.setBacklogWaitTime(cmd.value());
    }
  }
}
