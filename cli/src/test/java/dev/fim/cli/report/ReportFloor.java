package dev.fim.cli.report;

import dev.fim.store.EvidenceChain;
import dev.fim.store.Store;
import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.SealKey;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * bench/report.sh's floors (issue 18): what any {@code fim report} of a database must at least do,
 * without rendering anything, each a cold JVM as the report is.
 *
 * <ul>
 *   <li>{@code read DB}: the report's serial read, one thread: every event of the whole history in
 *       key order with its approval beside it, both columns not through the block cache, each value
 *       copied out of RocksDB ({@link StoreSource#forEach}, the read a report's main thread does).
 *   <li>{@code verify DB}: the evidence check a report owes: every event, approval and coverage
 *       record read once and its HMAC tag made, on the two threads {@link EvidenceChain#verify}
 *       uses, with the key beside the database ({@code DB.key}).
 * </ul>
 *
 * Prints one line (what was read, and the verdict for {@code verify}); exit 1 when the evidence
 * does not verify. Usage: {@code ReportFloor read|verify DB}.
 */
public final class ReportFloor {
  private ReportFloor() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !(args[0].equals("read") || args[0].equals("verify"))) {
      System.err.println("usage: ReportFloor read|verify DB");
      System.exit(2);
    }
    Path db = Path.of(args[1]);
    try (Store store = Store.open(db, Store.OpenMode.READ_ONLY)) {
      if (args[0].equals("read")) {
        long[] n = new long[3]; // events, approvals, bytes
        ReportParameters p =
            new ReportParameters(0, Long.MAX_VALUE, Long.MAX_VALUE, "floor", 2, ReportFormat.TEXT);
        new StoreSource(store)
            .forEach(
                p,
                (key, host, identity, stored, a, storedApproval) -> {
                  n[0]++;
                  n[2] += key.length + stored.length;
                  if (storedApproval != null) {
                    n[1]++;
                    n[2] += storedApproval.length;
                  }
                },
                (key, storedApproval) -> {});
        System.out.printf("read %d events, %d approvals, %d bytes%n", n[0], n[1], n[2]);
      } else {
        EvidenceKey key =
            EvidenceKey.of(SealKey.load(db.resolveSibling(db.getFileName() + ".key")));
        EvidenceChain.Verification v =
            EvidenceChain.verify(
                store,
                key,
                EnumSet.of(
                    EvidenceChain.Kind.EVENTS,
                    EvidenceChain.Kind.APPROVALS,
                    EvidenceChain.Kind.COVERAGE));
        System.out.println(
            "evidence " + (v.verified() ? "verified" : "NOT verified: " + v.problem()));
        if (!v.verified()) {
          System.exit(1);
        }
      }
    }
  }
}
