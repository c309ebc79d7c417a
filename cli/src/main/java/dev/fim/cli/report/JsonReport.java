package dev.fim.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.engine.output.JsonBytes;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * The report as one JSON document, one change per line for {@code jq} and {@code grep} alike; the
 * summary, digest and parameter line come after the changes (they are known only then, and so a
 * million changes stream straight to the output instead of through a spill file):
 *
 * <pre>
 * {"changes":[
 * {"event":{…},"approval":{…}|null},
 * …],
 * "summary":{…},
 * "digest":{"algorithm":"SHA-256","sha256":"…"},
 * "fim_report":"fim-report-v1 since=… sha256=…"}
 * </pre>
 *
 * Not thread-safe.
 */
final class JsonReport implements ReportWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  @Override
  public boolean headFirst() {
    return true;
  }

  @Override
  public void head(Writer out, Summary s, String sha256) throws IOException {
    out.write("{\"changes\":[");
  }

  /**
   * Not called: {@link #rows} writes a batch of changes with one generator (one per change cost
   * more than the JSON itself).
   */
  @Override
  public void change(Writer body, ChangeEvent e, Approval a) {
    throw new UnsupportedOperationException("JSON changes are written a batch at a time (rows)");
  }

  /**
   * Changes as {@code {"event":{…},"approval":{…}|null}}, one per line, each after its {@link
   * #separator} (the first of the report after the first one), as UTF-8 bytes: the first {@code
   * length()} of the returned sink's array. {@code capacity} is a first guess of their size.
   */
  static JsonBytes rows(
      java.util.List<String> hosts,
      java.util.List<ChangeEvent> events,
      java.util.List<Approval> approvals,
      boolean startsTheReport,
      int capacity)
      throws IOException {
    JsonBytes out = new JsonBytes(capacity);
    for (int i = 0; i < events.size(); i++) {
      out.raw(separator(startsTheReport && i == 0));
      ReportJson.change(out, hosts.get(i), events.get(i), approvals.get(i));
    }
    return out;
  }

  /** What precedes a change's JSON in the body: one change per line. */
  static String separator(boolean first) {
    return first ? "\n" : ",\n";
  }

  @Override
  public void end(Writer out, Summary s, String sha256) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.setRootValueSeparator(null);
    out.write("],\n\"summary\":");
    ReportJson.summary(g, s);
    g.flush();
    out.write(
        ",\n\"digest\":{\"algorithm\":\"SHA-256\",\"of\":\""
            + (s.parameters.agent() != null ? "the agent line, then " : "")
            + "the stored records of the period's events and"
            + " approvals, then the summary's compact JSON\",\"sha256\":\""
            + sha256
            + "\"},\n");
    if (s.parameters.agent() != null) { // ECS agent: which fim made the report
      out.write(
          "\"agent\":{\"type\":\""
              + s.parameters.agentType()
              + "\",\"version\":\""
              + s.parameters.agentVersion()
              + "\"},\n");
    }
    out.write("\"fim_report\":");
    g.writeString(s.parameters.line(sha256));
    g.close();
    out.write("}\n");
  }
}
