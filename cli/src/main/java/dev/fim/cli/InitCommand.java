package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.ScanProblem;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim init}: scan, hash and store a sealed baseline. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Create the sealed baseline: scan, hash and store the selected trees.",
      "",
      "Walks the config's selection (or the given PATHs) on all cores, records each path's type,",
      "permissions, inode, links, owner, group, size, times, symlink target, xattrs (ACLs, caps)",
      "and content hash, and seals the result with an HMAC keyed by --key. Replaces an existing",
      "baseline (below the given PATHs only, when PATHs are given: the rest is verified first). The new",
      "baseline replaces the old one only once it is sealed. Creates the key if missing and no baseline exists.",
      "",
      "Example:  fim init                     # the config's selection",
      "          fim init --db /tmp/db /srv   # one tree, a scratch database"
    })
final class InitCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description =
          "Trees to baseline instead of the config's selection (the config's rules still apply below them).")
  List<String> paths;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr(), common, paths);
  }

  /** The init itself, as picocli or {@link InitArgs} read its line. */
  static int run(PrintWriter out, PrintWriter err, CommonOptions common, List<String> paths)
      throws Exception {
    try (BaselineSession s = BaselineSession.open(common, paths, true, err)) {
      CheckCommand.warnAboutSymlinkRoots(s.job, err);
      BaselineJob.Result r =
          s.run(
              "init",
              s.scope.isEmpty()
                  ? "the previous baseline, if any, is kept as it was"
                  : "the baseline is as it was before",
              s.job::init);
      s.endProgress();
      // Without String.format: see RootNumbers.
      out.println(
          "fim init: baseline of "
              + RootNumbers.grouped(r.scan().files())
              + " files and "
              + RootNumbers.grouped(r.scan().directories())
              + " directories ("
              + ProgressLine.bytes(r.scan().bytesHashed())
              + " hashed) in "
              + RootNumbers.oneDecimal((r.endNs() - r.startNs()) / 1e9)
              + " s, sealed with "
              + s.keyFile);
      out.println("database: " + s.store.dir());
      for (ScanProblem p : r.problems()) {
        err.println("fim: " + p.line());
      }
      if (!r.problems().isEmpty()) {
        err.println(
            String.format(
                Locale.ROOT,
                "fim: %d problems (listed above); the rest of the baseline is complete",
                r.problems().size()));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
