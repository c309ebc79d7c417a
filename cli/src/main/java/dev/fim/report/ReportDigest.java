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
  private final Lines summaryLine = new Lines();

  ReportDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** Adds canonical lines made by {@link Lines} (in time order). */
  void update(Lines lines) {
    sha.update(lines.bytes(), 0, lines.size());
  }

  /** Adds the summary line and returns the digest as lower-case hex. */
  String finish(Summary s) throws IOException {
    summaryLine.reset();
    summaryLine.summary(s);
    update(summaryLine);
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() throws IOException {
    summaryLine.close();
  }

  /**
   * Canonical lines, appended to a byte buffer whose array is read without a copy: each change's compact JSON and
   * {@code \n}. One per thread (the report makes them on several, {@link ComplianceReport}).
   */
  static final class Lines extends ByteArrayOutputStream implements AutoCloseable {
    private final JsonGenerator g;
    private int lastStart;

    Lines() {
      super(1 << 16);
      try {
        g = FACTORY.createGenerator(this, com.fasterxml.jackson.core.JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // closing it must not close this buffer (and recurse)
        g.setRootValueSeparator(null);
      } catch (IOException e) {
        throw new IllegalStateException(e); // a byte array does not fail
      }
    }

    /** Appends one change's line. */
    void change(ChangeEvent e, Approval a) throws IOException {
      lastStart = count;
      ReportJson.change(g, e, a);
      g.flush();
      write('\n');
    }

    void summary(Summary s) throws IOException {
      ReportJson.summary(g, s);
      g.flush();
      write('\n');
    }

    /** Writes the last change's JSON (without its newline): the JSON report's row. */
    void writeLastTo(OutputStream out) throws IOException {
      out.write(buf, lastStart, count - lastStart - 1);
    }

    byte[] bytes() {
      return buf;
    }

    @Override
    public void close() throws IOException {
      g.close();
    }
  }
}
