package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.Selector;
import dev.fim.baseline.select.Config;
import dev.fim.cli.report.ReportFormat;
import dev.fim.engine.Watcher;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.sink.JsonLinesSink;
import dev.fim.engine.sink.LineOutput;
import dev.fim.engine.sink.TextSink;
import dev.fim.engine.source.Sources;
import dev.fim.store.Column;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.seal.SealKey;
import dev.fim.store.seal.Sealer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fim watch}: real-time change alerts until SIGINT/SIGTERM. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Report every change in the watched trees as it happens, one JSON object per line, until",
      "SIGINT or SIGTERM; every change is also recorded in the database's change history.",
      "",
      "Uses fanotify with filesystem marks (root) and falls back to inotify (one watch per",
      "directory) when fanotify is unavailable; the first line on stderr names the backend.",
      "Each change is re-read and compared with the last recorded state, so a vim save or",
      "sed -i is one \"updated\" whose changes include \"inode\", a rename is one \"moved\", and",
      "temporaries created and removed within the quiet window are counted, not alerted.",
      "At start, what changed while fim was not watching is reported (compared with the last",
      "watch state, else the baseline, whose seal is verified first: exit 19 when it does not verify).",
      "Lost kernel events produce an \"overflow\" event and a rescan that reports every change they held.",
      "",
      "Who: as root, fim installs audit watch rules (key fim) for the trees and names each change's",
      "login user (auid), effective user and program from the kernel's audit record (\"audit\"); else",
      "from /proc of the process fanotify names (\"proc\"). Rules and audit settings are restored",
      "on exit. See --attribution.",
      "",
      "The approved baseline is not changed: fim check still reports against it.",
      "fim check, update and accept on the same database run beside the watch: the watch lends",
      "them the database (its notices wait meanwhile) and takes it back when they end. history,",
      "who and report read it without borrowing. Audit losses become \"overflow\" events too.",
      "",
      "Examples:",
      "  fim watch /etc /usr/bin --output /var/log/fim/changes.json   (SIGHUP reopens the file)",
      "  fim watch --format text ~/project"
    })
