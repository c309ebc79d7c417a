package dev.fim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.baseline.Selector;
import dev.fim.baseline.select.Config;
import dev.fim.baseline.select.ConfigWarning;
import dev.fim.cli.doctor.AuditChecks;
import dev.fim.cli.doctor.CapabilityChecks;
import dev.fim.cli.doctor.DatabaseChecks;
import dev.fim.cli.doctor.Finding;
import dev.fim.cli.doctor.KernelChecks;
import dev.fim.cli.doctor.UnitChecks;
import dev.fim.cli.report.ReportFormat;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fim doctor}: is this host ready to run fim, and what to fix when it is not. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Check what fim needs on this host, one line per check with ok, warn or fail and the fix:",
      "  config     parses; every directive supported (warnings as in fim config check)",
      "  kernel     fanotify with FID, FAN_RENAME and filesystem marks (tried for real on the",
      "             first watched tree); inotify limits beside the trees' directory count",
      "  audit      enabled, locked (enabled=2), who holds the audit pid, backlog and rate",
      "             limits, records lost, auditd (read only: nothing is changed)",
      "  capabilities  CapEff beside what fanotify, audit and reading every file need",
      "  database   exists, mode 0700 and owner, free space, sealed, the seal verifies",
      "  key        present, mode 0600, owner, outside the watched trees",
      "  units      fim-watch.service, fim-check.timer (installed, enabled, last result)",
      "  check      time since the last fim check",
      "The database is opened read-only without its lock: a running fim watch is not disturbed.",
      "Exit 0 when nothing fails (warnings allowed), 1 when something needs a fix.",
      "",
      "Example:  fim doctor --format json | jq -r '.checks[] | select(.status != \"ok\")'"
    })
final class DoctorCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description =
          "text (one line per check) or json (one object: status and checks[], each with check, status,"
              + " detail, fix). Default: ${DEFAULT-VALUE}.")
  ReportFormat format;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<Finding> found = new ArrayList<>();
    List<ConfigWarning> warnings = new ArrayList<>();
    Config cfg = null;
    try {
      cfg = CommonOptions.loadConfig(common.config, warnings::add);
      found.add(Finding.ok("config.parse", "config " + cfg.source() + " parses"));
    } catch (ErrorHandler.ConfigError e) {
      found.add(
          Finding.fail(
              "config.parse",
              e.getMessage(),
              "correct the line named (fim config check -c FILE explains it)"));
    }
    for (ConfigWarning w : warnings) {
      found.add(
          Finding.warn(
              "config.directive",
              w.toString(),
              "remove or replace the line (fim ignores or approximates it)"));
    }
    if (warnings.isEmpty() && cfg != null) {
      found.add(Finding.ok("config.directive", "every directive is supported"));
    }
    Path keyFile =
        cfg != null
            ? common.keyFile(cfg)
            : common.keyFile(dev.fim.baseline.select.ConfigParser.defaultConfig());
    List<PathBytes> roots = List.of();
    Selector selector = null;
    if (cfg != null) {
      selector = common.selector(cfg, List.of(), keyFile);
      roots = selector.roots();
    }
    if (selector != null) {
      KernelChecks.run(roots, selector::descend, found::add);
    }
    AuditChecks.run(found::add);
    CapabilityChecks.run(found::add);
    Selector selection = cfg == null ? null : cfg.selector(); // without the exclusion of the key
    DatabaseChecks.run(
        common.dbDir(),
        keyFile,
        selection == null ? null : p -> selection.select(p, dev.fim.store.FileType.FILE) != null,
        found::add);
    UnitChecks.run(found::add);

    PrintWriter out = spec.commandLine().getOut();
    Finding.Status worst = worst(found);
    if (format == ReportFormat.JSON) {
      json(out, worst, found);
    } else {
      text(out, worst, found);
    }
    out.flush();
    return worst == Finding.Status.FAIL ? 1 : ExitCodes.OK;
  }

  private static Finding.Status worst(List<Finding> found) {
    Finding.Status w = Finding.Status.OK;
    for (Finding f : found) {
      if (f.status().compareTo(w) > 0) {
        w = f.status();
      }
    }
    return w;
  }

  private static void text(PrintWriter out, Finding.Status worst, List<Finding> found) {
    int[] counts = new int[Finding.Status.values().length];
    for (Finding f : found) {
      counts[f.status().ordinal()]++;
      out.println(
          String.format("%-4s  %-26s %s", f.status().word(), f.check(), f.detail())
              + (f.fix().isEmpty() ? "" : "  -- fix: " + f.fix()));
    }
    out.println(
        "fim doctor: "
            + worst.word()
            + " ("
            + counts[0]
            + " ok, "
            + counts[1]
            + " warn, "
            + counts[2]
            + " fail)");
  }

  private static void json(PrintWriter out, Finding.Status worst, List<Finding> found)
      throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", worst.word());
      g.writeArrayFieldStart("checks");
      for (Finding f : found) {
        g.writeStartObject();
        g.writeStringField("check", f.check());
        g.writeStringField("status", f.status().word());
        g.writeStringField("detail", f.detail());
        g.writeStringField("fix", f.fix());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.println();
  }
}
