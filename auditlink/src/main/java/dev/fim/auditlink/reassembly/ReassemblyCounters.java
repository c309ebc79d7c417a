package dev.fim.auditlink.reassembly;

/**
 * A snapshot of a {@link Reassembler}'s counters.
 *
 * @param records records pushed, EOE included
 * @param events events delivered
 * @param eoe EOE records (they close an event and are not delivered)
 * @param orphanEoe EOE records whose event was not in flight (already delivered, or never seen)
 * @param incomplete events delivered without a completing record, because of the bound, the timeout
 *     or {@link Reassembler#flush()}
 * @param late records whose serial was already delivered or passed; each is delivered alone as an
 *     event of its own, never dropped
 * @param lost serials never seen between delivered events (sum of {@code eventsLost})
 */
public record ReassemblyCounters(
    long records, long events, long eoe, long orphanEoe, long incomplete, long late, long lost) {}
