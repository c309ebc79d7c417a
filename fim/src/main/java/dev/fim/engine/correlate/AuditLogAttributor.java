package dev.fim.engine.correlate;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.search.AuditEvent;
import dev.fim.auditlink.search.InputFiles;
import dev.fim.auditlink.search.PathEventSearch;
import dev.fim.baseline.ChangeAttributor;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who made the changes a check found, from audit.log files ({@code fim check --audit-log}): fim was
 * not watching, but auditd was. One pass over the log and its rotations ({@link PathEventSearch})
 * finds the events in the interval (baseline scan, this scan] that name a changed path; each path
 * gets its most recent writer as the actor, and every writer in the interval, oldest first, as
 * {@code fim.writers} (when two or more).
 *
 * <p>Matching rules (the README and {@code fim check --help} say the same):
 *
 * <ul>
 *   <li>An event names a path when one of its PATH records does: the name as logged if absolute,
 *       else resolved against the event's CWD record (folded lexically; a name relative to a
 *       directory fd other than {@code AT_FDCWD} cannot be resolved and names nothing). Both names
 *       of a rename count, so a path that was moved away or deleted is found by its old name. A
 *       directory's PARENT record counts only when the event created or removed an entry in it (an
 *       item of nametype CREATE or DELETE).
 *   <li>Only writers count: the syscalls of the write and attribute classes ({@link
 *       WriteSyscalls}); an open only with write, create or truncate flags.
 *   <li>The most recent successful writer ({@code success=yes}) wins. A failed syscall changed
 *       nothing and is never credited; when only failed attempts name the path, the attribution is
 *       {@code none} and the reason names the last attempt (someone tried, and something else made
 *       the change).
 *   <li>Names: the log's enriched section ({@code AUID="alice"}, {@code log_format = ENRICHED})
 *       when present, else the host's passwd.
 * </ul>
 *
 * A path without a matching event gets attribution {@code none} with the reason (no event in the
 * files and time range read; the log does not reach back to the baseline; the log could not be
 * read).
 *
 * <p>Not thread-safe: one per job. {@link #summary()} tells the caller what was read, for the
 * report.
 */
public final class AuditLogAttributor implements ChangeAttributor {
  private final Path auditLog;
  private final Interpreter names;
  private Summary summary;

  /**
   * What one {@link #attribute} call read and found.
   *
   * @param auditLog the log as given
   * @param files each file read or skipped, oldest first; empty when none exists
   * @param bytesRead bytes read
   * @param candidates events whose PATH lines named a changed path (before the exact test)
   * @param fromNs start of the interval searched
   * @param untilNs end of it
   * @param paths changed paths asked about
   * @param attributed paths that got a writer
   * @param elapsedNs time the search took
   * @param warnings what limits the result, one sentence each (unreadable files, a log that starts
   *     after the baseline); empty when none
   */
  public record Summary(
      Path auditLog,
      List<PathEventSearch.FileSpan> files,
      long bytesRead,
      long candidates,
      long fromNs,
      long untilNs,
      int paths,
      int attributed,
      long elapsedNs,
      List<String> warnings) {
    public Summary {
      files = List.copyOf(files);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * @param auditLog the live log, e.g. {@code /var/log/audit/audit.log}; its rotations {@code .1 …}
   *     are read too
   */
  public AuditLogAttributor(Path auditLog, AccountSource accounts) {
    this.auditLog = auditLog;
    this.names = new Interpreter(accounts);
  }

  /**
   * What the last {@link #attribute} read, or null when it was not asked (the check found no
   * change).
   */
  public Summary summary() {
    return summary;
  }

  /**
   * Whether the log could be read, without reading it: for a check that found nothing to attribute,
   * so that a wrong {@code --audit-log} is noticed before the night it matters. Null when every
   * file opens; else the warning, worded as {@link #attribute} words it.
   */
  public String problem() {
    List<Path> inputs;
    try {
      inputs = InputFiles.rotations(auditLog);
    } catch (NoSuchFileException e) {
      return "audit log "
          + auditLog
          + " does not exist (nor any rotation "
          + auditLog.getFileName()
          + ".N)";
    } catch (IOException e) {
      return "audit log " + auditLog + " cannot be listed: " + e.getMessage();
    }
    for (Path p : inputs) {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
        ch.read(java.nio.ByteBuffer.allocate(1));
      } catch (IOException e) {
        return "cannot read " + p + ": " + InputFiles.reason(e);
      }
    }
    return null;
  }

  @Override
  public Map<PathBytes, Who> attribute(Set<PathBytes> paths, long fromNs, long untilNs) {
    long t0 = System.nanoTime();
    long fromMs = Math.floorDiv(fromNs, 1_000_000L);
    long untilMs = Math.floorDiv(untilNs + 999_999L, 1_000_000L);
    List<String> warnings = new ArrayList<>();
    List<Path> inputs;
    try {
      inputs = InputFiles.rotations(auditLog);
    } catch (NoSuchFileException e) {
      String why =
          "audit log "
              + auditLog
              + " does not exist (nor any rotation "
              + auditLog.getFileName()
              + ".N)";
      warnings.add(why + "; no change is attributed");
      return unattributed(paths, why, List.of(), 0, 0, fromNs, untilNs, t0, warnings);
    } catch (IOException e) {
      String why = "audit log " + auditLog + " cannot be listed: " + e.getMessage();
      warnings.add(why + "; no change is attributed");
      return unattributed(paths, why, List.of(), 0, 0, fromNs, untilNs, t0, warnings);
    }

    List<byte[]> wanted = new ArrayList<>(paths.size());
    for (PathBytes p : paths) {
      wanted.add(p.toBytes());
    }
    Matcher matcher = new Matcher(paths);
    PathEventSearch.Report report;
    try {
      report = new PathEventSearch(wanted, fromMs, untilMs).run(inputs, matcher::accept);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // only the consumer throws, and ours does not
    }
    for (PathEventSearch.FileSpan f : report.errors()) {
      warnings.add(
          "cannot read "
              + f.file()
              + ": "
              + f.error()
              + "; changes recorded only there are unattributed");
    }
    if (report.errors().size() == report.files().size()) {
      String why =
          "audit log unreadable ("
              + report.errors().get(0).file()
              + ": "
              + report.errors().get(0).error()
              + ")";
      return unattributed(
          paths,
          why,
          report.files(),
          report.bytesRead(),
          report.candidates(),
          fromNs,
          untilNs,
          t0,
          warnings);
    }
    Long first = report.firstMillis();
    Long last = report.lastMillis();
    boolean lateStart = first != null && first > fromMs;
    if (lateStart) {
      warnings.add(
          "the audit log's oldest record ("
              + Instant.ofEpochMilli(first)
              + ", in "
              + report.files().get(0).file()
              + ") is after the baseline ("
              + Instant.ofEpochMilli(fromMs)
              + "): earlier events were rotated away, and changes made before then are unattributed");
    }
    String range =
        first == null
            ? "no records"
            : "records " + Instant.ofEpochMilli(first) + " to " + Instant.ofEpochMilli(last);
    String why =
        "no write to this path in the audit log ("
            + report.files().size()
            + (report.files().size() == 1 ? " file, " : " files, ")
            + range
            + ")"
            + (lateStart
                ? "; the log starts after the baseline (" + Instant.ofEpochMilli(fromMs) + ")"
                : "");
    Map<PathBytes, Who> out = new HashMap<>(paths.size() * 2);
    int attributed = 0;
    for (PathBytes p : paths) {
      Writer w = matcher.best.get(p);
      Writer tried = matcher.failed.get(p);
      if (w == null && tried != null) {
        out.put(
            p,
            new Who(
                Attribution.NONE,
                why + "; only a failed attempt: " + tried.evidence() + " by " + who(tried.actor()),
                null));
      } else if (w == null) {
        out.put(p, new Who(Attribution.NONE, why, null));
      } else {
        out.put(p, new Who(Attribution.AUDIT_LOG, w.evidence(), w.actor(), matcher.writers(p)));
        attributed++;
      }
    }
    summary =
        new Summary(
            auditLog,
            report.files(),
            report.bytesRead(),
            report.candidates(),
            fromNs,
            untilNs,
            paths.size(),
            attributed,
            System.nanoTime() - t0,
            warnings);
    return out;
  }

  private Map<PathBytes, Who> unattributed(
      Set<PathBytes> paths,
      String why,
      List<PathEventSearch.FileSpan> files,
      long bytes,
      long candidates,
      long fromNs,
      long untilNs,
      long t0,
      List<String> warnings) {
    Map<PathBytes, Who> out = new HashMap<>(paths.size() * 2);
    Who none = new Who(Attribution.NONE, why, null);
    for (PathBytes p : paths) {
      out.put(p, none);
    }
    summary =
        new Summary(
            auditLog,
            files,
            bytes,
            candidates,
            fromNs,
            untilNs,
            paths.size(),
            0,
            System.nanoTime() - t0,
            warnings);
    return out;
  }

  /** One audited write of a path: the credited writer, or (failed) the last attempt. */
  private record Writer(
      long serial, long timeMillis, String syscall, boolean success, long exit, Actor actor) {
    /** The newer one (by time, then serial: events of one millisecond). */
    boolean beats(Writer o) {
      if (timeMillis != o.timeMillis) {
        return timeMillis > o.timeMillis;
      }
      return serial > o.serial;
    }

    /** {@code audit event 4711 at 2026-11-25T10:00:00.123Z: renameat2}, and a failure's exit. */
    String evidence() {
      return "audit event "
          + serial
          + " at "
          + Instant.ofEpochMilli(timeMillis)
          + ": "
          + syscall
          + (success ? "" : " failed (exit " + exit + ")");
    }
  }

  private static dev.fim.store.Writer toWriter(Writer w) {
    Actor a = w.actor();
    return new dev.fim.store.Writer(
        a.pid(),
        a.executable(),
        a.name(),
        a.auid(),
        a.uid(),
        w.syscall(),
        w.serial(),
        w.timeMillis() * 1_000_000L);
  }

  /** {@code auid 1001 (sh, /usr/bin/dash)}: enough to find the attempt in the log. */
  private static String who(Actor a) {
    return "auid "
        + (a.auid() == null || a.auid() == Actor.UNSET_ID ? "unset" : a.auid())
        + " ("
        + a.name()
        + ", "
        + a.executable()
        + ")";
  }

  /**
   * The exact test of each candidate event (see the class comment), keeping each path's best
   * writer.
   */
  private final class Matcher {
    private final Set<PathBytes> paths;
    private final ChangeDecoder decoder = new ChangeDecoder(null, names);
    final Map<PathBytes, Writer> best = new HashMap<>();
    final Map<PathBytes, Writer> failed = new HashMap<>();

    /**
     * Per path, its successful writers in log order (a run of one process's identical syscalls kept
     * as its first), at most {@link AuditSource#MAX_WRITERS} - 1: the latest is {@link #best}.
     */
    final Map<PathBytes, List<dev.fim.store.Writer>> all = new HashMap<>();

    /** Every writer of {@code p}, oldest first, the latest last; null when fewer than two. */
    List<dev.fim.store.Writer> writers(PathBytes p) {
      List<dev.fim.store.Writer> kept = all.get(p);
      Writer latest = best.get(p);
      if (kept == null || latest == null) {
        return null;
      }
      List<dev.fim.store.Writer> out = new ArrayList<>(kept);
      dev.fim.store.Writer last = toWriter(latest);
      out.removeIf(w -> w.serial() != null && w.serial() == latest.serial());
      out.sort(
          java.util.Comparator.comparingLong(dev.fim.store.Writer::timeNs)
              .thenComparingLong(w -> w.serial() == null ? 0 : w.serial()));
      out.add(last);
      return out.size() < 2 ? null : out;
    }

    private void keep(PathBytes p, Writer w) {
      List<dev.fim.store.Writer> kept = all.computeIfAbsent(p, k -> new ArrayList<>(2));
      dev.fim.store.Writer sw = toWriter(w);
      if (!kept.isEmpty()) {
        dev.fim.store.Writer prev = kept.get(kept.size() - 1);
        if (prev.sameProcess(sw) && java.util.Objects.equals(prev.syscall(), sw.syscall())) {
          return;
        }
      }
      if (kept.size() < AuditSource.MAX_WRITERS - 1) {
        kept.add(sw);
      }
    }

    Matcher(Set<PathBytes> paths) {
      this.paths = paths;
    }

    void accept(AuditEvent event) {
      AuditedChange c = decoder.decode(event.records(), 0);
      if (c == null) {
        return;
      }
      AuditRecord syscall = event.first(RecordType.SYSCALL);
      AuditRecord openat2 = null;
      for (AuditRecord r : event.records()) {
        if ("OPENAT2".equals(r.typeName())) {
          openat2 = r;
        }
      }
      if (!WriteSyscalls.writes(c.syscall(), syscall, openat2)) {
        return;
      }
      boolean entries = false;
      for (PathItem i : c.items()) {
        entries |= i.nameType() == NameType.CREATE || i.nameType() == NameType.DELETE;
      }
      Writer w = null;
      for (PathItem i : c.items()) {
        if (i.path() == null
            || (i.nameType() == NameType.PARENT && !entries)
            || !paths.contains(i.path())) {
          continue;
        }
        if (w == null) {
          w =
              new Writer(
                  c.serial(),
                  c.timeNs() / 1_000_000L,
                  c.syscall(),
                  c.success(),
                  c.exit(),
                  withLoggedNames(c.actor(), syscall));
        }
        if (w.success()) {
          keep(i.path(), w);
        }
        Map<PathBytes, Writer> kept = w.success() ? best : failed;
        Writer old = kept.get(i.path());
        if (old == null || w.beats(old)) {
          kept.put(i.path(), w);
        }
      }
    }
  }

  /**
   * The actor with the names the log's enriched section gives ({@code AUID="alice" EUID="root"}):
   * the host that wrote the log named them then, which beats this host's passwd now.
   */
  private static Actor withLoggedNames(Actor a, AuditRecord syscall) {
    String auidName = loggedName(syscall.enrichedField("AUID"));
    String euidName = loggedName(syscall.enrichedField("EUID"));
    if (auidName == null && euidName == null) {
      return a;
    }
    return new Actor(
        a.auid(),
        auidName != null ? auidName : a.auidName(),
        a.uid(),
        euidName != null ? euidName : a.uidName(),
        a.pid(),
        a.ppid(),
        a.executable(),
        a.name(),
        a.args(),
        a.sessionId(),
        a.tty());
  }

  /**
   * auditd writes {@code unset} for 4294967295 and {@code unknown(N)} for a uid it could not name.
   */
  private static String loggedName(String v) {
    return v == null || v.isEmpty() || v.equals("unset") || v.startsWith("unknown(") ? null : v;
  }
}
