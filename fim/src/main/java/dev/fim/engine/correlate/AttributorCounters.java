package dev.fim.engine.correlate;

/**
 * A snapshot of an {@link AuditAttributor}'s counters, for the watcher to surface (DESIGN.md: loss
 * is an event, never a silent gap).
 *
 * @param indexed audit events with fim's key that were indexed
 * @param ignored other audit events received (other keys, no SYSCALL record, records of other
 *     kinds)
 * @param held events in the index now
 * @param evicted events dropped from the index by age or by the count or byte bound
 * @param lostSerials audit serials never received (the reassembler's gaps): events lost on the way
 *     to fim
 * @param kernelLost how much the kernel's {@code lost} counter grew since start (backlog full, rate
 *     limit); it counts every audit record of the host, not only fim's
 * @param overruns times fim's netlink receive buffer overflowed (ENOBUFS)
 * @param found queries answered with an event
 * @param notFound queries answered with none
 */
public record AttributorCounters(
    long indexed,
    long ignored,
    long held,
    long evicted,
    long lostSerials,
    long kernelLost,
    long overruns,
    long found,
    long notFound) {
  /**
   * Every sign of loss together: serial gaps, the kernel's lost delta and overruns. One loss may be
   * counted in two of them, so this is an upper bound; zero means audit lost nothing since start.
   */
  public long lost() {
    return lostSerials + kernelLost + overruns;
  }
}
