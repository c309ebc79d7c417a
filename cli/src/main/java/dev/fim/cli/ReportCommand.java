package dev.fim.cli;

import dev.fim.auditlink.search.TimeSpec;
import dev.fim.cli.report.ComplianceReport;
import dev.fim.cli.report.EvidenceCheck;
import dev.fim.cli.report.FleetFacts;
import dev.fim.cli.report.FleetSource;
import dev.fim.cli.report.ReportFile;
import dev.fim.cli.report.ReportFormat;
import dev.fim.cli.report.ReportParameters;
import dev.fim.cli.report.ReportSource;
import dev.fim.cli.report.ReportVerifier;
import dev.fim.store.EvidenceChain;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fim report}: the compliance report of a period, or the verification of a report's copy.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Write the compliance report of a period for auditors (PCI DSS 11.5.2, NIST SI-7, HIPAA 164.312(c)):",
      "what changed, when, by whom, and whether it was approved (fim accept).",
      "",
      "The summary gives the period, the hosts and trees fim watch watched, its coverage (when it ran,",
      "gaps, overflows and lost audit records), and totals by action, by login user (auid) and by path",
      "prefix. Then every change: time, path, action, each changed attribute old -> new, who (auid,",
      "uid, executable) and its approval (who accepted it, when, the note); UNAPPROVED changes stand out.",
      "Files of a package say which (package name and version); the summary counts the changes by",
      "package installs and how many matched their package's checksums; a package change that does",
      "NOT match stands out. --exclude-verified-packages leaves out the ones that match.",
      "",
      "Formats: text (terminal), json (one document; one change per line), csv (one RFC 4180 row per",
      "change with a header row, no summary), html (one self-contained file: inline CSS and SVG",
      "timeline, no script, no network; prints well).",
      "",
      "Every report states the SHA-256 of its data (the same for every format of the same data) and",
      "its parameters. fim report --verify FILE makes the report again from the database as of the",
      "time it was generated and says whether the copy is unmodified and the data the same (exit 0) or",
      "not (exit 1). CSV has no room for them: its digest is printed when it is written; verify the",
      "JSON twin.",
      "",
      "Every sealed record is verified against the evidence chain first (needs the seal key). When",
      "it does not verify, the report is still written but says NOT VERIFIED and why (text, HTML,",
      "JSON summary.evidence_chain), no CSV is written, and the exit code is 19; --verify exits 19.",
      "",
      "--since is inclusive, --until exclusive (default: now; a later time means now). Times: ISO-8601",
      "(2026-11-25T10:00:00Z; 2026-11-25 is local midnight), relative (-24h, 7d, 2w), now, today,",
      "yesterday. Report times are UTC. Reads the database without locking it (works beside fim watch).",
      "",
      "Fleet report (--source URL): the same report, in every format, from the events, approvals",
      "and watch coverage that fim ship sent to an OpenSearch or Elasticsearch cluster",
      "(fim-events-*, fim-approvals-*, fim-coverage-*; paged with search_after), with a section",
      "(CSV: a column), totals and coverage per host; --host NAME limits it. Each change and each",
      "watch run is read from the record its host stored (fim.record), so each host's coverage is",
      "what its own report shows; a host that sent no coverage shows as not watched. A shared",
      "cluster has no seal: a document whose _id, index, sequence or times are not its record's is",
      "listed as SUSPECT (a suspect coverage document is not counted). --verify FILE --source URL",
      "makes a fleet report again from the cluster. See docs/fleet.md.",
      "",
      "Examples:",
      "  fim report --since 2026-11-01 --until 2026-12-01 --format html --output nov.html",
      "  fim report --since -24h",
      "  fim report --since 7d --format json | jq '.changes[] | select(.approval == null) | .event.file.path'",
      "  fim report --since 7d --exclude-verified-packages",
      "  fim report --verify nov.html",
      "  fim report --source https://search.example:9200 --api-key-file key --since 7d --host web1",
      "  fim report --verify fleet.html --source https://search.example:9200 --api-key-file key"
    })
final class ReportCommand implements Callable<Integer> {
  /**
   * What a report reads, so what it verifies (the head is authenticated whole; the path index is
   * not read).
   */
  private static final java.util.Set<EvidenceChain.Kind> REPORTED =
      java.util.EnumSet.of(
          EvidenceChain.Kind.EVENTS, EvidenceChain.Kind.APPROVALS, EvidenceChain.Kind.COVERAGE);

