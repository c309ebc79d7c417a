package dev.fim.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * How a running watch is doing, for the status line (SIGUSR1, {@code --status-every}) and the
 * status file {@code fim watch --status} reads: the counters an operator asks for first.
 *
 * @param pid the watch's process
 * @param startTicks the process's start time in clock ticks since boot (/proc/PID/stat field 22):
 *     with the pid, names this process and no later one that reuses its pid
 * @param timeNs when the snapshot was taken (ns since the epoch)
 * @param uptimeNs how long the watch has run
 * @param backend fanotify or inotify
 * @param trees the number of watched trees
 * @param notices kernel notices received
 * @param recorded change events recorded
 * @param overflows overflow rescans (kernel queue or coalescer full)
 * @param auditLost audit records lost, as the audit watchdog last counted them (0 without audit)
 * @param queue paths waiting for comparison now
 * @param byAudit changes attributed from audit records
 * @param byProc changes attributed from /proc
 * @param byNone changes without attribution
 * @param reloads configuration reloads applied (SIGHUP)
 * @param temporaries temporaries created and removed within the quiet window (counted, not alerted)
 * @param folded temporaries folded into their final name
 * @param auditPassed changes that fell back from audit after the stream passed them without their
 *     record
 * @param auditBounded changes that fell back from audit at the {@code --correlation-ms} bound
 * @param probes audit progress probes issued
 */
public record WatchStatus(
    long pid,
    long startTicks,
    long timeNs,
    long uptimeNs,
    String backend,
    int trees,
    long notices,
    long recorded,
    long overflows,
    long auditLost,
    int queue,
    long byAudit,
    long byProc,
    long byNone,
    long reloads,
    long temporaries,
    long folded,
    long auditPassed,
    long auditBounded,
    long probes) {

  /** Changes that fell back from audit to {@code /proc} or none. */
  public long auditFallbacks() {
    return auditPassed + auditBounded;
  }

  /** One line for stderr or a log. */
  public String line() {
    Duration up = Duration.ofNanos(uptimeNs);
    return "status: up "
        + up.toHours()
        + " h "
        + up.toMinutesPart()
        + " min "
        + up.toSecondsPart()
        + " s; "
        + recorded
        + " events recorded, "
        + overflows
        + " overflow rescans, "
        + auditLost
        + " audit records lost, queue "
        + queue
        + ", attribution audit "
        + byAudit
        + " / proc "
        + byProc
        + " / none "
        + byNone
        + ", "
        + notices
        + " kernel notices, "
        + trees
        + (trees == 1 ? " tree" : " trees")
        + " with "
        + backend
        + (reloads > 0 ? ", " + reloads + " reload(s)" : "");
  }

  /** One JSON object (the status file), field names stable for monitoring. */
  public String json() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", Instant.ofEpochSecond(0, timeNs).toString());
      g.writeNumberField("pid", pid);
      g.writeNumberField("start_ticks", startTicks);
      g.writeNumberField("uptime_s", uptimeNs / 1_000_000_000L);
      g.writeStringField("backend", backend);
      g.writeNumberField("trees", trees);
      g.writeNumberField("notices", notices);
      g.writeNumberField("events", recorded);
      g.writeNumberField("overflows", overflows);
      g.writeNumberField("audit_lost", auditLost);
      g.writeNumberField("queue", queue);
      g.writeObjectFieldStart("attribution");
      g.writeNumberField("audit", byAudit);
      g.writeNumberField("proc", byProc);
      g.writeNumberField("none", byNone);
      g.writeEndObject();
      g.writeNumberField("reloads", reloads);
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.toString();
  }
}
