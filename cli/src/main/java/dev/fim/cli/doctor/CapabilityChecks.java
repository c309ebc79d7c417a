package dev.fim.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The capabilities this process has (CapEff in /proc/self/status) beside what fim needs: each
 * missing one costs a named part of the work, so a service unit's CapabilityBoundingSet can be
 * checked by running fim doctor under it.
 */
public final class CapabilityChecks {
  /** A capability fim uses: its number (linux/capability.h), name and what needs it. */
  record Need(int bit, String name, String forWhat) {}

  static final List<Need> NEEDED =
      List.of(
          new Need(2, "CAP_DAC_READ_SEARCH", "reading every file and open_by_handle_at (fanotify)"),
          new Need(21, "CAP_SYS_ADMIN", "fanotify filesystem marks (else inotify)"),
          new Need(
              30, "CAP_AUDIT_CONTROL", "audit rules and the audit pid (else /proc attribution)"),
          new Need(37, "CAP_AUDIT_READ", "reading audit records beside auditd (multicast)"));

  private CapabilityChecks() {}

  public static void run(Consumer<Finding> out) {
    Long eff = capEff(Path.of("/proc/self/status"));
    if (eff == null) {
      out.accept(
          Finding.warn("capabilities", "CapEff unreadable in /proc/self/status", "mount /proc"));
      return;
    }
    List<String> missing = new ArrayList<>();
    for (Need n : NEEDED) {
      if ((eff & (1L << n.bit())) == 0) {
        missing.add(n.name() + " (" + n.forWhat() + ")");
      }
    }
    String hex = String.format("CapEff=%016x", eff);
    if (missing.isEmpty()) {
      out.accept(Finding.ok("capabilities", hex + ": every capability fim uses"));
    } else {
      out.accept(
          Finding.warn(
              "capabilities",
              hex + ", missing " + String.join(", ", missing),
              "run as root, or add them to the unit's CapabilityBoundingSet/AmbientCapabilities"));
    }
  }

  /** The effective capability set from a {@code /proc/PID/status} file, or null. */
  static Long capEff(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    return null;
  }
}
