package dev.fim.cli.report;

import dev.fim.store.PathBytes;
import dev.fim.store.WatchCoverage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * When {@code fim watch} ran during a report's period: its runs clipped to the period, each with
 * how it ended as of the report's time, and the gaps no run covered. Immutable.
 *
 * @param runs the runs overlapping the period, oldest first, clipped to it
 * @param gaps the parts of the period no run covered, in order
 * @param coveredNs how much of the period some run covered
 */
record Coverage(List<Run> runs, List<Span> gaps, long coveredNs) {
  /**
   * A fleet's coverage at a glance, from each host's ({@link #of} over that host's shipped runs):
   * every run, the parts of the period some host was not watched (the union of their gaps), and the
   * covered time of the least-covered host. A fleet report shows each host's coverage on its own;
   * this one names the hosts and trees, and shades the timeline.
   */
  static Coverage fleet(Map<String, Coverage> byHost, ReportParameters p) {
    if (byHost.isEmpty()) {
      return of(List.of(), p);
    }
    List<Run> runs = new ArrayList<>();
    List<Span> gaps = new ArrayList<>();
    long least = Long.MAX_VALUE;
    for (Coverage c : byHost.values()) {
      runs.addAll(c.runs());
      gaps.addAll(c.gaps());
      least = Math.min(least, c.coveredNs());
    }
    runs.sort(Comparator.comparingLong(Run::startNs));
    gaps.sort(Comparator.comparingLong(Span::startNs));
    List<Span> union = new ArrayList<>();
    for (Span g : gaps) {
      Span last = union.isEmpty() ? null : union.get(union.size() - 1);
      if (last != null && g.startNs() <= last.endNs()) {
        union.set(union.size() - 1, new Span(last.startNs(), Math.max(last.endNs(), g.endNs())));
      } else {
        union.add(g);
      }
    }
    return new Coverage(List.copyOf(runs), List.copyOf(union), least);
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
    return new Coverage(List.copyOf(runs), List.copyOf(gaps), covered);
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
