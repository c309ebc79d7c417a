package dev.fim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.auditlink.search.PathEventSearch;
import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.ScanProblem;
import dev.fim.cli.report.ReportFormat;
import dev.fim.engine.correlate.AuditLogAttributor;
import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.EventText;
import dev.fim.store.Action;
import dev.fim.store.AttributeChange;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Renders the result of a check or update, reading its findings back from the store's event log (so
 * a report of 100k changes streams instead of sitting in memory). Text: a summary, then added,
 * removed and changed entries with {@code attr: old → new}, then problems. JSON: one object with
 * times, totals, entries (event JSON objects) and problems.
 */
final class CheckReport {
  private final String command;
  private final Store store;
  private final BaselineJob.Result result;
  private final List<PathBytes> scope;
  private final Attribution attribution;

  /**
   * What {@code --audit-log} read.
   *
   * @param auditLog the log given
   * @param summary what the search read, or null when there was no change to attribute (the log was
   *     not read)
   */
  record Attribution(Path auditLog, AuditLogAttributor.Summary summary) {}

  /**
   * @param attribution {@code --audit-log}'s outcome, or null without the option
   */
  CheckReport(
      String command,
      Store store,
      BaselineJob.Result result,
      List<PathBytes> scope,
      Attribution attribution) {
    this.command = command;
    this.store = store;
    this.result = result;
    this.scope = scope;
    this.attribution = attribution;
  }

  void write(ReportFormat format, Writer out) throws IOException, StoreException {
    if (format == ReportFormat.JSON) {
      writeJson(out);
    } else {
      writeText(out);
    }
    out.flush();
  }

  /** One line for stdout when the full report goes to a file. */
  String summaryLine() {
    return CheckReportLines.summaryLine(
        command,
        result.added(),
        result.removed(),
        result.changed(),
        result.problems().size(),
        result.scan().files() + result.scan().directories());
  }

