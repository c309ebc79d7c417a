package dev.fim.cli.report;

import dev.fim.store.EvidenceChain;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code fim report --verify FILE}: checks a copy of a text, JSON or HTML report against the
 * database (a fleet report: against the cluster it names, {@link FleetSource}; the messages say
 * which). The report states its parameters and data digest in one line ({@link
 * ReportParameters#line}); the verifier makes the same report again from the database as of the
 * stated time, streaming it against the file byte by byte (no second copy on disk), and compares
 * the digest of the data it found with the stated one.
 *
 * <p>So a copy verifies only when every byte is as fim wrote it and the database still holds the
 * same data for the period (the same events, and approvals accepted by the report's time). CSV
 * states no parameters (a plain table): verify its JSON twin, whose digest is the same. Stateless.
 */
public final class ReportVerifier {
  /** How a verification ended. */
  public enum Verdict {
    /** Byte for byte what fim makes from the database's data, whose digest is the stated one. */
    VERIFIED,
    /** The database's data for the stated period has another digest than the report states. */
    DATA_DIFFERS,
    /**
     * The data digest matches, but the file's bytes differ from what fim writes for it: the copy
     * was edited.
     */
    FILE_MODIFIED,
    /**
     * The database's evidence does not verify against its seal chain: nothing can be confirmed from
     * it.
     */
    EVIDENCE_NOT_VERIFIED
  }

  /**
   * The verdict and a sentence for people.
   *
   * @param verdict what was found
   * @param message the explanation, naming the digests or the first differing line
   * @param sha256 the digest of the data the database holds for the stated period
   */
  public record Outcome(Verdict verdict, String message, String sha256) {}

  private ReportVerifier() {}

  /**
   * @param spillDir where the regenerated report's body is spilled while it is made (deleted
   *     afterwards)
   * @throws IllegalArgumentException when the file is not a report fim can verify (no parameter
   *     line: not a report, or a CSV), naming why
   */
  public static Outcome verify(
      Store store, Path file, Path spillDir, EvidenceChain.Verification chain)
      throws IOException, StoreException {
    return verify(new StoreSource(store), file, spillDir, chain);
  }

  /**
   * As {@link #verify(Store, Path, Path, EvidenceChain.Verification)}, against {@code source}: a
   * fleet report (it states {@code source=}) is made again from a cluster ({@link FleetSource}), a
   * local one from the store.
   */
  public static Outcome verify(
      ReportSource store, Path file, Path spillDir, EvidenceChain.Verification chain)
      throws IOException, StoreException {
    return verify(store, file, spillDir, fromNs -> EvidenceCheck.of(chain));
  }

  /**
   * Makes the evidence check of a report whose period starts at {@code fromNs} (the period the file
   * states, read once).
   */
  @FunctionalInterface
  public interface Checks<X extends Exception> {
    EvidenceCheck from(long fromNs) throws StoreException, X;
  }

  /**
   * As {@link #verify(Store, Path, Path, EvidenceChain.Verification)}, with the evidence chain
   * verified while the report is made again ({@link EvidenceCheck}, {@code EvidenceChain.Pass}):
   * the events are read once, not once for the evidence and once for the report (a million events:
   * bench/report.sh's {@code verify}). The verdict is the one a separate verification gives.
   */
  public static <X extends Exception> Outcome verify(
      Store store, Path file, Path spillDir, Checks<X> checks)
      throws IOException, StoreException, X {
    return verify(new StoreSource(store), file, spillDir, checks);
  }

  private static <X extends Exception> Outcome verify(
      ReportSource store, Path file, Path spillDir, Checks<X> checks)
      throws IOException, StoreException, X {
    ReportParameters.Stated stated = stated(file);
    if (stated == null) {
      throw new IllegalArgumentException(
          file
              + " is not a text, JSON or HTML fim report (no \""
              + ReportParameters.MAGIC
              + "\" line in its first 64 KiB, nor in the last 64 KiB of a JSON report); a CSV"
              + " report states no parameters: verify its JSON twin, which has the same data digest");
    }
    boolean fleet = store instanceof FleetSource;
    if (fleet != (stated.parameters().source() != null)) {
      throw new IllegalArgumentException(
          fleet
              ? file
                  + " is a local report (it states no source=): verify it on its host, without"
                  + " --source"
              : file
                  + " is a fleet report of "
                  + stated.parameters().source()
                  + ": verify it with --source URL");
    }
    // what the report is made again from, as the messages name it
    String from = fleet ? "the cluster " + ((FleetSource) store).source() : "the database";
    ComplianceReport.Result regenerated;
    long mismatchLine;
    boolean longer;
    try (EvidenceCheck check = checks.from(stated.parameters().fromNs());
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        Comparing cmp = new Comparing(in)) {
      try {
        regenerated = ComplianceReport.write(store, stated.parameters(), check, cmp, spillDir);
      } catch (SealException e) {
        // only a CSV report's check refuses (ReportCommand); none is made again here
        throw new IllegalStateException("a verification's evidence check refused the report", e);
      }
      mismatchLine = cmp.mismatchLine;
      longer = in.read() != -1;
    }
    EvidenceChain.Verification chain = regenerated.evidence();
    if (!chain.verified()) {
      return new Outcome(
          Verdict.EVIDENCE_NOT_VERIFIED,
          file
              + ": NOT verified: "
              + from
              + "'s evidence does not"
              + " verify, so it confirms nothing: "
              + chain.problem(),
          regenerated.sha256());
    }
    if (!regenerated.sha256().equals(stated.sha256())) {
      return new Outcome(
          Verdict.DATA_DIFFERS,
          file
              + ": NOT verified: it states data SHA-256 "
              + stated.sha256()
              + ", but "
              + from
              + (fleet ? " has for its period (as of " : "'s data for its period (as of ")
              + EventTime.of(stated.parameters().generatedNs())
              + ") "
              + (fleet ? "documents whose digest is " : "has ")
              + regenerated.sha256()
              + ": the report's data or parameters were edited, or "
              + (fleet
                  ? "the cluster's documents changed since (events, approvals or watch coverage"
                      + " of the period added, removed or rewritten, or shipped late)"
                  : "the database changed since (events recorded in the period or approvals dated"
                      + " before the report)"),
          regenerated.sha256());
    }
    if (mismatchLine > 0 || longer) {
      return new Outcome(
          Verdict.FILE_MODIFIED,
          file
              + ": NOT verified: "
              + from
              + " holds the data it states (SHA-256 "
              + regenerated.sha256()
              + "), but the file differs from what fim writes for it "
              + (mismatchLine > 0 ? "from line " + mismatchLine : "after its end (bytes appended)")
              + ": this copy was modified",
          regenerated.sha256());
    }
    return new Outcome(
        Verdict.VERIFIED,
        file
            + ": verified: unmodified, and "
            + from
            + " holds the same data"
            + " (SHA-256 "
            + regenerated.sha256()
            + ", "
            + regenerated.changes()
            + " changes, "
            + regenerated.unapproved()
            + " unapproved)",
        regenerated.sha256());
  }

  /**
   * The parameter line of {@code file}: text and HTML reports state it at their start (the first 64
   * KiB are read), a JSON report (it starts with '{') as its last value, after every change, so its
   * last 64 KiB are read and the last line there is taken (a path in a change may spell one too).
   * Bounded either way, whatever the file's size.
   */
  private static ReportParameters.Stated stated(Path file) throws IOException {
    try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
      byte[] head = read(ch, SCAN);
      if (head.length == 0 || head[0] != '{') {
        return ReportParameters.find(new String(head, StandardCharsets.UTF_8));
      }
      long size = ch.size();
      byte[] tail = head;
      if (size > head.length) {
        ch.position(size - SCAN);
        tail = read(ch, SCAN);
      }
      return ReportParameters.find(new String(tail, StandardCharsets.UTF_8), true);
    }
  }

  private static final int SCAN = 64 * 1024;

  /** Up to {@code max} bytes from the channel's position (fewer at its end). */
  private static byte[] read(java.nio.channels.SeekableByteChannel ch, int max) throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(max);
    while (b.hasRemaining() && ch.read(b) >= 0) {
      // a file may return fewer bytes than asked
    }
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  /**
   * Compares what is written with the file's bytes; remembers the line of the first difference
   * (1-based).
   */
  private static final class Comparing extends OutputStream {
    private final InputStream file;
    long line = 1;
    long mismatchLine;

    Comparing(InputStream file) {
      this.file = file;
    }

    @Override
    public void write(int b) throws IOException {
      if (mismatchLine > 0) {
        return;
      }
      int f = file.read();
      if (f != (b & 0xff)) {
        mismatchLine = line;
      } else if (b == '\n') {
        line++;
      }
    }

    private byte[] fileBytes = new byte[1 << 16];

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0 && mismatchLine == 0) {
        int n = file.readNBytes(fileBytes, 0, Math.min(len, fileBytes.length));
        int same = java.util.Arrays.mismatch(b, off, off + n, fileBytes, 0, n);
        int upTo = same < 0 ? n : same;
        for (int i = off; i < off + upTo; i++) {
          if (b[i] == '\n') {
            line++;
          }
        }
        if (same >= 0 || n < Math.min(len, fileBytes.length)) {
          mismatchLine = line; // a differing byte, or the file ended first
          return;
        }
        off += n;
        len -= n;
      }
    }
  }
}
