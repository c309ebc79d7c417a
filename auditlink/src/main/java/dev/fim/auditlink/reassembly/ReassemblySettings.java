package dev.fim.auditlink.reassembly;

import java.time.Duration;

/**
 * How much the {@link Reassembler} holds and for how long.
 *
 * @param maxInFlight events held at once; when one more arrives the oldest (lowest serial) is
 *     delivered as it is, complete or not. go-libaudit's test uses 5; auditbeat defaults to
 *     thousands.
 * @param timeout how long an event waits for more records (EOE) after its first record before it is
 *     delivered as it is
 * @param gapWait how long a complete event waits for a missing lower serial before that serial is
 *     counted lost: on a multi-CPU host the kernel emits events slightly out of serial order (seen
 *     as gaps of hundreds under load in bench/audit-receive.sh), so a gap is not a loss until it
 *     persists. Zero delivers at once (go-libaudit's behaviour).
 */
public record ReassemblySettings(int maxInFlight, Duration timeout, Duration gapWait) {
  /** With the default gap wait: a tenth of the timeout, at most 200 ms. */
  public ReassemblySettings(int maxInFlight, Duration timeout) {
    this(maxInFlight, timeout, defaultGapWait(timeout));
  }

  private static Duration defaultGapWait(Duration timeout) {
    if (timeout == null) {
      return Duration.ZERO; // the canonical constructor rejects the timeout
    }
    Duration tenth = timeout.dividedBy(10);
    return tenth.compareTo(Duration.ofMillis(200)) < 0 ? tenth : Duration.ofMillis(200);
  }

  public ReassemblySettings {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " must be positive");
    }
    if (gapWait == null || gapWait.isNegative() || gapWait.compareTo(timeout) > 0) {
      throw new IllegalArgumentException(
          "gapWait " + gapWait + " must be between 0 and the timeout " + timeout);
    }
  }

  /** 1000 events, 2 s (go-libaudit's and auditbeat's timeout), gap wait 200 ms. */
  public static ReassemblySettings defaults() {
    return new ReassemblySettings(1000, Duration.ofSeconds(2));
  }
}
