package dev.fim.auditlink.netlink;

import dev.fim.auditlink.reassembly.ReassemblySettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link AuditListener}. Immutable.
 *
 * @param receiveBufferBytes the socket's receive buffer (SO_RCVBUFFORCE as root): what a burst of
 *     records may fill before the kernel drops them (ENOBUFS)
 * @param pollInterval how often the receive loop wakes without records, to time out incomplete
 *     events and to notice a stop request; also bounds how long {@link AuditListener#close()} waits
 * @param reassembly the reassembler's settings
 */
public record ListenerSettings(
    int receiveBufferBytes, Duration pollInterval, ReassemblySettings reassembly) {
  public ListenerSettings {
    if (receiveBufferBytes < 4096) {
      throw new IllegalArgumentException(
          "receiveBufferBytes " + receiveBufferBytes + " is below 4096");
    }
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval " + pollInterval + " must be positive");
    }
    Objects.requireNonNull(reassembly, "reassembly");
  }

  /** 8 MiB receive buffer, 200 ms poll, default reassembly. */
  public static ListenerSettings defaults() {
    return new ListenerSettings(8 << 20, Duration.ofMillis(200), ReassemblySettings.defaults());
  }
}
