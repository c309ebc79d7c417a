package dev.fim.auditlink.parse;

/**
 * A snapshot of a {@link RecordParser}'s counters. Every input offered to the parser lands in
 * exactly one of them, so {@link #total()} equals the number of calls.
 *
 * @param parsed records returned
 * @param malformed rejected: header missing or broken (truncated, binary, not an audit line)
 * @param tooLong rejected: longer than the parser's limit
 * @param unknownType rejected: {@code type=} names no known record type
 */
public record ParseCounters(long parsed, long malformed, long tooLong, long unknownType) {
  public long total() {
    return parsed + malformed + tooLong + unknownType;
  }

  public long rejected() {
    return malformed + tooLong + unknownType;
  }
}
