package dev.fim.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * The report as one JSON document, one change per line for {@code jq} and {@code grep} alike:
 * <pre>
 * {"fim_report":"fim-report-v1 since=… sha256=…",
 *  "digest":{"algorithm":"SHA-256","sha256":"…"},
 *  "summary":{…},
 *  "changes":[
 * {"event":{…},"approval":{…}|null},
 * …]}
 * </pre>
 * Not thread-safe.
 */
final class JsonReport implements ReportWriter {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final Writer out;
  private boolean first = true;
  private final JsonGenerator g;

  JsonReport(Writer out) throws IOException {
    this.out = out;
    this.g = FACTORY.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.setRootValueSeparator(null);
  }

  @Override
  public void begin(Summary s, String sha256) throws IOException {
    out.write("{\"fim_report\":");
    g.writeString(s.parameters.line(sha256));
    g.flush();
    out.write(",\n\"digest\":{\"algorithm\":\"SHA-256\",\"of\":\"canonical data: each change's JSON line, then the"
        + " summary's\",\"sha256\":\"" + sha256 + "\"},\n\"summary\":");
    ReportJson.summary(g, s);
    g.flush();
    out.write(",\n\"changes\":[");
  }

  @Override
  public void change(ChangeEvent e, Approval a) throws IOException {
    out.write(first ? "\n" : ",\n");
    first = false;
    ReportJson.change(g, e, a);
    g.flush();
  }

  @Override
  public void end(Summary s, String sha256) throws IOException {
    out.write("]}\n");
    g.close();
  }
}
