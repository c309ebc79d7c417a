package dev.fim.cli.report;

import dev.fim.store.PathBytes;
import dev.fim.store.WatchCoverage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * When {@code fim watch} ran during a report's period: its runs clipped to the period, each with
 * how it ended as of the report's time, and the gaps no run covered. Immutable.
 *
 * @param runs the runs overlapping the period, oldest first, clipped to it
 * @param gaps the parts of the period no run covered, in order
 * @param coveredNs how much of the period some run covered
 * @param unavailable why the coverage is not known (then runs and gaps are empty), or null
 */
record Coverage(List<Run> runs, List<Span> gaps, long coveredNs, String unavailable) {
  /**
   * No coverage known (a fleet report: fim ship does not send it yet); {@code unavailable} says so
   * where the coverage would be, instead of showing the period as unwatched.
   */
  static Coverage notAvailable(ReportParameters p) {
    return new Coverage(
        List.of(),
        List.of(),
        0,
        "not available from the cluster: fim ship does not send watch coverage yet (see each"
            + " host's local report)");
  }

  /**
   * A running watch writes a heartbeat every 10 s (fim's Watcher); one whose last heartbeat is
   * younger than this at the report's time counts as still running, not as stopped.
   */
  static final long RUNNING_SLACK_NS = 30_000_000_000L;

  /** How a run stands at the report's time. */
  enum Status {
    /** Stopped in order (signal, end of watch). */
    ENDED("ended"),
    /** Still running when the report was made: covered up to the end of the period. */
    RUNNING("running"),
    /**
     * Stopped without an orderly end (killed, power loss): covered up to its last heartbeat only.
     */
    LOST("stopped without an orderly end; covered up to its last heartbeat");

    final String label;

    Status(String label) {
      this.label = label;
    }
  }

  record Span(long startNs, long endNs) {}

  record Run(
      long startNs,
      long endNs,
      Status status,
      String host,
      String backend,
      String attribution,
      List<PathBytes> trees) {}

  static Coverage of(List<WatchCoverage.Interval> intervals, ReportParameters p) {
    List<Run> runs = new ArrayList<>();
    for (WatchCoverage.Interval i : intervals) {
      if (i.startNs() >= p.untilNs() || i.startNs() > p.generatedNs()) {
        continue;
      }
      Status status;
      long end;
      if (i.endNs() > p.generatedNs()
          || (!i.ended() && i.endNs() >= p.generatedNs() - RUNNING_SLACK_NS)) {
        status =
            Status
                .RUNNING; // as of the report's time (it may have stopped since: a later verify sees
        // the same)
        end = p.untilNs();
      } else {
        status = i.ended() ? Status.ENDED : Status.LOST;
        end = i.endNs();
      }
      long s = Math.max(i.startNs(), p.fromNs());
      long e = Math.min(end, p.untilNs());
      if (e < p.fromNs()) {
        continue;
      }
      runs.add(new Run(s, e, status, i.host(), i.backend(), i.attribution().label(), i.trees()));
    }
    List<Span> gaps = new ArrayList<>();
    long covered = 0;
    long cursor = p.fromNs();
    List<Run> byStart = new ArrayList<>(runs);
    byStart.sort((a, b) -> Long.compare(a.startNs(), b.startNs()));
    for (Run r : byStart) {
      if (r.startNs() > cursor) {
        gaps.add(new Span(cursor, r.startNs()));
        cursor = r.startNs();
      }
      if (r.endNs() > cursor) {
        covered += r.endNs() - cursor;
        cursor = r.endNs();
      }
    }
    if (cursor < p.untilNs()) {
      gaps.add(new Span(cursor, p.untilNs()));
    }
    return new Coverage(List.copyOf(runs), List.copyOf(gaps), covered, null);
  }

  List<String> hosts() {
    return runs.stream().map(Run::host).distinct().sorted().toList();
  }

  List<PathBytes> trees() {
    TreeSet<PathBytes> t = new TreeSet<>();
    runs.forEach(r -> t.addAll(r.trees()));
    return List.copyOf(t);
  }
}
