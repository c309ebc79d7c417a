/**
 * The real-time engine of {@code fim watch}: a pipeline of named stages, each in its own
 * sub-package, each handing immutable records to the next through a small interface given to its
 * constructor (DESIGN.md, "Real-time pipeline"): {@code .fanotify} / {@code .inotify} (kernel
 * readers, as {@code .source.ChangeSource}s: handles and watch descriptors → path notices) → {@code
 * .coalesce} (quiet window, rename partners; the {@code .attribute} source reads /proc of the
 * writing process as the event arrives, and that sighting travels with the notice) → {@code
 * .compare} (re-read, re-hash, diff vs {@code current}, moves paired by inode: what changed) →
 * {@code .correlate} (who: the attribution sources audit, /proc, none, in order) → {@code .record}
 * (events and state into the store) → {@code .sink} (JSON lines, text). {@link
 * dev.fim.engine.Watcher} assembles them and {@link dev.fim.engine.CompareLoop} runs the compare,
 * correlate and record stages on one thread. Where a fanotify event becomes an alert: {@code
 * FanotifySource.Translator.event} → {@code Coalescer.changed} → {@code ChangeComparator.compare} →
 * {@code Correlator.change} → {@code Recorder.commit} → {@code JsonLinesSink.emit}.
 *
 * <p>This root package holds the assembly ({@code Watcher}, {@code WatchSettings}, {@code
 * StoreStart}, {@code AuditStart}), the comparator thread's loop and its periodic jobs ({@code
 * CompareLoop}, {@code Every} on a {@code Ticker}, {@code AuditWatchdog}, {@code DatabaseLender},
 * {@code CoverageHeartbeat}), the counters ({@code WatchCounters}, {@code WatchStatus}), and what
 * several stages share: the {@link dev.fim.engine.QueueReader} loop (poll a kernel event queue fd
 * and a stop eventfd, read into one reused buffer) of both kernel readers. Native failures are one
 * {@link dev.fim.store.sys.NativeException}, shared with baseline and auditlink. Loss (queue
 * overflow, audit lost, ENOBUFS) is a call on the next stage, never only a log line.
 *
 * <p>The engine must not parse command-line arguments or print: {@code cli} maps options to
 * settings records and calls an entry point here. It reads no configuration files and no
 * environment variables; time comes from an injected clock.
 */
package dev.fim.engine;
