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

  @Override
  public void head(Writer out, Summary s, String sha256) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.setRootValueSeparator(null);
    out.write("{\"fim_report\":");
    g.writeString(s.parameters.line(sha256));
    g.flush();
    out.write(",\n\"digest\":{\"algorithm\":\"SHA-256\",\"of\":\"canonical data: each change's JSON line, then the"
        + " summary's\",\"sha256\":\"" + sha256 + "\"},\n\"summary\":");
    ReportJson.summary(g, s);
    g.close();
    out.write(",\n\"changes\":[");
  }

  /**
   * Not called: a change's JSON is its canonical line, which {@link ComplianceReport} writes to the body as
   * {@link ReportDigest} makes it ({@link #separator} before each), so it is serialised once.
   */
  @Override
  public void change(Writer body, ChangeEvent e, Approval a) {
    throw new UnsupportedOperationException("JSON changes are written from their canonical bytes");
  }

  /** What precedes a change's JSON in the body: one change per line. */
  static byte[] separator(boolean first) {
    return first ? new byte[] {'\n'} : new byte[] {',', '\n'};
  }

  @Override
  public void end(Writer out, Summary s, String sha256) throws IOException {
    out.write("]}\n");
  }
}