final class WatchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description = "Watch these trees (default: the config's selection).")
  List<String> paths;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "json",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description =
          "json (one event per line, ECS field names) or text. Default: ${DEFAULT-VALUE}.")
  ReportFormat format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Append events to FILE instead of standard output; follows log rotation and reopens on SIGHUP.")
  Path output;

  @Option(
      names = "--backend",
      paramLabel = "NAME",
      defaultValue = "auto",
      description =
          "auto (fanotify, else inotify), fanotify or inotify. Default: ${DEFAULT-VALUE}.")
  String backend;

  @Option(
      names = "--quiet-ms",
      paramLabel = "MS",
      defaultValue = "200",
      description =
          "Quiet window for created, deleted and renamed names and for files held open: how long to wait "
              + "for a replacement (vim, sed -i) to land before comparing. Closed writes and chmod/chown are compared at "
              + "once. Default: ${DEFAULT-VALUE}.")
  long quietMs;

  @Option(
      names = "--max-pending",
      paramLabel = "N",
      defaultValue = "65536",
      description =
          "Most changed paths waiting for comparison; beyond it the trees are rescanned (an overflow "
              + "event). Default: ${DEFAULT-VALUE}.")
  int maxPending;

  @Option(
      names = "--report-temporaries",
      description =
          "Also alert (created + deleted, with a message) on paths created and removed within the quiet "
              + "window, such as vim's swap and 4913 probe files and sed -i's temporary; by default they are only "
              + "counted (in the stop line).")
  boolean reportTemporaries;

  @Option(
      names = "--attribution",
      paramLabel = "HOW",
      defaultValue = "auto",
      description =
          "Who made each change: audit (install audit watch rules with key fim for the trees, join each "
              + "change with its syscall's record; needs root; removed and restored on exit), proc (/proc of the process "
              + "fanotify names; racy for short-lived processes), or auto (audit when possible, else proc). "
              + "Default: ${DEFAULT-VALUE}.")
  String attribution;

  @Option(
      names = "--correlation-ms",
      paramLabel = "MS",
      defaultValue = "2000",
      description =
          "The longest a change may wait for its audit records (from when it was seen). A change "
              + "waits only until its writer's record has come or the audit stream has passed it (usually "
              + "well under a millisecond); then, or at this bound, it is reported with the /proc attribution (or "
              + "none) and the reason, and counted as a fallback in the stop line. Default: ${DEFAULT-VALUE}.")
  long correlationMs;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Sources.Backend chosen = backend();
    attribution();
    if (quietMs < 0 || maxPending < 1 || correlationMs < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--quiet-ms and --correlation-ms must be 0 or more and --max-pending 1 or more");
    }
    Config cfg = common.loadConfig(err);
    Path keyFile = common.keyFile(cfg);
    List<PathBytes> scope = CommonOptions.paths(paths);
    Selector selector = common.selector(cfg, scope, keyFile);
    List<PathBytes> roots = scope.isEmpty() ? selector.roots() : scope;
    Preload.await();
    LineOutput out =
        output == null
            ? LineOutput.of(StandardOutput.get())
            : LineOutput.appendingTo(output.toAbsolutePath());
    EventSink sink = format == ReportFormat.JSON ? new JsonLinesSink(out) : new TextSink(out);
    try (Store store = Store.open(common.dbDir(), Store.OpenMode.CREATE);
        sink;
        Evidence evidence =
            Evidence.attach(
                common,
                store,
                trustedBaseline(store, Evidence.keyForWatch(store, keyFile), selector, cfg),
                err)) {
      Watcher w =
          Watcher.start(
              new Watcher.Settings(
                  store,
                  selector,
                  roots,
                  chosen,
                  TimeUnit.MILLISECONDS.toNanos(quietMs),
                  maxPending,
                  Watcher.BACK_PRESSURE_NS,
                  common.threads(cfg),
                  List.of(sink),
                  reportTemporaries,
                  attribution(),
                  TimeUnit.MILLISECONDS.toNanos(correlationMs),
                  Watcher.RULE_CHECK_NS,
                  line -> status(err, line)));
      status(
          err,
          "watching "
              + roots.size()
              + (roots.size() == 1 ? " tree" : " trees")
              + " with "
              + w.backendDescription()
              + "; database "
              + common.dbDir());
      status(err, "attribution: " + w.attributionDescription());
      Signals.onStop(w::stop);
      Signals.onHangup(out::reopen);
      w.await();
      Watcher.Stats s = w.stats();
      status(
          err,
          "stopped: "
              + s.recorded()
              + " events recorded, "
              + s.notices()
              + " kernel notices, "
              + s.transients()
              + " temporaries counted, "
              + s.overflows()
              + " overflow rescans, "
              + s.audited()
              + " attributed from audit records"
              + (w.usesAudit()
                  ? ", "
                      + s.auditFallbacks()
                      + " fell back from audit ("
                      + s.auditPassed()
                      + " after the audit stream passed them without their record, "
                      + s.auditBounded()
                      + " at the "
                      + correlationMs
                      + " ms bound; "
                      + w.auditProbes()[0]
                      + " progress probes)"
                  : ""));
    }
    return ExitCodes.OK;
  }

  /**
   * Before the watch seeds its state from the baseline (it has none yet), the baseline's seal is
   * verified, and a re-baseline a killed fim left half-done is finished or refused, as check does
   * (issue 12): exit 19 with the reason, nothing copied. Returns {@code key}.
   */
  private SealKey trustedBaseline(Store store, SealKey key, Selector selector, Config cfg)
      throws dev.fim.store.StoreException, dev.fim.store.SealException {
    new BaselineJob(
            new BaselineJob.Settings(
                store,
                selector,
                new Sealer(key),
                cfg.digest(),
                common.threads(cfg),
                List.of(),
                null))
        .prepareWatch(!store.hasAny(Column.CURRENT));
    return key;
  }

  private Watcher.Attribution attribution() {
    try {
      return Watcher.Attribution.valueOf(attribution.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--attribution " + attribution + ": expected auto, audit or proc");
    }
  }

  private Sources.Backend backend() {
    try {
      return Sources.Backend.valueOf(backend.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--backend " + backend + ": expected auto, fanotify or inotify");
    }
  }

  private static void status(PrintWriter err, String line) {
    synchronized (err) {
      err.println("fim watch: " + line);
      err.flush();
    }
  }
}
