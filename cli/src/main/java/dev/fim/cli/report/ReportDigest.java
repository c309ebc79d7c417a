package dev.fim.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest a report states: SHA-256 over its data as the database holds it. For each event of the
 * period in time order: the length of its stored record (4 bytes, big-endian) and the record (the
 * {@code events} column family's value), then one byte 1 with the length and stored bytes of its
 * approval when one counts for the report (accepted by its time), else one byte 0. Then one line
 * with the summary ({@link ReportJson#summary}, compact JSON, then {@code \n}). It does not depend
 * on the format, nor on when the report was made, so two reports of the same data have the same
 * digest, and any change of the data (a path, an approval, a total) changes it.
 *
 * <p>Why the stored bytes and not each event's JSON: serialising a million events to JSON only to
 * hash them took about 40 % of a report's CPU (bench/report.sh); the stored records are already in
 * hand, and they are what {@code fim report --verify} rebuilds the report from. Not thread-safe;
 * one per report, fed in order.
 */
final class ReportDigest {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final MessageDigest sha;
  private final byte[] length = new byte[4];

  /**
   * @param agent the report's stated {@code agent=} (null: none). When stated, the digest begins
   *     with {@code agent=VALUE\n}, so a report whose stated fim version was edited no longer
   *     verifies (the verifier makes the report again as the stated agent, byte for byte alike, and
   *     only the digest can tell); a report without it has the digest it always had.
   */
  ReportDigest(String agent) {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    if (agent != null) {
      sha.update(("agent=" + agent + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /**
   * Adds what identifies the copy of the next event (a fleet report: the document's index and id),
   * so a document moved to another host's name or index changes the digest.
   */
  void identity(String identity) {
    sha.update((identity + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Adds one event: its stored record and, if it counts, its approval's. */
  void change(byte[] storedEvent, byte[] storedApproval) {
    lengthAndBytes(storedEvent);
    if (storedApproval == null) {
      sha.update((byte) 0);
    } else {
      sha.update((byte) 1);
      lengthAndBytes(storedApproval);
    }
  }

  private void lengthAndBytes(byte[] b) {
    length[0] = (byte) (b.length >>> 24);
    length[1] = (byte) (b.length >>> 16);
    length[2] = (byte) (b.length >>> 8);
    length[3] = (byte) b.length;
    sha.update(length);
    sha.update(b);
  }

  /** Adds the summary line and returns the digest as lower-case hex. */
  String finish(Summary s) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    try (JsonGenerator g =
        FACTORY.createGenerator(line, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
      ReportJson.summary(g, s);
    }
    line.write('\n');
    sha.update(line.toByteArray());
    return HexFormat.of().formatHex(sha.digest());
  }
}