  private void forEachFinding(Action wanted, EventSink sink) throws StoreException, IOException {
    if (result.firstSequence() == 0) {
      return;
    }
    IOException[] failure = {null};
    new EventLog(store)
        .forEach(
            result.eventTimeNs(),
            result.eventTimeNs() + 1,
            e -> {
              if (failure[0] != null
                  || e.sequence() < result.firstSequence()
                  || e.sequence() > result.lastSequence()) {
                return;
              }
              boolean match =
                  wanted == null
                      || e.action() == wanted
                      || (wanted == Action.UPDATED && e.action() == Action.ATTRIBUTES_MODIFIED);
              if (match) {
                try {
                  sink.accept(e);
                } catch (IOException ex) {
                  failure[0] = ex;
                }
              }
            });
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private interface EventSink {
    void accept(ChangeEvent e) throws IOException;
  }

  private void writeText(Writer out) throws IOException, StoreException {
    out.write(
        CheckReportLines.header(
            command,
            store.dir(),
            dev.fim.store.Timestamps.format(result.startNs()),
            (result.endNs() - result.startNs()) / 1e9));
    out.write(
        CheckReportLines.scanned(
            result.scan().files(),
            result.scan().directories(),
            ProgressLine.bytes(result.scan().bytesHashed()),
            scope.isEmpty()
                ? ""
                : " under " + String.join(", ", scope.stream().map(PathBytes::display).toList())));
    if (result.configChanged()) {
      out.write(
          "Note: the config changed since the baseline was sealed; attributes are compared as captured then.\n");
    }
    out.write(
        CheckReportLines.summary(
            result.added(), result.removed(), result.changed(), result.problems().size()));
    if (attribution != null) {
      writeAttributionText(out);
    }
    section(out, "Added", Action.CREATED);
    section(out, "Removed", Action.DELETED);
    section(out, "Changed", Action.UPDATED);
    if (!result.problems().isEmpty()) {
      out.write("\nProblems:\n");
      for (ScanProblem p : result.problems()) {
        out.write("  " + p.line() + "\n");
      }
    }
  }

  private void section(Writer out, String title, Action action) throws IOException, StoreException {
    int count =
        action == Action.CREATED
            ? result.added()
            : action == Action.DELETED ? result.removed() : result.changed();
    if (count == 0) {
      return;
    }
    out.write("\n" + title + ":\n");
    forEachFinding(
        action,
        e -> {
          FileRecord r = e.after() != null ? e.after() : e.before();
          out.write("  " + typeLetter(r) + " " + e.path().display() + "\n");
          if (attribution != null) {
            out.write(
                "      "
                    + EventText.who(e)
                    + (e.actor() != null && e.attributionReason() != null
                        ? " (" + e.attributionReason() + ")"
                        : "")
                    + "\n");
          }
          for (AttributeChange c : e.changes()) {
            out.write("      " + c.attribute() + ": " + c.oldValue() + " → " + c.newValue() + "\n");
          }
          String pkg = EventText.packageNote(e.pkg());
          if (pkg != null) {
            out.write("      " + pkg + "\n");
          }
        });
  }

  /**
   * {@code Attribution: audit log /var/log/audit/audit.log, 2 files (3.1 MiB read in 0.04 s,
   * records A to B): 5 of 6 changes attributed}, then each warning.
   */
  private void writeAttributionText(Writer out) throws IOException {
    AuditLogAttributor.Summary s = attribution.summary();
    if (s == null) {
      out.write(
          "Attribution: audit log "
              + attribution.auditLog()
              + " not read (no change to attribute)\n");
      return;
    }
    Long first = null;
    Long last = null;
    for (PathEventSearch.FileSpan f : s.files()) {
      if (f.firstMillis() != null && (first == null || f.firstMillis() < first))
        first = f.firstMillis();
      if (f.lastMillis() != null && (last == null || f.lastMillis() > last)) last = f.lastMillis();
    }
    out.write(
        String.format(
            Locale.ROOT,
            "Attribution: audit log %s, %d file%s (%s read in %.2f s%s): %d of %d changes attributed%n",
            s.auditLog(),
            s.files().size(),
            s.files().size() == 1 ? "" : "s",
            ProgressLine.bytes(s.bytesRead()),
            s.elapsedNs() / 1e9,
            first == null
                ? ""
                : ", records " + Instant.ofEpochMilli(first) + " to " + Instant.ofEpochMilli(last),
            s.attributed(),
            s.paths()));
    for (String w : s.warnings()) {
      out.write("Warning: " + w + "\n");
    }
  }

  private void writeAttributionJson(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("attribution");
    g.writeStringField("source", dev.fim.store.Attribution.AUDIT_LOG.label());
    g.writeStringField("audit_log", attribution.auditLog().toString());
    AuditLogAttributor.Summary s = attribution.summary();
    g.writeBooleanField("read", s != null);
    if (s != null) {
      g.writeStringField("from", dev.fim.store.Timestamps.format(s.fromNs()));
      g.writeStringField("until", dev.fim.store.Timestamps.format(s.untilNs()));
      g.writeNumberField("changes", s.paths());
      g.writeNumberField("attributed", s.attributed());
      g.writeNumberField("bytes_read", s.bytesRead());
      g.writeNumberField("seconds", Math.round(s.elapsedNs() / 1e6) / 1e3);
      g.writeArrayFieldStart("files");
      for (PathEventSearch.FileSpan f : s.files()) {
        g.writeStartObject();
        g.writeStringField("path", f.file().toString());
        g.writeNumberField("size", f.size());
        if (f.firstMillis() != null) {
          g.writeStringField("first_record", Instant.ofEpochMilli(f.firstMillis()).toString());
          g.writeStringField("last_record", Instant.ofEpochMilli(f.lastMillis()).toString());
        }
        g.writeNumberField("bytes_read", f.bytesRead());
        if (f.error() != null) {
          g.writeStringField("error", f.error());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("warnings");
      for (String w : s.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static String typeLetter(FileRecord r) {
    if (r == null) {
      return "?";
    }
    return switch (r.type()) {
      case FILE -> "f";
      case DIRECTORY -> "d";
      case SYMLINK -> "l";
      case FIFO -> "p";
      case SOCKET -> "s";
      case CHAR_DEVICE -> "c";
      case BLOCK_DEVICE -> "b";
      case UNKNOWN -> "?";
    };
  }

  private void writeJson(Writer out) throws IOException, StoreException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("command", command);
      EventJson.writeAgent(g);
      g.writeStringField("database", store.dir().toString());
      g.writeStringField("start", dev.fim.store.Timestamps.format(result.startNs()));
      g.writeStringField("end", dev.fim.store.Timestamps.format(result.endNs()));
      g.writeArrayFieldStart("scope");
      for (PathBytes p : scope) {
        g.writeString(p.display());
      }
      g.writeEndArray();
      g.writeBooleanField("config_changed", result.configChanged());
      g.writeObjectFieldStart("totals");
      g.writeNumberField("added", result.added());
      g.writeNumberField("removed", result.removed());
      g.writeNumberField("changed", result.changed());
      g.writeNumberField("problems", result.problems().size());
      g.writeNumberField("files", result.scan().files());
      g.writeNumberField("directories", result.scan().directories());
      g.writeNumberField("bytes_hashed", result.scan().bytesHashed());
      g.writeEndObject();
      if (attribution != null) {
        writeAttributionJson(g);
      }
      g.writeArrayFieldStart("entries");
      forEachFinding(null, e -> EventJson.write(e, g));
      g.writeEndArray();
      g.writeArrayFieldStart("problems");
      for (ScanProblem p : result.problems()) {
        g.writeStartObject();
        g.writeStringField("path", p.path().display());
        if (!p.path().isUtf8()) {
          g.writeStringField("path_hex", p.path().hex());
        }
        g.writeStringField("kind", p.kind().name().toLowerCase(Locale.ROOT));
        g.writeStringField("message", p.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("exit_code", result.exitBits());
      g.writeEndObject();
    }
    out.write("\n");
  }
}
