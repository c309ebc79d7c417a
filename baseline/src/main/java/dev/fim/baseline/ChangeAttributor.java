package dev.fim.baseline;

import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.PathBytes;
import java.util.Map;
import java.util.Set;

/**
 * Who made the changes a check or update found, from a source the scan itself cannot see (fim's
 * {@code --audit-log}: the audit.log files). {@link BaselineJob} asks once per job, after the
 * comparison and before recording, with every path it will record and the interval in which their
 * changes happened. The baseline module knows nothing about the source.
 */
public interface ChangeAttributor {
  /**
   * @param paths every path a finding names (added, removed or changed)
   * @param fromNs start of the interval: when the baseline was taken (ns since the epoch)
   * @param untilNs end of the interval: when this job's scan ended
   * @return who, per path; a path left out keeps the job's own "none" attribution
   */
  Map<PathBytes, Who> attribute(Set<PathBytes> paths, long fromNs, long untilNs);

  /**
   * The attribution of one path, as the change event records it.
   *
   * @param attribution {@code fim.attribution} (e.g. {@code audit-log}, {@code none})
   * @param reason {@code fim.attribution_reason}: why none, or the evidence
   * @param actor who, or null; the most recent writer when there were several
   * @param writers every writer in the interval, oldest first ({@code fim.writers}), when two or
   *     more; else empty
   */
  record Who(
      Attribution attribution,
      String reason,
      Actor actor,
      java.util.List<dev.fim.store.Writer> writers) {
    public Who {
      writers = writers == null ? java.util.List.of() : java.util.List.copyOf(writers);
    }

    /** One writer or none: no {@code fim.writers}. */
    public Who(Attribution attribution, String reason, Actor actor) {
      this(attribution, reason, actor, null);
    }
  }
}
