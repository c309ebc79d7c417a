package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.accept.Acceptance;
import dev.fim.baseline.accept.AcceptingUser;
import dev.fim.store.PathBytes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fim accept}: approve the recorded changes of paths and make their current state the
 * baseline.
 */
@Command(
    name = "accept",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Approve the recorded changes of PATH (and of everything below it) and make its current state",
      "the baseline.",
      "",
      "Every change recorded for the paths (by check, update or watch) that is not approved yet gets an",
      "approval: who accepted it (the login user from /proc/self/loginuid, which survives sudo, and the",
      "effective user), when, and the --note (e.g. the change ticket). fim report shows each change",
      "with its approval; unapproved changes stand out. An approval is never changed: accepting again",
      "approves only what was recorded since. Overflow events are not approvable and are left alone.",
      "",
      "First, like fim update PATH, the paths are re-scanned; what differs from the baseline is recorded",
      "(origin accept) and approved too, and the scanned state becomes the sealed baseline for those",
      "paths, so the next fim check stops reporting them. A database that only fim watch wrote (no",
      "baseline, no seal key) gets the approvals alone.",
      "",
      "Beside a running fim watch on the same database, accept borrows it: the watch lends it and",
      "takes it back when accept ends.",
      "",
      "Examples:",
      "  fim accept /etc/hosts --note \"CHG-1234 add backup server\"",
      "  sudo fim accept /usr/bin /usr/lib --note \"apt upgrade 2026-11-25, ticket OPS-77\""
    },
    exitCodeListHeading = "%nExit Codes:%n")
final class AcceptCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "PATH",
      arity = "1..*",
      description =
          "The paths whose changes to approve (a directory includes everything below it).")
  List<String> paths;

  @Option(
      names = {"-m", "--note"},
      paramLabel = "TEXT",
      required = true,
      description =
          "Why the changes are accepted: a change ticket, a sentence. Stored with each approval.")
  String note;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (note.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "--note is empty: say why the changes are accepted " + "(e.g. --note \"CHG-1234\")");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<PathBytes> roots = CommonOptions.paths(paths);
    if (roots.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "PATH is empty");
    }
    String names = roots.stream().map(PathBytes::display).collect(Collectors.joining(", "));
    AcceptingUser who = AcceptingUser.current();
    Acceptance.Outcome o;
    try (BaselineSession s = BaselineSession.open(common, paths, false, true, err, null)) {
      o =
          s.run(
              "accept",
              "nothing was approved and the baseline is as it was before",
              () ->
                  new Acceptance(s.store, s.job, roots)
                      .run(who, note, () -> System.currentTimeMillis() * 1_000_000L));
    }
    BaselineJob.Result r = o.rebaseline();
    if (o.nothingToAccept()) {
      err.println(
          "fim accept: nothing to accept: no unapproved change is recorded for "
              + names
              + (r == null ? "" : " and the disk matches the baseline")
              + " (database "
              + common.dbDir()
              + ")");
      return ExitCodes.NONE_FOUND;
    }
    String by =
        new dev.fim.store.Approval(0, who.auid(), who.auidName(), who.uid(), who.uidName(), note)
            .who();
    out.println(
        "fim accept: "
            + o.approved()
            + (o.approved() == 1 ? " change" : " changes")
            + " approved for "
            + names
            + " by "
            + by
            + ", note: "
            + note.strip().lines().findFirst().orElse(""));
    if (r == null) {
      out.println(
          "fim accept: database "
              + common.dbDir()
              + " holds no baseline (only fim watch wrote it):"
              + " approvals recorded, no baseline to update");
    } else {
      out.println(
          "fim accept: baseline of "
              + names
              + " updated and sealed ("
              + r.added()
              + " added, "
              + r.removed()
              + " removed, "
              + r.changed()
              + " changed since the previous baseline, recorded as origin"
              + " accept and approved)");
    }
    out.flush();
    return ExitCodes.OK;
  }
}
