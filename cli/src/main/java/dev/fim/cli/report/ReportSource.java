package dev.fim.cli.report;

import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where a report's data comes from: the local store ({@link StoreSource}) or the documents fim ship
 * sent to a cluster ({@link FleetSource}). {@link ComplianceReport} renders either with the same
 * writers, totals and digest.
 */
public interface ReportSource {
  /**
   * The watch runs overlapping {@code [fromNs, untilNs)}, oldest first; null when this source has
   * them per host ({@link #coverageByHost}).
   */
  List<WatchCoverage.Interval> coverage(long fromNs, long untilNs)
      throws StoreException, IOException;

  /**
   * The watch runs of each host ({@code name (id)}, the same name as its events'), known once
   * {@link #forEach} handed every event over: every host that sent events or coverage in the period
   * (and every host asked for), a host that sent no coverage with no runs. Null for a source with
   * one host ({@link #coverage}).
   */
  default Map<String, List<WatchCoverage.Interval>> coverageByHost(ReportParameters p) {
    return null;
  }

  /**
   * Hands each event of the period to {@code sink}, in the report's order, with its approval as of
   * the report's time (or null), and each stored approval record the read stepped past to {@code
   * passed} (the local store's: every approval from the period's start up to where the read
   * stopped, each once, whether its event is in the period or not and whenever it was accepted).
   *
   * @return where the local store's read stopped (what the evidence chain's verification needs,
   *     {@code EvidenceChain.Pass#finish}); {@link Stopped#NONE} for a source without such keys
   */
  Stopped forEach(ReportParameters p, Sink sink, PassedApprovals passed)
      throws StoreException, IOException;

  /**
   * Where a read of the local store stopped.
   *
   * @param events the key of the {@code events} column past the period's last event, null when it
   *     ran to the end (or the source has no such keys)
   * @param approvals the first key of the {@code approvals} column not handed to {@link
   *     PassedApprovals} (its cursor's position), null when none is left (or the source has none)
   */
  record Stopped(byte[] events, byte[] approvals) {
    /** A source without the local store's keys. */
    public static final Stopped NONE = new Stopped(null, null);
  }

  /** Receives each stored approval record a read of the local store stepped past. */
  interface PassedApprovals {
    void approval(byte[] key, byte[] stored);
  }

  /** Decodes a stored event record (thread-safe: called on the render threads). */
  ChangeEvent decode(byte[] stored) throws StoreException;

  /**
   * What the report says about where its data came from, beyond the local store's seal (null for
   * the local store), known once every event was handed over.
   */
  default FleetFacts fleet() {
    return null;
  }

  /** Receives one event. */
  interface Sink {
    /**
     * @param key the event's key in the local store's {@code events} column, null for another
     *     source
     * @param host the host the event was recorded on ({@code name (id)}), null for the local store
     * @param identity what else identifies the event's copy (a document's index and id), digested
     *     before it; null for the local store
     */
    void accept(
        byte[] key, String host, String identity, byte[] stored, Approval a, byte[] storedApproval)
        throws IOException, StoreException;
  }
}
