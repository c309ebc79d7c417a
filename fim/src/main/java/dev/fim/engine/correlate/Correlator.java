package dev.fim.engine.correlate;

import dev.fim.engine.attribute.Attributable;
import dev.fim.engine.attribute.AttributionSource;
import dev.fim.engine.compare.Change;
import dev.fim.engine.compare.ChangeOutput;
import dev.fim.engine.record.Recorder;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.StoreException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The fourth stage (DESIGN.md "Real-time pipeline"): decides <em>who</em> made each change the
 * comparator decided, and hands the change event to the {@link Recorder}. It asks its {@link
 * AttributionSource}s in order (audit, then {@code /proc}, then none); the first that names an
 * actor gives {@code fim.attribution}, and the misses before it (why audit did not answer, why
 * {@code /proc} had nothing) become {@code fim.attribution_reason}, joined by {@code "; "}. Nobody
 * named: {@code none} with every reason. A future source (every writer of a change) is one more
 * entry in the list. After attribution a {@link ChangeEnrichment} may add to the event (the package
 * a file belongs to and whether dpkg's write matches it: {@code
 * dev.fim.engine.packages.PackageEnricher}).
 *
 * <p>Runs on the comparator's thread (no hand-over per event): an audit source's bounded wait for
 * its record, and the package step's bounded wait for a running dpkg to record its package, are the
 * only time spent here. Not thread-safe.
 */
public final class Correlator implements ChangeOutput {
  private final List<AttributionSource> sources;
  private final Recorder recorder;
  private final ChangeEnrichment enrichment;
  private final java.util.function.IntFunction<Actor> liveProcess;
  private final Map<Attribution, Long> counts = new EnumMap<>(Attribution.class);

  /**
   * @param sources asked in this order; the first to name an actor wins
   */
  public Correlator(List<AttributionSource> sources, Recorder recorder) {
    this(sources, ChangeEnrichment.NONE, recorder);
  }

  /**
   * @param sources asked in this order; the first to name an actor wins
   * @param enrichment applied to each attributed event before it is recorded (the package step)
   */
  public Correlator(
      List<AttributionSource> sources, ChangeEnrichment enrichment, Recorder recorder) {
    this(sources, enrichment, pid -> null, recorder);
  }

  /**
   * @param sources asked in this order; the first to name an actor wins
   * @param enrichment applied to each attributed event before it is recorded (the package step)
   * @param liveProcess the process with this pid as {@code /proc} shows it now, or null (gone):
   *     asked only for a writer with an unset login whose notification carried no sighting of it
   *     (inotify names no process), for its systemd unit and parent chain
   */
  public Correlator(
      List<AttributionSource> sources,
      ChangeEnrichment enrichment,
      java.util.function.IntFunction<Actor> liveProcess,
      Recorder recorder) {
    this.sources = List.copyOf(sources);
    this.enrichment = enrichment;
    this.liveProcess = liveProcess;
    this.recorder = recorder;
  }

  /**
   * Who made a change, as the event records it: {@code fim.attribution}, the actor, {@code
   * attribution_reason}.
   */
  public record Decision(
      Attribution attribution, Actor actor, String reason, List<dev.fim.store.Writer> writers) {
    public Decision(Attribution attribution, Actor actor, String reason) {
      this(attribution, actor, reason, List.of());
    }
  }

  @Override
  public void change(Change c) throws StoreException {
    Decision d = decide(c.attributable());
    ChangeEvent attributed =
        new ChangeEvent(
            c.timeNs(),
            0,
            c.action(),
            c.path(),
            c.oldPath(),
            c.after(),
            c.before(),
            c.changes(),
            c.origin(),
            d.attribution(),
            d.reason(),
            c.message(),
            d.actor(),
            d.writers(),
            null);
    recorder.event(enrichment.enrich(attributed));
  }

  @Override
  public void state(PathBytes path, FileRecord record) throws StoreException {
    recorder.state(path, record);
  }

  @Override
  public void commit() throws StoreException {
    recorder.commit();
  }

  /** Asks the sources in order about one change. */
  public Decision decide(Attributable c) {
    List<String> reasons = new ArrayList<>(2);
    for (AttributionSource s : sources) {
      AttributionSource.Answer a = s.attribute(c);
      if (a == null) {
        continue;
      }
      if (a.found()) {
        counts.merge(s.kind(), 1L, Long::sum);
        if (a.reason() != null) {
          reasons.add(a.reason());
        }
        return new Decision(
            s.kind(),
            withContext(a.actor(), c.sighting(), liveProcess),
            join(reasons),
            a.writers());
      }
      reasons.add(a.reason());
    }
    counts.merge(Attribution.NONE, 1L, Long::sum);
    return new Decision(Attribution.NONE, null, join(reasons));
  }

  /**
   * An actor whose login uid is unset or unknown, completed with what {@code /proc} showed of the
   * same process as the event arrived (its systemd unit and parent chain, DESIGN.md "Unset auid"):
   * an audit record names the process but not the unit it ran in nor who started it, and by now the
   * process may be gone. Only for the pid the notification named, so the context is never another
   * process's.
   */
  static Actor withContext(Actor actor, dev.fim.engine.attribute.Sighting seen) {
    return withContext(actor, seen, pid -> null);
  }

  /**
   * As {@link #withContext(Actor, dev.fim.engine.attribute.Sighting)}; when the notification
   * carried no sighting of that pid (inotify names no process; fanotify's may have named another
   * writer), {@code /proc} is read now: a daemon usually still runs. The process found must still
   * be the audited one (the same executable, its login still unset), or the pid was reused and
   * nothing is added.
   */
  static Actor withContext(
      Actor actor,
      dev.fim.engine.attribute.Sighting seen,
      java.util.function.IntFunction<Actor> liveProcess) {
    if (!actor.loginUnknown() || actor.hasContext() || actor.pid() == null) {
      return actor;
    }
    if (seen != null && seen.pid() == actor.pid()) {
      return seen.actor() == null || !seen.actor().hasContext()
          ? actor
          : actor.withContext(seen.actor().systemdUnit(), seen.actor().parents());
    }
    Actor now = liveProcess.apply(actor.pid());
    if (now == null
        || !now.hasContext()
        || !now.loginUnknown()
        || !java.util.Objects.equals(now.executable(), actor.executable())) {
      return actor;
    }
    return actor.withContext(now.systemdUnit(), now.parents());
  }

  /** Changes attributed by sources of this kind so far ({@code NONE}: nobody named). */
  public long count(Attribution kind) {
    return counts.getOrDefault(kind, 0L);
  }

  private static String join(List<String> reasons) {
    return reasons.isEmpty() ? null : String.join("; ", reasons);
  }
}
