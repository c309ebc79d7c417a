package dev.fim.cli;

import dev.fim.auditlink.search.AuditSearch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fim audit search}: an {@code ausearch -i} equivalent over audit.log and its rotations. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Search audit logs like ausearch -i: events by key, file, login user and time.",
      "",
      "Reads /var/log/audit/audit.log and its rotations (audit.log.N … audit.log.1, oldest first),",
      "or the --input files, groups records into events by serial, and prints each matching event",
      "interpreted (names for uids, syscalls, errnos) or, with --format json, one JSON object per",
      "event with its sequence, time, record types, actor, action, object and how.",
      "",
      "Examples:  fim audit search -k fim -ts -24h",
      "           fim audit search -f /etc/passwd -ua alice --format json"
    })
final class AuditSearchCommand implements Callable<Integer> {
  @Mixin AuditSearchOptions options = new AuditSearchOptions();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    AuditSearch s;
    try {
      s = options.prepare();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return options.search(s, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
