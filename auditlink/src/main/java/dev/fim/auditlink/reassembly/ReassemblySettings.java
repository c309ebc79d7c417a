package dev.fim.auditlink.reassembly;

import java.time.Duration;

/**
 * How much the {@link Reassembler} holds and for how long.
 *
 * @param maxInFlight events held at once; when one more arrives the oldest (lowest serial) is
 *                    delivered as it is, complete or not. go-libaudit's test uses 5; auditbeat
 *                    defaults to thousands.
 * @param timeout     how long an event waits for more records (EOE) after its first record
 *                    before it is delivered as it is
 */
public record ReassemblySettings(int maxInFlight, Duration timeout) {
    public ReassemblySettings {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " must be positive");
        }
    }

    /** 1000 events, 2 s (go-libaudit's and auditbeat's timeout). */
    public static ReassemblySettings defaults() {
        return new ReassemblySettings(1000, Duration.ofSeconds(2));
    }
}
