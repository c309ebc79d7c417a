package dev.fim.cli.report;

import dev.fim.store.EvidenceChain;
import dev.fim.store.SealException;
import dev.fim.store.StoreException;

/**
 * The evidence chain's verdict a report states: known before the report reads anything, or made
 * while it reads the local store's events ({@link EvidenceChain.Pass}: each event it reads is
 * tagged on its render threads, so the events are read once, not once to verify and once to
 * render).
 */
public interface EvidenceCheck extends AutoCloseable {
  /** The verdict when known before the events are read, else null. */
  EvidenceChain.Verification known();

  /** Tags one event the report read ({@code events} key and value); thread-safe. */
  void event(byte[] key, byte[] stored);

  /**
   * Tags one approval record the report's read stepped past ({@code approvals} key and value,
   * {@link ReportSource.PassedApprovals}); thread-safe.
   */
  void approval(byte[] key, byte[] stored);

  /**
   * The verdict, once every event read was handed to {@link #event} and every approval stepped past
   * to {@link #approval}; {@code stopped} is where the read stopped ({@link ReportSource#forEach}).
   *
   * @throws SealException when the report must not be written at all with this verdict (a CSV
   *     report that does not verify: {@code ReportCommand})
   */
  EvidenceChain.Verification finish(ReportSource.Stopped stopped)
      throws StoreException, SealException;

  /** Stops what still runs for the verdict (before the store is closed). */
  @Override
  default void close() {}

  /** A verdict known beforehand (a fleet report's, {@code --verify}'s, a test's). */
  static EvidenceCheck of(EvidenceChain.Verification v) {
    return new EvidenceCheck() {
      @Override
      public EvidenceChain.Verification known() {
        return v;
      }

      @Override
      public void event(byte[] key, byte[] stored) {}

      @Override
      public void approval(byte[] key, byte[] stored) {}

      @Override
      public EvidenceChain.Verification finish(ReportSource.Stopped stopped) {
        return v;
      }
    };
  }
}
