package dev.fim.engine;

import dev.fim.baseline.Selector;
import dev.fim.engine.correlate.AttributorSettings;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.source.Sources;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How to watch: {@link Watcher}'s settings.
 *
 * @param roots the trees (the selection's roots or the command line's paths)
 * @param backend which source to use
 * @param windowNs the coalescer's quiet window
 * @param maxPending the most paths waiting in the coalescer
 * @param backPressureNs how long a source may be held by a full coalescer before the loss is
 *     declared
 * @param threads scan threads for reconcile and rescans (0: all processors)
 * @param reportTemporaries alert on paths created and removed within the window instead of counting
 *     them
 * @param attribution how to name who made each change
 * @param correlationWindowNs how long a change may wait for its audit record
 * @param ruleCheckNs how often fim's audit rules are checked (and re-added, with an event, when
 *     removed)
 * @param status where start-up and shutdown lines go (one line per call, no newline)
 * @param temporaryHoldNs how long a new file with a temporary's name is held for its rename onto
 *     the final name (0: not held)
 */
public record WatchSettings(
    Store store,
    Selector selector,
    List<PathBytes> roots,
    Sources.Backend backend,
    long windowNs,
    int maxPending,
    long backPressureNs,
    int threads,
    List<EventSink> sinks,
    boolean reportTemporaries,
    AttributionMode attribution,
    long correlationWindowNs,
    long ruleCheckNs,
    Consumer<String> status,
    long temporaryHoldNs) {
  public WatchSettings {
    if (temporaryHoldNs < 0) {
      throw new IllegalArgumentException("temporary hold " + temporaryHoldNs + " ns");
    }
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(selector, "selector");
    roots = List.copyOf(roots);
    sinks = List.copyOf(sinks);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("nothing to watch: no roots");
    }
  }

  /** How changes are attributed. */
  public enum AttributionMode {
    /** Audit records when fim may install rules (root, audit not locked), else /proc. */
    AUTO,
    /** Audit records, or fail to start. */
    AUDIT,
    /** /proc of the process the notification names (fanotify), never audit. */
    PROC
  }

  /** The default of {@link #ruleCheckNs()}: Wazuh's 30 s. */
  public static final long RULE_CHECK_NS = TimeUnit.SECONDS.toNanos(30);

  /**
   * The default of {@link #temporaryHoldNs()}: dpkg renames its {@code .dpkg-new} files after
   * unpacking a whole package, seconds later.
   */
  public static final long TEMPORARY_HOLD_NS = TimeUnit.SECONDS.toNanos(60);

  /** The fewest audit events the attribution index holds (see auditSettings). */
  static final int MIN_AUDIT_EVENTS = 16_384;

  /** The default of {@link #backPressureNs()}. */
  public static final long BACK_PRESSURE_NS = TimeUnit.SECONDS.toNanos(2);

  /**
   * The attributor's settings for a watch whose changes may wait {@code correlationNs} for their
   * records: waits of that long allowed, and records kept a second longer than that (3 s at least).
   * The index holds as many events as paths may wait in the coalescer ({@code maxPending}, at least
   * the default 16384): in a burst the comparator lags the audit stream by up to that many changes,
   * and each of them asks for the event of its own syscall, which a smaller index would already
   * have dropped (measured: 3,171 and 6,222 of about 26,000 burst changes fell back to /proc at a
   * 16384-event index, their records received and evicted before the comparator got to them).
   */
  static AttributorSettings auditSettings(long correlationNs, int maxPending) {
    AttributorSettings d = AttributorSettings.defaults();
    Duration wait = Duration.ofNanos(Math.max(d.maxWait().toNanos(), correlationNs));
    Duration retention =
        wait.plusSeconds(1).compareTo(Duration.ofSeconds(3)) > 0
            ? wait.plusSeconds(1)
            : Duration.ofSeconds(3);
    int maxEvents = Math.max(MIN_AUDIT_EVENTS, maxPending);
    return new AttributorSettings(
        d.key(), retention, maxEvents, d.backlogLimit(), wait, d.listener());
  }
}
