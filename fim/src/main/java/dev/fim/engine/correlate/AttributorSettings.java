package dev.fim.engine.correlate;

import dev.fim.auditlink.netlink.ListenerSettings;
import dev.fim.auditlink.reassembly.ReassemblySettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link AuditAttributor}. Immutable.
 *
 * @param key the rule key ({@code -F key=}) of fim's rules and of the events it indexes
 * @param retention how long an audit event stays in the index after its time
 * @param maxEvents the most events the index holds; the oldest go first. About 0.7 KiB each with
 *     two PATH items (measured: 100,000 decoded creates, heap after GC), so the default 32768 is
 *     about 23 MB: size the heap of {@code fim watch} for it
 * @param backlogLimit the kernel's backlog limit is raised to at least this (and restored at
 *     close): the default 64 loses events under the first burst
 * @param maxWait the longest {@link AuditAttributor#await} may wait for an event to arrive
 * @param listener the netlink listener's settings (receive buffer, poll, reassembly)
 */
public record AttributorSettings(
    String key,
    Duration retention,
    int maxEvents,
    long backlogLimit,
    Duration maxWait,
    ListenerSettings listener) {
  public AttributorSettings {
    Objects.requireNonNull(key, "key");
    // AUDIT_MAX_KEY_LEN (include/uapi/linux/audit.h); \x01 separates several keys of one rule.
    int bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > 256 || key.indexOf('\u0001') >= 0) {
      throw new IllegalArgumentException("key '" + key + "' must be 1 to 256 bytes without \\x01");
    }
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention " + retention + " must be positive");
    }
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents " + maxEvents + " must be at least 1");
    }
    if (backlogLimit < 0 || backlogLimit > 0xffffffffL) {
      throw new IllegalArgumentException(
          "backlogLimit " + backlogLimit + " is not an unsigned 32-bit number");
    }
    if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(retention) > 0) {
      throw new IllegalArgumentException(
          "maxWait " + maxWait + " must be between 0 and the retention " + retention);
    }
    Objects.requireNonNull(listener, "listener");
  }

  /**
   * Key {@code fim}, 10 s and 32768 events kept, backlog at least 8192, waits of at most 2 s, and a
   * listener that gives up on an incomplete event after 150 ms (see {@link #listenerDefaults()}).
   */
  public static AttributorSettings defaults() {
    return new AttributorSettings(
        "fim", Duration.ofSeconds(10), 32768, 8192, Duration.ofSeconds(2), listenerDefaults());
  }

  /**
   * The listener's receive buffer: 32 MiB (the kernel doubles it for its bookkeeping and charges
   * about 2.3 KB per record: some 28,000 records, 4,600 changes). While fim is the audit pid, the
   * kernel gives a record up for good (prints it to the console, and counts it lost only when audit
   * was on at boot) after its sends to fim failed for about half a second (kauditd: a 100 ms send,
   * then five retries). The buffer is the slack for a listener thread that a loaded host does not
   * schedule: the kernel's memory, taken only while records wait. It helps only with {@code
   * NETLINK_NO_ENOBUFS} (AuditListener): without it, a larger buffer lost more (5,374 of 64,641
   * burst events against 834 of 59,687 at 8 MiB, load 11), since after an overflow the kernel waits
   * for the whole buffer to be read.
   */
  static final int RECEIVE_BUFFER_BYTES = 32 << 20;

  /**
   * A receive buffer of {@link #RECEIVE_BUFFER_BYTES}; poll every 50 ms; reassembly of up to 1000
   * events, each given 150 ms to complete and 100 ms to wait for a missing lower serial. Shorter
   * than auditlink's defaults (2 s), which suit a log reader: the reassembler delivers in serial
   * order, so a record that never gets an EOE holds every later event back until it times out. Such
   * records are common: the CONFIG_CHANGE records of fim's own rule changes while it is the audit
   * pid, and records the kernel logs outside any syscall (BPF program unloads, which systemd
   * causes). The records of one syscall event are queued together at syscall exit, so 150 ms cuts
   * none short.
   */
  public static ListenerSettings listenerDefaults() {
    return new ListenerSettings(
        RECEIVE_BUFFER_BYTES,
        Duration.ofMillis(50),
        new ReassemblySettings(1000, Duration.ofMillis(150), Duration.ofMillis(100)));
  }

  /** The same settings with another key (tests use a key of their own). */
  public AttributorSettings withKey(String other) {
    return new AttributorSettings(other, retention, maxEvents, backlogLimit, maxWait, listener);
  }
}