  @Mixin CommonOptions common;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Start of the period (inclusive). Required.")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "End of the period (exclusive). Default: now.")
  String until;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, json, csv or html. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Write the report to FILE (atomically: a reader never sees half of it) instead of stdout.")
  Path output;

  @Option(
      names = "--prefix-depth",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Totals by path group changes under their first N path components (/etc/ssh/sshd_config "
              + "counts under /etc/ssh at 2, /etc/hosts under /etc). Default: ${DEFAULT-VALUE}.")
  int prefixDepth;

  @Option(
      names = "--exclude-verified-packages",
      description =
          "Leave out changes whose package verified them (dpkg wrote exactly the package's content:"
              + " fim.package_verified true). The report states the filter (exclude=verified-packages"
              + " in its parameter line, and how many were left out); --verify honours it. Unverified"
              + " package changes are always kept.")
  boolean excludeVerifiedPackages;

  @Option(
      names = "--verify",
      paramLabel = "FILE",
      description =
          "Check a text, JSON or HTML report against the database instead of writing one.")
  Path verify;

  @Option(
      names = "--source",
      paramLabel = "URL",
      description =
          "Fleet report: read the events and approvals fim ship sent to this"
              + " OpenSearch/Elasticsearch cluster instead of the local database; a section and"
              + " totals per host. No seal: documents that are not their record's are listed as"
              + " SUSPECT. With --verify: check a fleet report's copy against the cluster.")
  String source;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description = "With --source: only these host.name values (repeat for more). Default: all.")
  java.util.List<String> hosts = new java.util.ArrayList<>();

