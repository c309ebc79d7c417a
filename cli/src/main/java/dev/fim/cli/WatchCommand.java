package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.Selector;
import dev.fim.baseline.select.Config;
import dev.fim.cli.report.ReportFormat;
import dev.fim.engine.StatusFile;
import dev.fim.engine.WatchSettings;
import dev.fim.engine.WatchStatus;
import dev.fim.engine.Watcher;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.sink.ServiceNotifier;
import dev.fim.engine.sink.ServiceWatchdog;
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
      "Signals: SIGTERM/SIGINT stop in order (exit 0), also while starting; SIGHUP reopens --output",
      "and reloads the config (one that does not parse is refused, recorded as an overflow event",
      "with reason \"config reload refused\", and the old trees stay watched;",
      "a changed one replaces the watcher, which reconciles every tree); SIGUSR1 writes a status",
      "line and DB/watch-status.json, which fim watch --status asks for and prints.",
      "Under systemd (Type=notify, $NOTIFY_SOCKET): READY=1 once the start-up scan is done,",
      "RELOADING=1 and READY=1 around a SIGHUP reload, STOPPING=1 on SIGTERM; with WatchdogSec",
      "($WATCHDOG_USEC) WATCHDOG=1 only while the comparator makes progress.",
      "",
      "--ship URL also ships every recorded event to an OpenSearch/Elasticsearch cluster, as fim",
      "ship does, from a thread of the watch woken after each recorded batch: the watch never",
      "waits for the cluster (the database is the buffer; a cluster that is down, slow or",
      "answers garbage delays shipping only, retried for ever and said on stderr), and fim ship",
      "to the same URL resumes where it stopped (docs/fleet.md).",
      "",
      "Examples:",
      "  fim watch /etc /usr/bin --output /var/log/fim/changes.json   (SIGHUP reopens the file)",
      "  fim watch /etc --ship https://search.example:9200 --ca-file ca.pem --api-key-file key",
      "  fim watch --status                                          (the running watch's counters)",
      "  fim watch /etc --output syslog:local3 --output journal",
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
      paramLabel = "OUTPUT",
      description = {
        "Where events go; repeatable (default: stdout):",
        "file:PATH (or PATH): JSON lines (--format text: text) appended to",
        "  PATH; follows log rotation, reopens on SIGHUP.",
        "syslog[:FACILITY]: RFC 5424 to /dev/log, structured data",
        "  [fim@32473 action path auid exe …] and the event JSON as message;",
        "  facility authpriv unless given (local0 … local7, auth, daemon…).",
        "journal: journald's native protocol, MESSAGE and FIM_* fields.",
        "stdout: standard output.",
        "Files, syslog and the journal never hold up the watch: a stalled",
        "one catches up from the database, and the next start resends what",
        "it missed (docs/watch.md, Outputs)."
      })
  List<String> outputs;

  @Option(
      names = "--ship",
      paramLabel = "URL",
      description =
          "Also ship what is recorded to this OpenSearch or Elasticsearch cluster (its index"
              + " template set up once by fim ship --setup), with the options below (--user and"
              + " --password-file or --api-key-file, --ca-file, --batch, --max-rate…). Shipping"
              + " never holds up the watch; a ship-backlog notice is recorded when more than"
              + " --backlog-warn events wait.")
  String ship;

  @Mixin ShipOptions shipping;

  /** The watcher now watching (replaced by a reload): the one a shipping notice goes to. */
  private volatile Watcher current;

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
          "Most changed paths waiting for comparison (they are also bounded to 12 MiB of paths); "
              + "beyond it the trees are rescanned (an overflow event). Default: ${DEFAULT-VALUE}.")
  int maxPending;

  @Option(
      names = "--report-temporaries",
      description =
          "Also alert (created + deleted, with a message) on paths created and removed within the quiet "
              + "window, such as vim's swap and 4913 probe files and sed -i's temporary; by default they are only "
              + "counted (in the stop line).")
  boolean reportTemporaries;

  @Option(
      names = "--temporary-hold-ms",
      paramLabel = "MS",
      defaultValue = "60000",
      description =
          "How long a new file named like a temporary (X.dpkg-new, rpm's X;5f3a9c1d, /etc/passwd+, "
              + "X.lock, X~, .#X, .ansible_tmp*, tmpXXXXXXXX, X.tmp) waits for its rename onto its final name, "
              + "which is then reported as one change of that name with the temporary in file.old_path. No "
              + "rename within the hold: the file is reported as created, with its content. 0: no hold. "
              + "Default: ${DEFAULT-VALUE}.")
  long temporaryHoldMs;

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

  @Option(
      names = "--status-every",
      paramLabel = "MIN",
      defaultValue = "0",
      description =
          "Also write the status line (as on SIGUSR1) every MIN minutes (a fraction is allowed: 0.5 is"
              + " 30 s); 0: only on SIGUSR1. Default: ${DEFAULT-VALUE}.")
  double statusEveryMin;

  @Option(
      names = "--status",
      description =
          "Do not watch: ask the fim watch running on the database (--db) for its status (SIGUSR1 to the pid"
              + " in DB/watch-status.json), wait for the fresh file and print it (JSON). Exit 1 when no"
              + " watch runs there or it does not answer within 10 s.")
  boolean statusQuery;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (statusQuery) {
      Signals.releaseStops(); // a query: SIGINT/SIGTERM end it as they end any command
      return WatchStatusQuery.run(common.dbDir(), spec.commandLine().getOut(), err);
    }
    // Held since main's first line (Main): a signal while starting is acted on, never lost.
    Signals.StopRequest stop = Signals.claimStops();
    Sources.Backend chosen = backend();
    attribution();
    if (quietMs < 0
        || maxPending < 1
        || correlationMs < 0
        || temporaryHoldMs < 0
        || !(statusEveryMin >= 0)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--quiet-ms, --correlation-ms, --temporary-hold-ms and --status-every must be 0 or more"
              + " and --max-pending 1 or more");
    }
    dev.fim.engine.ship.BulkClient shipTo = null;
    if (ship != null) {
      shipping.check(spec.commandLine());
      shipTo = shipping.client(ship, spec.commandLine()); // bad URL or secrets: refused now
    }
    Config cfg = common.loadConfig(err);
    Path keyFile = common.keyFile(cfg);
    List<PathBytes> scope = CommonOptions.paths(paths);
    WatchReload.Plan plan = WatchReload.plan(common, cfg, scope, keyFile);
    Preload.await();
    try (Store store = Store.open(common.dbDir(), Store.OpenMode.CREATE);
        OutputSinks sinks =
            OutputSinks.open(
                spec.commandLine(),
                outputs,
                format == ReportFormat.JSON,
                StandardOutput.get(),
                true,
                line -> status(err, line));
        Evidence evidence =
            Evidence.attach(
                common,
                store,
                trustedBaseline(store, Evidence.keyForWatch(store, keyFile), plan.selector(), cfg),
                err)) {
      if (stop.received() != null) {
        status(err, "stopped by " + stop.received() + " before watching; nothing was changed");
        return ExitCodes.OK;
      }
      WatchReload reload = new WatchReload(common, scope, keyFile, plan, line -> status(err, line));
      dev.fim.engine.ship.LiveShipping live =
          shipTo == null ? null : liveShipping(shipTo, store, err);
      List<EventSink> outs = new java.util.ArrayList<>(sinks.sinks());
      if (live != null) {
        outs.add(live.wakeSink());
      }
      Watcher w = Watcher.start(settings(store, plan, chosen, outs, cfg, err));
      current = w;
      reload.started(w);
      if (live != null) {
        live.start();
        status(err, "shipping to " + shipTo + " (docs/fleet.md)");
      }
      status(
          err,
          "watching "
              + plan.roots().size()
              + (plan.roots().size() == 1 ? " tree" : " trees")
              + " with "
              + w.backendDescription()
              + "; database "
              + common.dbDir());
      status(err, "attribution: " + w.attributionDescription());
      // Type=notify: systemd counts the service as started once the start-up scan is done (a
      // change before it ends is folded into the recorded state by a first recording).
      ServiceNotifier notifier = ServiceNotifier.fromEnvironment(line -> status(err, line));
      String watching = watching(plan.roots().size(), w);
      w.upToDate().thenRun(() -> notifier.ready(watching));
      stop.whenRequested(
          () -> {
            notifier.stopping("stopping on " + stop.received());
            reload.stopAll();
          }); // at once when the signal came while the watcher started
      Signals.onHangup(
          () -> {
            notifier.reloading("reloading the config");
            sinks.reopen(); // logrotate's postrotate SIGHUP, as before
            if (!reload.request()) {
              notifier.ready(reload.statusLine()); // refused or unchanged: as before
            } // else READY=1 when the replacement watches (the loop below)
          });
      Signals.onStatusRequest(() -> reportStatus(err, reload));
      reportStatus(null, reload); // the status file names this pid from now on (fim watch --status)
      Thread periodic = periodicStatus(err, reload);
      // WatchdogSec: keep-alives only while the comparator makes progress (ServiceWatchdog)
      ServiceWatchdog watchdog =
          ServiceWatchdog.fromEnvironment(notifier, reload::progress, line -> status(err, line));
      try {
        while (true) {
          w.await();
          WatchReload.Plan next = reload.takePending();
          if (next == null || stop.received() != null) {
            break;
          }
          w = reload.restart(w, next, p -> settings(store, p, chosen, outs, cfg, err));
          current = w;
          if (stop.received() != null) {
            w.stop();
          } else {
            String now = reload.statusLine();
            w.upToDate().thenRun(() -> notifier.ready(now));
          }
        }
      } finally {
        if (live != null) {
          live.close(); // after the request in flight; what is left waits in the database
        }
        if (watchdog != null) {
          watchdog.close();
        }
        if (periodic != null) {
          periodic.interrupt();
        }
        Signals.onStatusRequest(() -> {});
        Signals.onHangup(sinks::reopen);
        StatusFile.remove(common.dbDir());
      }
      // Totals since the watch started, across reloads (a reload replaces the watcher and its
      // counters; WatchStatus carries the replaced ones' final counts).
      WatchStatus s = reload.status();
      status(
          err,
          "stopped: "
              + s.recorded()
              + " events recorded, "
              + s.notices()
              + " kernel notices, "
              + s.temporaries()
              + " temporaries counted, "
              + s.folded()
              + " folded into their final name, "
              + s.overflows()
              + " overflow rescans, "
              + s.byAudit()
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
                      + s.probes()
                      + " progress probes)"
                  : ""));
    }
    return ExitCodes.OK;
  }

  /**
   * The shipping thread of --ship: the database's unshipped events go to the cluster with the same
   * acknowledged state as fim ship; its ship-backlog notice is recorded by the watcher itself.
   */
  private dev.fim.engine.ship.LiveShipping liveShipping(
      dev.fim.engine.ship.BulkClient client, Store store, PrintWriter err) throws Exception {
    String uri = client.toString();
    PathBytes where = PathBytes.ofUtf8(store.dir().toString());
    dev.fim.engine.ship.Shipper shipper =
        shipping.shipper(
            client,
            common.dbDir(),
            store.databaseId(),
            null,
            err,
            "fim watch: warning: shipping: ",
            (waiting, bound) -> {
              Watcher w = current;
              if (w == null) {
                throw new IllegalStateException("the watcher has not started");
              }
              w.notice(where, ShipBacklog.REASON, ShipBacklog.message(uri, waiting, bound));
            });
    return new dev.fim.engine.ship.LiveShipping(
        client, shipper, common.dbDir(), line -> status(err, line));
  }

  private WatchSettings settings(
      Store store,
      WatchReload.Plan plan,
      Sources.Backend chosen,
      List<EventSink> sinks,
      Config cfg,
      PrintWriter err) {
    return new WatchSettings(
        store,
        plan.selector(),
        plan.roots(),
        chosen,
        TimeUnit.MILLISECONDS.toNanos(quietMs),
        maxPending,
        WatchSettings.BACK_PRESSURE_NS,
        common.threads(plan.config()),
        sinks,
        reportTemporaries,
        attribution(),
        TimeUnit.MILLISECONDS.toNanos(correlationMs),
        WatchSettings.RULE_CHECK_NS,
        line -> status(err, line),
        TimeUnit.MILLISECONDS.toNanos(temporaryHoldMs));
  }

  /**
   * The status line to {@code err} (null: none) and the status file in the database directory,
   * which {@code fim watch --status} reads.
   */
  private void reportStatus(PrintWriter err, WatchReload reload) {
    WatchStatus s = reload.status();
    if (err != null) {
      status(err, s.line());
    }
    try {
      StatusFile.write(common.dbDir(), s);
    } catch (java.io.IOException e) {
      if (err != null) {
        status(err, "cannot write the status file in " + common.dbDir() + ": " + e.getMessage());
      }
    }
  }

  /** The thread that writes the status every --status-every minutes, or null. */
  private Thread periodicStatus(PrintWriter err, WatchReload reload) {
    if (statusEveryMin == 0) {
      return null;
    }
    long everyMs = Math.max(100, Math.round(statusEveryMin * 60_000));
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(everyMs); // a period, not a synchronisation
                  reportStatus(err, reload);
                }
              } catch (InterruptedException e) {
                // the watch stopped
              }
            },
            "fim-status");
    t.setDaemon(true);
    t.start();
    return t;
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

  private WatchSettings.AttributionMode attribution() {
    try {
      return WatchSettings.AttributionMode.valueOf(attribution.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--attribution " + attribution + ": expected auto, audit or proc");
    }
  }

  /** The readiness STATUS: "watching N trees with BACKEND". */
  static String watching(int trees, Watcher w) {
    return "watching "
        + trees
        + (trees == 1 ? " tree" : " trees")
        + " with "
        + w.backendDescription();
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
