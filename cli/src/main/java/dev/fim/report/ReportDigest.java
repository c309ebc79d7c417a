package dev.fim.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest a report states: SHA-256 over the canonical form of its data, which is, in UTF-8, one line per event of
 * the period in time order ({@link ReportJson#change}, compact JSON, then {@code \n}), then one line with the summary
 * ({@link ReportJson#summary}, compact, then {@code \n}). It does not depend on the format, nor on when the report
 * was made, so two reports of the same data have the same digest, and any change of the data (a path, an approval,
 * a total) changes it. Not thread-safe; one per report.
 */
final class ReportDigest implements AutoCloseable {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final MessageDigest sha;
  /** The last change's canonical JSON (without the newline); the JSON report reuses it as its row. */
  private final Line line = new Line();
  private final JsonGenerator g;

  ReportDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    try {
      g = FACTORY.createGenerator(line, com.fasterxml.jackson.core.JsonEncoding.UTF8);
      g.setRootValueSeparator(null);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail
    }
  }

  /** Adds one change's line; {@link #writeLineTo} then writes its JSON. */
  void change(ChangeEvent e, Approval a) throws IOException {
    line.reset();
    ReportJson.change(g, e, a);
    g.flush();
    sha.update(line.bytes(), 0, line.size());
    sha.update((byte) '\n');
  }

  void writeLineTo(OutputStream out) throws IOException {
    out.write(line.bytes(), 0, line.size());
  }

  /** Adds the summary line and returns the digest as lower-case hex. */
  String finish(Summary s) throws IOException {
    line.reset();
    ReportJson.summary(g, s);
    g.flush();
    sha.update(line.bytes(), 0, line.size());
    sha.update((byte) '\n');
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() throws IOException {
    g.close();
  }

  /** A byte array buffer whose array can be read without a copy. */
  private static final class Line extends ByteArrayOutputStream {
    Line() {
      super(2048);
    }

    byte[] bytes() {
      return buf;
    }
  }
}