  @Mixin DestinationOptions cluster;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(CommandStreams.of(spec));
  }

  /**
   * Runs the command, printing to {@code io}; picocli's way or {@link QueryArgs}'s (which reads
   * neither --verify nor --source: those two keep picocli's command line).
   */
  int run(CommandStreams io) throws Exception {
    PrintWriter out = io.out;
    PrintWriter err = io.err;
    if (source == null && !hosts.isEmpty()) {
      throw io.usage("--host goes with --source");
    }
    if (verify != null) {
      return verify(out, err);
    }
    if (since == null) {
      throw io.usage(
          "--since is required: the period's start (e.g. --since " + "2026-11-01 or --since -24h)");
    }
    ReportFormat f;
    try {
      f = ReportFormat.ofLabel(format);
    } catch (IllegalArgumentException e) {
      throw io.usage("--format " + format + ": give text, json, csv or html");
    }
    Instant now = Instant.now();
    // ZoneId.systemDefault() but UTC without the JDK's zone rules provider, whose start opens every
    // jar of the class path looking for others (~20 ms of a tiny report's start, issue 18).
    ZoneId zone = dev.fim.auditlink.search.LocalZone.systemDefault();
    Instant from = time(io, "--since", since, now, zone);
    Instant to = until == null ? now : time(io, "--until", until, now, zone);
    if (!from.isBefore(to.isAfter(now) ? now : to)) {
      throw io.usage(
          "--since "
              + since
              + " ("
              + from
              + ") is not before "
              + (until == null ? "now" : "--until " + until)
              + " ("
              + (to.isAfter(now) ? now : to)
              + ")");
    }
    if (source != null) {
      return fleet(f, from, to, now, out, err);
    }
    ReportParameters p = parameters(io, f, from, to, now);
    ComplianceReport.Result[] r = {null};
    Preload.await(); // RocksDB's library, loaded while the line was read
    try (Store store = Store.open(common.dbDir(), Store.OpenMode.READ_ONLY)) {
      // A file's page-cache advice needs the C library (jffi), started here beside the evidence's
      // set-up; a small report's file is made without it (ComplianceReport.small).
      boolean advised = output != null && !ComplianceReport.small(store, p);
      if (advised) {
        Preload.startReportFile();
      }
      report(f, p, store, advised, r, out, err);
    }
    EvidenceChain.Verification chain = r[0].evidence();
    String line =
        "fim report: "
            + r[0].changes()
            + " changes ("
            + r[0].unapproved()
            + " unapproved), "
            + r[0].overflows()
            + " overflow events; data SHA-256 "
            + r[0].sha256();
    if (output != null) {
      out.println(line + "; written to " + output);
    } else {
      err.println(line);
    }
    out.flush();
    if (!chain.verified()) {
      // Written all the same, marked NOT VERIFIED in every format, for the investigation; the exit
      // code says it.
      err.println(
          "fim report: the evidence does not verify: "
              + chain.problem()
              + "; the report"
              + (output == null ? "" : " " + output)
              + " is marked NOT VERIFIED");
      err.flush();
      return ExitCodes.SEAL;
    }
    if (output == null && out.checkError()) {
      // a PrintWriter keeps write errors to itself: a full disk or a closed pipe must not pass for
      // a report
      err.println(
          "fim report: the report could not be written to standard output (disk full or pipe closed)");
      return ExitCodes.IO;
    }
    return ExitCodes.OK;
  }

  /** The report of {@code p} from the open {@code store}, its result into {@code r[0]}. */
  private void report(
      ReportFormat f,
      ReportParameters p,
      Store store,
      boolean advised,
      ComplianceReport.Result[] r,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    try (
    // Every sealed record, not only the period's: a deleted event must not pass as a quiet
    // period. Verified while the report reads the period's events (they are read once).
    EvidenceCheck check =
        refusingUnverifiedCsv(f, Evidence.whileReading(common, store, err, REPORTED, p.fromNs()))) {
      if (check.known() != null) {
        check.finish(ReportSource.Stopped.NONE); // refused now if it is known not to verify
      }
      try {
        if (output != null) {
          // The report's body is spilled beside the output (same file system as the report
          // itself).
          Path dir = output.toAbsolutePath().getParent();
          ReportOutput.writeBytesAtomically(
              output, advised, o -> r[0] = ComplianceReport.write(store, p, check, o, dir));
        } else {
          r[0] = ComplianceReport.write(store, p, check, out, tmpDir());
        }
      } catch (StoreException e) {
        if (f == ReportFormat.CSV && check.known() == null) {
          // The read stopped at an event it cannot decode, before the verdict was made: a CSV
          // whose evidence does not verify is refused for that reason first (exit 19), as when
          // the evidence was verified before the read.
          refusingUnverifiedCsv(f, EvidenceCheck.of(Evidence.verify(common, store, err, REPORTED)))
              .finish(ReportSource.Stopped.NONE);
        }
        throw e;
      }
    }
  }

  /**
   * The fleet report (--source): the same report, rendered by the same code, from the documents fim
   * ship sent to the cluster (FleetSource), with a section per host; no local database.
   */
  /** The report's parameters as the options give them, stated as made by this agent. */
  private ReportParameters parameters(
      CommandStreams io, ReportFormat f, Instant from, Instant to, Instant now) {
    try {
      return ReportParameters.of(
              from,
              to,
              now,
              dev.fim.store.WatchCoverage.thisHost(),
              prefixDepth,
              f,
              excludeVerifiedPackages)
          .withAgent(ReportParameters.thisAgent()); // agent=: verified as stated
    } catch (IllegalArgumentException e) {
      throw io.usage(e.getMessage());
    }
  }

  private int fleet(
      ReportFormat f, Instant from, Instant to, Instant now, PrintWriter out, PrintWriter err)
      throws Exception {
    dev.fim.engine.ship.Destination dest = cluster.destination(source, spec.commandLine());
    ReportParameters p =
        parameters(CommandStreams.of(spec), f, from, to, now)
            .withSource(dest.uri().toString(), hosts);
    FleetSource src = fleetSource(dest);
    // A cluster has no seal: the report states so (FleetFacts) instead of a chain's verification.
    EvidenceChain.Verification unsealed = new EvidenceChain.Verification(true, null, null);
    ComplianceReport.Result[] r = {null};
    try {
      if (output != null) {
        Path dir = output.toAbsolutePath().getParent();
        ReportOutput.writeBytesAtomically(
            output, o -> r[0] = ComplianceReport.write(src, p, unsealed, o, dir));
      } else {
        // Through a file first: a cluster that fails half-way must not leave half a report (a JSON
        // report's head is written before its rows) on standard output.
        // The file has no name (ReportFile.unnamed): nobody who can write the temporary directory
        // can swap it between the write and the read back.
        try (java.nio.channels.FileChannel whole = ReportFile.unnamed(tmpDir())) {
          java.io.OutputStream o =
              new java.io.BufferedOutputStream(
                  java.nio.channels.Channels.newOutputStream(whole), 1 << 16);
          r[0] = ComplianceReport.write(src, p, unsealed, o, tmpDir());
          o.flush(); // not closed: that would close the channel before the read back
          whole.position(0);
          java.nio.channels.Channels.newReader(whole, java.nio.charset.StandardCharsets.UTF_8)
              .transferTo(out);
        }
      }
    } catch (FleetSource.ClusterFailure e) {
      throw e.ship(); // unreachable or refused: fim ship's error, exit 25
    }
    FleetFacts facts = src.fleet();
    String line =
        "fim report: "
            + r[0].changes()
            + " changes ("
            + r[0].unapproved()
            + " unapproved), "
            + r[0].overflows()
            + " overflow events from "
            + facts.read()
            + " documents of "
            + dest.uri()
            + " ("
            + facts.suspect()
            + " suspect); data SHA-256 "
            + r[0].sha256();
    if (output != null) {
      out.println(line + "; written to " + output);
    } else {
      err.println(line);
    }
    out.flush();
    err.flush();
    if (output == null && out.checkError()) {
      err.println(
          "fim report: the report could not be written to standard output (disk full or pipe closed)");
      return ExitCodes.IO;
    }
    return ExitCodes.OK;
  }

  private FleetSource fleetSource(dev.fim.engine.ship.Destination dest) {
    dev.fim.engine.ship.BulkClient client =
        new dev.fim.engine.ship.BulkClient(dest, java.time.Duration.ofSeconds(60));
    return new FleetSource(FleetSource.of(client), dest.uri().toString());
  }

  /**
   * {@code check}, refusing a CSV report whose evidence does not verify: a table has no room to say
   * so where an empty one would be read as "no changes", so it is not written at all.
   */
  private static EvidenceCheck refusingUnverifiedCsv(ReportFormat f, EvidenceCheck check) {
    if (f != ReportFormat.CSV) {
      return check;
    }
    return new EvidenceCheck() {
      @Override
      public EvidenceChain.Verification known() {
        return check.known();
      }

      @Override
      public void event(byte[] key, byte[] stored) {
        check.event(key, stored);
      }

      @Override
      public void approval(byte[] key, byte[] stored) {
        check.approval(key, stored);
      }

      @Override
      public EvidenceChain.Verification finish(ReportSource.Stopped stopped)
          throws StoreException, SealException {
        EvidenceChain.Verification v = check.finish(stopped);
        if (!v.verified()) {
          throw new SealException(
              "the evidence does not verify: "
                  + v.problem()
                  + "; no CSV report"
                  + " is written (a text, JSON or HTML report is written marked NOT VERIFIED)");
        }
        return v;
      }

      @Override
      public void close() {
        check.close();
      }
    };
  }

  private int verify(PrintWriter out, PrintWriter err) throws Exception {
    if (since != null || until != null || output != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--verify takes the period from the report: give no --since, "
              + "--until or --output with it");
    }
    ReportVerifier.Outcome o;
    if (source != null) {
      try {
        o =
            ReportVerifier.verify(
                fleetSource(cluster.destination(source, spec.commandLine())),
                verify,
                tmpDir(),
                new EvidenceChain.Verification(true, null, null));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IOException("report " + verify + ": no such file", e);
      } catch (FleetSource.ClusterFailure e) {
        throw e.ship();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--verify: " + e.getMessage());
      }
      return verdict(o, out, err);
    }
    Preload.await(); // RocksDB's library, loaded while the line was read
    try (Store store = Store.open(common.dbDir(), Store.OpenMode.READ_ONLY)) {
      // Verified while the report is made again, as a report is written: the events are read once.
      o =
          ReportVerifier.verify(
              store,
              verify,
              tmpDir(),
              fromNs -> Evidence.whileReading(common, store, err, REPORTED, fromNs));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("report " + verify + ": no such file", e);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--verify: " + e.getMessage());
    }
    return verdict(o, out, err);
  }

  private static int verdict(ReportVerifier.Outcome o, PrintWriter out, PrintWriter err) {
    if (o.verdict() == ReportVerifier.Verdict.VERIFIED) {
      out.println(o.message());
      out.flush();
      return ExitCodes.OK;
    }
    err.println(o.message());
    return o.verdict() == ReportVerifier.Verdict.EVIDENCE_NOT_VERIFIED
        ? ExitCodes.SEAL
        : ExitCodes.NOT_VERIFIED;
  }

  private static Instant time(
      CommandStreams io, String option, String text, Instant now, ZoneId zone) {
    try {
      return TimeSpec.parse(text, now, zone);
    } catch (IllegalArgumentException e) {
      throw io.usage(option + ": " + e.getMessage());
    }
  }

  private static Path tmpDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }
}
