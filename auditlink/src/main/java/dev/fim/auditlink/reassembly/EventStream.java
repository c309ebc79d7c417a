package dev.fim.auditlink.reassembly;

import dev.fim.auditlink.parse.AuditRecord;
import java.util.List;

/**
 * The next stage after the {@link Reassembler}. Loss is part of the contract, not a log line
 * (go-libaudit's {@code Stream}: {@code ReassemblyComplete}, {@code EventsLost}). Called on the
 * thread that calls the reassembler.
 */
public interface EventStream {
  /**
   * One event: its records in arrival order, all with the same serial; never empty, EOE not
   * included.
   */
  void reassemblyComplete(List<AuditRecord> records);

  /** {@code count} serials were skipped (never seen) just before the next delivered event. */
  void eventsLost(long count);
}
