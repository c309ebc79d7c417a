package dev.fim.auditlink.search;

/**
 * The cheap, per-line half of a search: which criteria a raw record line may satisfy, as bits, from
 * its bytes alone. The {@link EventGrouper} parses an event only when its lines together set every
 * wanted bit. Must never say "no" to a line that the exact test would accept. Called on the reading
 * thread, once per record line; must not keep {@code b}.
 */
interface LineFilter {
  /**
   * Bits this line sets: b[off, end) is the whole line, {@code type} its record type, {@code
   * millis} its time.
   */
  int hits(int type, long millis, byte[] b, int off, int end);
}
