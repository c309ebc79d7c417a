package dev.fim.cli;

import dev.fim.store.Column;
import dev.fim.store.EvidenceChain;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.SealKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The evidence chain as the commands use it (docs/security.md "Evidence chain"): writers (init,
 * check, update, accept, watch) {@linkplain #attach attach} it so that what they record is sealed
 * and each new head goes to syslog; readers (history, who, report) {@linkplain #verify verify}
 * every record against it first. Both compare the head with {@code --expect-seal} when given.
 */
final class Evidence implements AutoCloseable {
  private final Store store;
  private final SyslogAnchor anchor;

  private Evidence(Store store, SyslogAnchor anchor) {
    this.store = store;
    this.anchor = anchor;
  }

  /**
   * Seals what {@code store} records from now on with {@code key}; starts the chain on a database
   * that has none.
   *
   * @throws SealException the head is not authentic, or not the one {@code --expect-seal} names
   */
  static Evidence attach(CommonOptions common, Store store, SealKey key, PrintWriter err)
      throws StoreException, SealException {
    SyslogAnchor anchor = new SyslogAnchor(err);
    EvidenceChain.Head head =
        EvidenceChain.attach(
            store,
            EvidenceKey.of(key),
            anchor,
            line -> {
              synchronized (err) {
                err.println("fim: warning: " + line);
                err.flush();
              }
            });
    Evidence e = new Evidence(store, anchor);
    try {
      expect(common, store, head);
    } catch (SealException ex) {
      e.close();
      throw ex;
    }
    return e;
  }

  /**
   * For fim watch, which needs no baseline: the key of {@code keyFile}, created when the database
   * holds neither a baseline nor a chain (a new database); a missing key for a database that has
   * either is an error (a new key could not verify what the old one sealed).
   */
  static SealKey keyForWatch(Store store, Path keyFile)
      throws StoreException, SealException, IOException {
    if (Files.exists(keyFile)) {
      return SealKey.load(keyFile);
    }
    if (store.hasAny(Column.BASELINE)
        || store.getMeta("seal") != null
        || store.getMeta("evidence_chain") != null) {
      throw new SealException(
          "seal key "
              + keyFile
              + " does not exist, but database "
              + store.dir()
              + " was sealed"
              + " with one: give the right key with --key (a new key cannot verify what the old one sealed)");
    }
    return SealKey.loadOrCreate(keyFile);
  }

  /**
   * Verifies every event, index entry, approval and coverage interval of {@code store} against the
   * chain, with the key {@code common} names; a key that cannot be loaded fails the verification
   * (naming why) unless the database holds no evidence at all.
   */
  static EvidenceChain.Verification verify(CommonOptions common, Store store, PrintWriter err)
      throws StoreException, ErrorHandler.ConfigError {
    return verify(common, store, err, java.util.EnumSet.allOf(EvidenceChain.Kind.class));
  }

  /**
   * As {@link #verify(CommonOptions, Store, PrintWriter)}, for the records of {@code kinds} (what
   * the caller reads).
   */
  static EvidenceChain.Verification verify(
      CommonOptions common, Store store, PrintWriter err, java.util.Set<EvidenceChain.Kind> kinds)
      throws StoreException, ErrorHandler.ConfigError {
    EvidenceKey key;
    try {
      key = evidenceKey(common, err);
    } catch (IOException e) {
      return keyless(store, e);
    }
    return expected(common, store, EvidenceChain.verify(store, key, kinds));
  }

  /** {@code v}, or NOT VERIFIED when its head is not the one {@code --expect-seal} names. */
  private static EvidenceChain.Verification expected(
      CommonOptions common, Store store, EvidenceChain.Verification v) throws StoreException {
    if (v != null && v.verified() && common.expectSeal != null) {
      try {
        expect(common, store, v.head());
      } catch (SealException e) {
        return new EvidenceChain.Verification(false, v.head(), e.getMessage());
      }
    }
    return v;
  }

  /**
   * As {@link #verify(CommonOptions, Store, PrintWriter, java.util.Set)}, made while a report reads
   * the events from {@code fromNs} on ({@link EvidenceChain#pass}); close it before the store.
   */
  static dev.fim.cli.report.EvidenceCheck whileReading(
      CommonOptions common,
      Store store,
      PrintWriter err,
      java.util.Set<EvidenceChain.Kind> kinds,
      long fromNs)
      throws StoreException, ErrorHandler.ConfigError {
    EvidenceKey key;
    try {
      key = evidenceKey(common, err);
    } catch (IOException e) {
      return dev.fim.cli.report.EvidenceCheck.of(keyless(store, e));
    }
    // The report's approvals cursor hands over what it steps past (ReportSource#forEach).
    EvidenceChain.Pass pass = EvidenceChain.passWithApprovals(store, key, kinds, fromNs);
    EvidenceChain.Verification known = expected(common, store, pass.known());
    return new dev.fim.cli.report.EvidenceCheck() {
      @Override
      public EvidenceChain.Verification known() {
        return known;
      }

      @Override
      public void event(byte[] k, byte[] stored) {
        pass.event(k, stored);
      }

      @Override
      public void approval(byte[] k, byte[] stored) {
        pass.approval(k, stored);
      }

      @Override
      public EvidenceChain.Verification finish(dev.fim.cli.report.ReportSource.Stopped stopped)
          throws StoreException {
        return known != null
            ? known
            : expected(common, store, pass.finish(stopped.events(), stopped.approvals()));
      }

      @Override
      public void close() {
        pass.close();
      }
    };
  }

  /** The evidence key derived from the seal key the config (or --key) names. */
  private static EvidenceKey evidenceKey(CommonOptions common, PrintWriter err)
      throws IOException, ErrorHandler.ConfigError {
    return EvidenceKey.of(SealKey.load(common.sealKeyFile(err)));
  }

  /** The verdict when the key cannot be loaded: fine only for a database without evidence. */
  private static EvidenceChain.Verification keyless(Store store, IOException e)
      throws StoreException {
    if (!EvidenceChain.hasEvidence(store)) {
      return new EvidenceChain.Verification(true, null, null);
    }
    return new EvidenceChain.Verification(
        false,
        null,
        "the evidence chain of " + store.dir() + " cannot be" + " verified: " + e.getMessage());
  }

  /**
   * {@link #verify}, failing with exit 19 (the reason on stderr) when the evidence does not verify.
   */
  static EvidenceChain.Verification require(CommonOptions common, Store store, PrintWriter err)
      throws StoreException, ErrorHandler.ConfigError, SealException {
    EvidenceChain.Verification v = verify(common, store, err);
    if (!v.verified()) {
      throw new SealException(
          v.problem()
              + "; nothing is shown from it (fim report can still write a report"
              + " marked NOT VERIFIED)");
    }
    return v;
  }

  private static void expect(CommonOptions common, Store store, EvidenceChain.Head head)
      throws SealException {
    String want = common.expectSeal;
    if (want == null) {
      return;
    }
    String have = head == null ? null : head.digest();
    if (!want.trim().equalsIgnoreCase(have == null ? "" : have)) {
      throw new SealException(
          "--expect-seal: the evidence seal of "
              + store.dir()
              + " is "
              + (have == null
                  ? "missing (no chain head)"
                  : have + " (sequence " + head.sequence() + ")")
              + ", not "
              + want.trim()
              + ": the database was rolled back to an older copy or replaced, or more was recorded since that seal"
              + " (compare with the newest \"evidence seal\" line fim sent to syslog)");
    }
  }

  @Override
  public void close() {
    EvidenceChain.detach(store);
    anchor.flush();
  }
}
