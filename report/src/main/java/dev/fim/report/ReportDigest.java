package dev.fim.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest a report states: SHA-256 over the canonical form of its data, which is, in UTF-8, one line per event of
 * the period in time order ({@link ReportJson#change}, compact JSON, then {@code \n}), then one line with the summary
 * ({@link ReportJson#summary}, compact, then {@code \n}). It is the same for every format of the same data, so a text
 * or HTML report and its JSON twin can be matched, and any change of the data (a path, an approval, a total) changes
 * it. Not thread-safe; one per report.
 */
final class ReportDigest implements AutoCloseable {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final MessageDigest sha;
  private final JsonGenerator g;

  ReportDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    try {
      g = FACTORY.createGenerator(new DigestSink(sha), com.fasterxml.jackson.core.JsonEncoding.UTF8);
      g.setRootValueSeparator(null);
    } catch (IOException e) {
      throw new IllegalStateException(e); // the sink does not fail
    }
  }

  void change(ChangeEvent e, Approval a) throws IOException {
    ReportJson.change(g, e, a);
    g.writeRaw('\n');
  }

  /** Adds the summary line and returns the digest as lower-case hex. */
  String finish(Summary s) throws IOException {
    ReportJson.summary(g, s);
    g.writeRaw('\n');
    g.flush();
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() throws IOException {
    g.close();
  }

  /** Feeds the generator's bytes to the digest (buffered by the generator, so no copy here). */
  private static final class DigestSink extends OutputStream {
    private final MessageDigest sha;

    DigestSink(MessageDigest sha) {
      this.sha = sha;
    }

    @Override
    public void write(int b) {
      sha.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      sha.update(b, off, len);
    }
  }
}
